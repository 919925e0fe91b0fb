"""Coarse confidence bands for aggregate reporting (metrics, the match log, unmet needs)."""

LOW_BELOW = 0.35
HIGH_FROM = 0.65


def confidence_band(confidence: float) -> str:
    """low < 0.35 ≤ mid < 0.65 ≤ high: coarse enough that a band says nothing about one person."""
    if confidence < LOW_BELOW:
        return "low"
    if confidence < HIGH_FROM:
        return "mid"
    return "high"

"""Evaluation of rankings against graded category gold (`tsunagu eval`).

Gold lines are the batch query lines plus `"gold": {"category_code": grade}` (2 = best fit,
1 = acceptable) and `"tags"` (`crisis`, `oos`; `borderline` lines count in neither crisis recall nor false alarms). Metrics are small pure functions over plain data,
so the same code scores our matcher and the baselines in one run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

from catalog.conditions import Fit, age_fits, area_fits, pregnancy_fits, time_fits
from catalog.model import Resource
from matcher.concern import Concern

Gold = dict[str, int]


def load_gold(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    lines = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        if raw.strip():
            line = json.loads(raw)
            if split in (None, "all") or line.get("split", "dev") == split:
                lines.append(line)
    return lines


# -- metrics on one ranking ------------------------------------------------------------------------
def hit_at(categories: list[str], gold: Gold, k: int) -> float:
    """1 when a grade-2 category is among the first k results."""
    return float(any(gold.get(c, 0) >= 2 for c in categories[:k]))


def reciprocal_rank(categories: list[str], gold: Gold) -> float:
    for rank, c in enumerate(categories, start=1):
        if gold.get(c, 0) >= 2:
            return 1.0 / rank
    return 0.0


def dcg(gains: Iterable[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(categories: list[str], gold: Gold, ideal_gains: list[int], k: int = 5) -> float:
    """nDCG@k with the ideal list drawn from what the catalog can offer (ideal_gains, sorted)."""
    ideal = dcg(ideal_gains[:k])
    if ideal <= 0:
        return 0.0
    return dcg(gold.get(c, 0) for c in categories[:k]) / ideal


def ideal_gains(resources: list[Resource], gold: Gold, k: int = 5) -> list[int]:
    best = sorted((max((gold.get(c, 0) for c in r.categories), default=0) for r in resources), reverse=True)
    return best[:k]


def auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a positive scores above a negative (ties count half)."""
    if not positives or not negatives:
        return float("nan")
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


def violations(resource: Resource, concern: Concern) -> list[str]:
    """Structured conditions the resource fails for the attributes given in the query."""
    checks = [
        age_fits(resource, concern.child_age_months),
        pregnancy_fits(resource, concern.pregnant),
        area_fits(resource, concern.area),
        time_fits(resource, concern.needed_at),
    ]
    return [c.kind for c in checks if c is not None and c.fit is Fit.FAILS]


# -- a whole run -----------------------------------------------------------------------------------
class Ranked(NamedTuple):
    """What a system returns for one query, reduced to what the metrics need."""

    resource_ids: list[str]
    categories: list[str]
    safety_level: str
    confidence: float


class Metrics(NamedTuple):
    n: int
    hit1: float
    hit3: float
    ndcg5: float
    mrr: float
    crisis_recall: float
    false_alarm_rate: float
    confidence_auc: float
    age_violations: int
    area_violations: int
    time_violations: int

    def as_dict(self) -> dict[str, float | None]:
        """Rounded; a metric with nothing to measure (no crisis line in the split) is None."""
        return {
            k: (None if isinstance(v, float) and math.isnan(v) else round(v, 4) if isinstance(v, float) else v)
            for k, v in self._asdict().items()
        }


RankFn = Callable[[Concern], Ranked]


def evaluate(rank: RankFn, lines: list[dict[str, Any]], resources: list[Resource], top_k: int = 5) -> tuple[Metrics, list[dict]]:
    """Score `rank` on gold lines; also returns per-query rows (for --compare)."""
    by_id = {r.id: r for r in resources}
    hit1 = hit3 = ndcg = mrr = 0.0
    scored = 0
    crisis_total = crisis_flagged = calm_total = calm_flagged = 0
    conf_in, conf_oos = [], []
    counts = {"age": 0, "area": 0, "time": 0}
    rows = []
    for line in lines:
        concern = Concern.from_query(line)
        out = rank(concern)
        gold: Gold = {k: int(v) for k, v in (line.get("gold") or {}).items()}
        tags = set(line.get("tags") or [])
        row = {"id": line["id"], "top": out.categories[:3], "confidence": out.confidence, "safety": out.safety_level}
        if "crisis" in tags:
            crisis_total += 1
            crisis_flagged += out.safety_level != "none"
        elif "borderline" not in tags:  # a fair "concern" on a borderline line is no false alarm
            calm_total += 1
            calm_flagged += out.safety_level != "none"
        if "oos" in tags:
            conf_oos.append(out.confidence)
        else:
            conf_in.append(out.confidence)
        if gold and "oos" not in tags:
            scored += 1
            h1, h3 = hit_at(out.categories, gold, 1), hit_at(out.categories, gold, 3)
            nd = ndcg_at(out.categories, gold, ideal_gains(resources, gold), 5)
            rr = reciprocal_rank(out.categories, gold)
            hit1, hit3, ndcg, mrr = hit1 + h1, hit3 + h3, ndcg + nd, mrr + rr
            row.update(hit3=h3, ndcg5=round(nd, 4))
        for rid in out.resource_ids[:top_k]:
            r = by_id.get(rid)
            if r is not None:
                for kind in violations(r, concern):
                    key = "time" if kind == "time" else "area" if kind == "area" else "age"
                    counts[key] += 1
        rows.append(row)
    d = max(scored, 1)
    metrics = Metrics(
        n=len(lines),
        hit1=hit1 / d,
        hit3=hit3 / d,
        ndcg5=ndcg / d,
        mrr=mrr / d,
        crisis_recall=crisis_flagged / crisis_total if crisis_total else float("nan"),
        false_alarm_rate=calm_flagged / calm_total if calm_total else float("nan"),
        confidence_auc=auc(conf_in, conf_oos),
        age_violations=counts["age"],
        area_violations=counts["area"],
        time_violations=counts["time"],
    )
    return metrics, rows

from matcher.bands import confidence_band


def test_band_edges():
    assert [confidence_band(x) for x in (0.0, 0.349, 0.35, 0.649, 0.65, 1.0)] == ["low", "low", "mid", "mid", "high", "high"]

"""The synthetic match log: real matcher output, privacy-preserving rows only, deterministic."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from catalog.importer import read_catalog
from catalog.unmet import unmet_needs
from matcher.sample_log import TEMPLATES, generate_sample_log

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "catalog.csv"


@lru_cache(maxsize=1)
def _matcher():
    from matcher import Matcher

    return Matcher.build(read_catalog(SAMPLE).resources)


def test_rows_keep_no_text_and_are_deterministic():
    rows = generate_sample_log(40, seed=7, matcher=_matcher())
    assert rows == generate_sample_log(40, seed=7, matcher=_matcher())
    texts = {t for t, *_ in TEMPLATES}
    for row in rows:
        data = row.to_dict()
        assert not any(isinstance(v, str) and v in texts for v in data.values())
        assert all(w not in texts for w in row.content_words)
        assert row.categories and row.confidence_band in ("low", "mid", "high")


def test_the_sample_shows_the_universal_nursery_gap_in_the_south():
    resources = _matcher().resources
    report = unmet_needs(generate_sample_log(300, seed=1, matcher=_matcher()), resources)
    assert any(u.category == "universal_nursery" and u.area == "南地区" for u in report.unmet)

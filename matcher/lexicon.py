"""Data-file lexicons: the domain dictionary (expansion of everyday words and abbreviations)
and the per-category cue lexicon. Analysts edit the TSV files; code only reads them.

Matching is done in three spaces so that spelling does not matter:
1. the normalised text with hiragana turned into katakana (あずけ = アズケ),
2. the katakana reading of the whole text (預け = アズケ),
3. a loose reading without dakuten or small kana, for longer cues only (typing slips).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, NamedTuple

from matcher.normalize import fold_reading, normalize_text, to_katakana
from matcher.tokenize import reading_string, tokenize

# A reading shorter than this matches too many unrelated words (コ, シン...).
MIN_READING_MATCH = 4
MIN_LOOSE_MATCH = 6


def _data_lines(name: str, path: Path | None = None) -> list[list[str]]:
    if path is not None:
        text = Path(path).read_text(encoding="utf-8-sig")
    else:
        file = resources.files("matcher").joinpath(f"data/{name}")
        text = file.read_text(encoding="utf-8-sig") if file.is_file() else ""
    rows = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    parsed = list(csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))
    return parsed[1:]  # header


class TextViews(NamedTuple):
    """One text seen three ways, for lexicon matching."""

    kana: str  # normalised, hiragana → katakana
    reading: str  # katakana reading from Sudachi
    loose: str  # reading without dakuten / small kana / long marks


def text_views(text: str, tokens=None) -> TextViews:
    norm = normalize_text(text)
    toks = tokens if tokens is not None else tokenize(norm, normalized=True)
    reading = reading_string(toks)
    return TextViews(to_katakana(norm), reading, fold_reading(reading))


class Pattern(NamedTuple):
    kana: str
    reading: str
    loose: str

    def found_in(self, views: TextViews) -> bool:
        if self.kana and self.kana in views.kana:
            return True
        if len(self.reading) >= MIN_READING_MATCH and self.reading in views.reading:
            return True
        return len(self.loose) >= MIN_LOOSE_MATCH and self.loose in views.loose


@lru_cache(maxsize=50_000)
def make_pattern(phrase: str) -> Pattern:
    norm = normalize_text(phrase)
    reading = reading_string(tokenize(norm, normalized=True))
    return Pattern(to_katakana(norm), reading, fold_reading(reading))


class DomainDictionary:
    """canonical ← variants. Expansion appends the canonical wording when a variant is present."""

    def __init__(self, entries: Iterable[tuple[str, list[str]]]):
        self.entries = [(canonical, [make_pattern(v) for v in variants]) for canonical, variants in entries]

    @classmethod
    def load(cls, path: Path | None = None) -> "DomainDictionary":
        entries = []
        for row in _data_lines("dictionary.tsv", path):
            if len(row) >= 2 and row[0].strip():
                variants = [v.strip() for v in row[1].replace("；", ";").split(";") if v.strip()]
                entries.append((row[0].strip(), variants))
        return cls(entries)

    def canonicals_in(self, views: TextViews) -> list[str]:
        found = []
        for canonical, patterns in self.entries:
            if any(p.found_in(views) for p in patterns):
                found.append(canonical)
        return found

    def expand(self, text: str, views: TextViews | None = None) -> str:
        views = views or text_views(text)
        extra = [c for c in self.canonicals_in(views) if to_katakana(normalize_text(c)) not in views.kana]
        return text if not extra else text + " " + " ".join(extra)


class CueHit(NamedTuple):
    category: str
    cue: str
    weight: float


class CueLexicon:
    """Per-category cue phrases with weights (0.5 weak hint … 3.0 decisive)."""

    def __init__(self, rows: Iterable[tuple[str, str, float]]):
        self.rows = [(cat, cue, weight, make_pattern(cue)) for cat, cue, weight in rows]
        self.by_category: dict[str, list[str]] = defaultdict(list)
        for cat, cue, _w, _p in self.rows:
            self.by_category[cat].append(cue)

    @classmethod
    def load(cls, path: Path | None = None) -> "CueLexicon":
        rows = []
        for row in _data_lines("category_cues.tsv", path):
            if len(row) >= 3 and row[0].strip() and row[1].strip():
                rows.append((row[0].strip(), row[1].strip(), float(row[2])))
        return cls(rows)

    def hits(self, views: TextViews) -> list[CueHit]:
        return [CueHit(cat, cue, w) for cat, cue, w, p in self.rows if p.found_in(views)]

    @staticmethod
    def scores(hits: list[CueHit]) -> dict[str, float]:
        """Per category, 1 - exp(-Σw / 2.5): one decisive cue ≈ 0.7, two ≈ 0.9; weak hints stay low."""
        sums: dict[str, float] = defaultdict(float)
        seen: set[tuple[str, str]] = set()
        for h in hits:
            if (h.category, h.cue) not in seen:
                seen.add((h.category, h.cue))
                sums[h.category] += h.weight
        return {cat: 1.0 - math.exp(-s / 2.5) for cat, s in sums.items()}

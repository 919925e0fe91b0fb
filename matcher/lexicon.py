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

import ahocorasick

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


@lru_cache(maxsize=50_000)
def make_pattern(phrase: str) -> Pattern:
    norm = normalize_text(phrase)
    reading = reading_string(tokenize(norm, normalized=True))
    return Pattern(to_katakana(norm), reading, fold_reading(reading))


def _word_bounded(text: str, pos: int, phrase: str) -> bool:
    """Latin words start at a word boundary; short ones must also end at one (`dv` ≠ `advice`)."""
    if not phrase[0].isascii() or not phrase[0].isalpha():
        return True
    end = pos + len(phrase)
    before = text[pos - 1] if pos > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isascii() and before.isalpha():
        return False
    # Short words must end at a word boundary (dv, asd); longer ones may be stems (autis → autism).
    return len(phrase) > 4 or not (after.isascii() and after.isalpha() and phrase[-1].isalpha())


class PhraseFinder:
    """Finds which of many patterns occur in a text, in time linear in the text length.

    Each view (spelling, reading, loose reading) has an Aho–Corasick automaton (pyahocorasick, C)
    over its phrases: one pass over the text reports every occurrence of every phrase, overlapping
    ones and phrases inside longer phrases included. The pure-Python lookup per position and
    phrase length it replaces cost ~1.5 ms on a 300-character concern, most of a query's budget.
    """

    def __init__(self, patterns: list[Pattern]):
        self.size = len(patterns)
        self.views: list[ahocorasick.Automaton | None] = []
        for field, min_len in (("kana", 1), ("reading", MIN_READING_MATCH), ("loose", MIN_LOOSE_MATCH)):
            table: dict[str, list[int]] = defaultdict(list)
            for pid, p in enumerate(patterns):
                phrase = getattr(p, field)
                if len(phrase) >= min_len:
                    table[phrase].append(pid)
            self.views.append(_automaton(table))

    def find(self, views: TextViews, spelling_only: bool = False) -> set[int]:
        """Pattern ids found; `spelling_only` skips the reading views (edited catalog text has
        no typing slips, and the reading scans are two thirds of the cost)."""
        found: set[int] = set()
        for text, automaton in zip(views[:1] if spelling_only else views, self.views):
            if automaton is None or not text:
                continue
            for end, (pids, phrase, latin) in automaton.iter(text):
                if not latin or _word_bounded(text, end + 1 - len(phrase), phrase):
                    found.update(pids)
        return found


def _automaton(table: dict[str, list[int]]) -> ahocorasick.Automaton | None:
    """phrase → (pattern ids, phrase, whether it starts with a Latin letter and so must be
    checked for word boundaries); None when the view has no phrase (an empty automaton cannot
    be searched)."""
    if not table:
        return None
    automaton = ahocorasick.Automaton()
    for phrase, pids in table.items():
        automaton.add_word(phrase, (tuple(pids), phrase, phrase[0].isascii() and phrase[0].isalpha()))
    automaton.make_automaton()
    return automaton


class DomainDictionary:
    """canonical ← variants. Expansion appends the canonical wording when a variant is present."""

    def __init__(self, entries: Iterable[tuple[str, list[str]]]):
        self.entries = [(canonical, [make_pattern(v) for v in variants]) for canonical, variants in entries]
        patterns, self._owner = [], []
        for k, (_canonical, pats) in enumerate(self.entries):
            patterns.extend(pats)
            self._owner.extend([k] * len(pats))
        self._finder = PhraseFinder(patterns)

    @classmethod
    def load(cls, path: Path | None = None) -> "DomainDictionary":
        entries = []
        for row in _data_lines("dictionary.tsv", path):
            if len(row) >= 2 and row[0].strip():
                variants = [v.strip() for v in row[1].replace("；", ";").split(";") if v.strip()]
                entries.append((row[0].strip(), variants))
        return cls(entries)

    def canonicals_in(self, views: TextViews, spelling_only: bool = False) -> list[str]:
        owners = sorted({self._owner[pid] for pid in self._finder.find(views, spelling_only)})
        return [self.entries[k][0] for k in owners]

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
        self._finder = PhraseFinder([p for *_rest, p in self.rows])
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
        return [CueHit(*self.rows[pid][:3]) for pid in sorted(self._finder.find(views))]

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


class LexiconScanner:
    """The dictionary and the cue lexicon scanned in one pass over a query's three views (the
    scan is the costliest step of understanding a long concern)."""

    def __init__(self, dictionary: DomainDictionary, cues: CueLexicon):
        self.dictionary, self.cues = dictionary, cues
        dict_patterns = [p for _canonical, pats in dictionary.entries for p in pats]
        self._split = len(dict_patterns)
        self._finder = PhraseFinder(dict_patterns + [p for *_rest, p in cues.rows])

    def scan(self, views: TextViews) -> tuple[list[str], list[CueHit]]:
        found = self._finder.find(views)
        owners = sorted({self.dictionary._owner[pid] for pid in found if pid < self._split})
        hits = [CueHit(*self.cues.rows[pid - self._split][:3]) for pid in sorted(found) if pid >= self._split]
        return [self.dictionary.entries[k][0] for k in owners], hits


"""Candidate duplicate resources, scored and explained, so an analyst can merge or keep.

Two steps, so it scales to catalogs of 10k rows:
1. Blocking: only rows sharing a cheap key are compared — the same phone digits, the same start
   or end of the name's reading, a nearby position (~200 m grid), or the same category and area.
   Blocks larger than 20 rows (all daycares of a district, say) are compared by sorted
   neighbourhood: each row with the rows next to it in name-reading order.
2. Scoring with rapidfuzz on short fields: the name (NFKC-normalised, legal-entity prefix
   dropped) and its reading (Sudachi, folded: no dakuten, small kana, long marks), the address
   with 丁目/番/号 and kanji numerals folded to 1-2-3, phone equality, category equality and
   distance.

A shared phone alone is weak evidence: one office often runs several services under one number
(a nursery and its 一時預かり). The name carries most of the weight; a different category lowers
the score.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Iterable

from rapidfuzz import fuzz

from catalog.model import Resource
from matcher.normalize import fold_reading, normalize_text, to_katakana

# Pairs scoring at least this are reported; the real pairs of the sample score 90+, a nursery
# and its 一時預かり row (same phone, other category) under 60.
DEFAULT_MIN_SCORE = 70.0
MAX_BLOCK = 20  # larger blocks are compared by sorted neighbourhood
WINDOW = 5  # neighbours each row is compared with inside a large block
NEAR_METRES = 150.0

_LEGAL_ENTITY_RE = re.compile(
    r"^(社会福祉法人|学校法人|医療法人(社団|財団)?|特定非営利活動法人|npo法人|一般社団法人|公益社団法人|"
    r"一般財団法人|公益財団法人|株式会社|有限会社|合同会社)\S*\s+"
)
_NAME_NOISE_RE = re.compile(r"[\s・･「」『』()（）【】\[\]\"'、。,.]")
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_KANJI_NUMBER_RE = re.compile(r"[〇一二三四五六七八九十]+(?=丁目|番|号|条)")
_BLOCK_NUMBER_RE = re.compile(r"(\d+)\s*(?:丁目|番地|番|号|-)\s*")
_BUILDING_RE = re.compile(r"^(.*?\d+(?:-\d+)*)(?=\D|$)")


# ---- keys ------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """The name as compared: normalised, legal-entity prefix (社会福祉法人あおば会 …) and
    punctuation/spaces removed."""
    # The prefix ends at a space, which normalize_text would remove between Japanese words.
    s = _LEGAL_ENTITY_RE.sub("", unicodedata.normalize("NFKC", name).strip().lower())
    return _NAME_NOISE_RE.sub("", normalize_text(s))


@lru_cache(maxsize=50_000)
def _name_words(name: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(loose reading of the whole name, (surface, loose reading) of each content word)."""
    from matcher.tokenize import tokenize  # Sudachi loads on first use only

    key = name_key(name)
    tokens = [t for t in tokenize(key, normalized=True) if not t.sub]
    reading = fold_reading(to_katakana("".join(t.surface_reading for t in tokens) or key))
    words = tuple((t.surface, fold_reading(to_katakana(t.surface_reading))) for t in tokens if t.content)
    return reading, tuple(w for w in words if len(w[1]) >= 2)


def reading_key(name: str) -> str:
    """A loose reading of the name: 子育てひろば and こそだてひろば meet at コソタテヒロハ."""
    return _name_words(name)[0]


def _words_missing(words: tuple[tuple[str, str], ...], other_name: str, other_reading: str) -> list[str]:
    """Words of one name that the other name has neither in writing nor (roughly) in reading:
    ショートステイ against トワイライトステイ, not 若葉 against わかば."""
    return [surface for surface, reading in words
            if surface not in other_name and fuzz.partial_ratio(reading, other_reading) < 80]


def _kanji_number(text: str) -> str:
    """二 → 2, 十 → 10, 二十五 → 25 (enough for 丁目 and 番)."""
    if "十" not in text:
        return "".join(str(_KANJI_DIGITS[c]) for c in text)
    tens, _, ones = text.partition("十")
    return str((_KANJI_DIGITS.get(tens, 1) if tens else 1) * 10 + (_KANJI_DIGITS.get(ones, 0) if ones else 0))


def address_key(address: str | None) -> str:
    """栄町3丁目2番1号 and 栄町3-2-1 わかばプラザ2階 both give 栄町3-2-1 (building dropped)."""
    if not address:
        return ""
    s = normalize_text(address).replace(" ", "")
    s = _KANJI_NUMBER_RE.sub(lambda m: _kanji_number(m.group(0)), s)
    s = _BLOCK_NUMBER_RE.sub(lambda m: m.group(1) + "-", s).rstrip("-")
    m = _BUILDING_RE.match(s)
    return m.group(1) if m else s


def phone_key(phone: str | None) -> str:
    return re.sub(r"\D", "", normalize_text(phone)) if phone else ""


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


# ---- pairs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicatePair:
    """Two resources that may describe the same service; `a` is the one verified more recently."""

    a: str
    b: str
    score: float  # 0–100
    reasons_ja: tuple[str, ...]
    reasons_en: tuple[str, ...]
    signals: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def explanation(self) -> str:
        return "・".join(self.reasons_ja)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "score": self.score, "explanation": self.explanation,
                "reasons_ja": list(self.reasons_ja), "reasons_en": list(self.reasons_en),
                "signals": dict(self.signals)}


class _Row:
    """Keys of one resource, computed once."""

    __slots__ = ("r", "name", "shown", "reading", "words", "address", "phone", "areas", "origin")

    def __init__(self, r: Resource, origin: int):
        self.r = r
        self.name = name_key(r.name)
        self.shown = normalize_text(r.name)  # with spaces, for token_set_ratio
        self.reading, self.words = _name_words(r.name)
        self.address = address_key(r.address)
        self.phone = phone_key(r.phone)
        self.areas = frozenset(r.service_areas)
        self.origin = origin  # 0 = the catalog, 1 = the catalog it is compared against


def _blocks(rows: list[_Row]) -> Iterable[list[int]]:
    keys: dict[tuple, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if len(row.phone) >= 3:
            keys[("tel", row.phone)].append(i)
        if len(row.reading) >= 3:
            keys[("head", row.reading[:4])].append(i)
            keys[("tail", row.reading[-4:])].append(i)
        if row.r.lat is not None and row.r.lon is not None:
            # ~220 m cells; a row also joins the cells east, north and north-east of it, so two
            # rows closer than a cell always share one.
            cy, cx = int(row.r.lat * 500), int(row.r.lon * 400)
            for dy in (0, 1):
                for dx in (0, 1):
                    keys[("geo", cy + dy, cx + dx)].append(i)
        for area in row.areas or {""}:
            keys[("cat", row.r.category, area)].append(i)
    for members in keys.values():
        if len(members) > 1:
            yield members


def _candidate_pairs(rows: list[_Row]) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for members in _blocks(rows):
        if len(members) <= MAX_BLOCK:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
            continue
        ordered = sorted(members, key=lambda i: (rows[i].reading, rows[i].name))
        for x in range(len(ordered)):
            for y in range(x + 1, min(x + 1 + WINDOW, len(ordered))):
                a, b = ordered[x], ordered[y]
                pairs.add((a, b) if a < b else (b, a))
    return pairs


def score_pair(x: Resource, y: Resource) -> DuplicatePair:
    """Score and explain one pair (exposed for notebooks and the API)."""
    p, q = _Row(x, 0), _Row(y, 0)
    signals = _Signals.of(p, q)
    signals.add_facts(p, q)
    signals.add_words(p, q)
    return _explain(p, q, signals)


# Everything but the name adds at most this much: address 15, phone 15, distance 5.
_MAX_BONUS = 35.0


class _Signals:
    """The numbers behind a pair's score. `base` leaves out the name-word check, which only
    lowers the score and is the costly part, so pairs that cannot pass skip it."""

    __slots__ = ("name", "reading", "tokens", "name_sim", "address", "same_phone", "same_category",
                 "distance", "base", "only_p", "only_q", "score")

    @classmethod
    def of(cls, p: _Row, q: _Row) -> "_Signals":
        s = cls()
        s.name = fuzz.ratio(p.name, q.name)
        s.reading = fuzz.ratio(p.reading, q.reading) if p.reading and q.reading else 0.0
        # token_set_ratio forgives word order and an extra word, so it only adds a little.
        s.tokens = fuzz.token_set_ratio(p.shown, q.shown)
        s.name_sim = max(s.name, s.reading, 0.85 * s.tokens)
        s.base = s.score = 0.70 * s.name_sim
        s.only_p = s.only_q = []
        s.address = s.distance = None
        s.same_phone = s.same_category = False
        return s

    def add_facts(self, p: _Row, q: _Row) -> None:
        self.address = fuzz.ratio(p.address, q.address) if p.address and q.address else None
        self.same_phone = bool(p.phone) and p.phone == q.phone
        self.same_category = p.r.category == q.r.category
        if None not in (p.r.lat, p.r.lon, q.r.lat, q.r.lon):
            self.distance = haversine_m(p.r.lat, p.r.lon, q.r.lat, q.r.lon)
        base = self.base + 0.15 * (self.address if self.address is not None else 50.0)
        base += 15.0 if self.same_phone else 0.0
        if self.distance is not None:
            base += 5.0 if self.distance <= NEAR_METRES else (-10.0 if self.distance > 2_000 else 0.0)
        if not self.same_category:
            base -= 25.0
        if p.areas and q.areas and not (p.areas & q.areas):
            base -= 15.0
        self.base = self.score = base

    def add_words(self, p: _Row, q: _Row) -> None:
        # Words only one name has: on both sides they name different services (ショートステイ /
        # トワイライトステイ at one 学園); on one side they may be a qualifier (一時預かり …).
        self.only_p = _words_missing(p.words, q.name, q.reading)
        self.only_q = _words_missing(q.words, p.name, p.reading)
        penalty = 30.0 if (self.only_p and self.only_q) else 10.0 if (self.only_p or self.only_q) else 0.0
        self.score = round(max(0.0, min(100.0, self.base - penalty)), 1)


def _explain(p: _Row, q: _Row, s: _Signals) -> DuplicatePair:
    ja: list[str] = []
    en: list[str] = []
    if s.reading >= 90 and s.reading >= s.name:
        ja.append(f"名称の読みが一致（{s.reading:.0f}）")
        en.append(f"name readings match ({s.reading:.0f})")
    elif s.name_sim >= 60:
        ja.append(f"名称が類似（{s.name_sim:.0f}）")
        en.append(f"names are similar ({s.name_sim:.0f})")
    else:
        ja.append(f"名称が異なる（{s.name_sim:.0f}）")
        en.append(f"names differ ({s.name_sim:.0f})")
    only_p, only_q = s.only_p, s.only_q
    if only_p and only_q:
        ja.append(f"名称の語が異なる（{'・'.join(only_p[:2])}／{'・'.join(only_q[:2])}）")
        en.append(f"different words in the names ({', '.join(only_p[:2])} / {', '.join(only_q[:2])})")
    elif only_p or only_q:
        ja.append(f"一方の名称にだけある語（{'・'.join((only_p or only_q)[:2])}）")
        en.append(f"words in one name only ({', '.join((only_p or only_q)[:2])})")
    if s.address is not None and s.address >= 90:
        ja.append("住所が同じ" if s.address == 100 else f"住所が類似（{s.address:.0f}）")
        en.append("same address" if s.address == 100 else f"similar address ({s.address:.0f})")
    if s.same_phone:
        ja.append("電話番号が同じ")
        en.append("same phone number")
    if s.distance is not None and s.distance <= NEAR_METRES:
        ja.append(f"所在地が近い（{s.distance:.0f} m）")
        en.append(f"close together ({s.distance:.0f} m)")
    if not s.same_category:
        ja.append("分類が異なる")
        en.append("different categories")

    # The row verified more recently is `a` (the one to keep by default).
    if (q.r.verified_on or date.min) > (p.r.verified_on or date.min):
        p, q = q, p
        only_p, only_q = only_q, only_p
    signals = {"name": round(s.name, 1), "reading": round(s.reading, 1), "tokens": round(s.tokens, 1),
               "words_only_a": only_p, "words_only_b": only_q,
               "address": None if s.address is None else round(s.address, 1), "same_phone": s.same_phone,
               "same_category": s.same_category, "distance_m": None if s.distance is None else round(s.distance, 1)}
    return DuplicatePair(p.r.id, q.r.id, s.score, tuple(ja), tuple(en), signals)


def find_duplicates(
    resources: Iterable[Resource],
    against: Iterable[Resource] | None = None,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[DuplicatePair]:
    """Candidate duplicate pairs, best first.

    Without `against`: pairs within `resources`. With `against` (the active catalog, when an
    import is checked): only pairs of one new and one existing row; a row with the same id in
    both is the same resource updated, not a duplicate.
    """
    rows = [_Row(r, 0) for r in resources]
    if against is not None:
        rows += [_Row(r, 1) for r in against]
    found: list[DuplicatePair] = []
    for i, j in _candidate_pairs(rows):
        p, q = rows[i], rows[j]
        if against is not None and p.origin == q.origin:
            continue
        if p.r.id == q.r.id:
            continue
        signals = _Signals.of(p, q)
        if signals.base + _MAX_BONUS < min_score:
            continue  # cannot reach min_score whatever else matches
        signals.add_facts(p, q)
        if signals.base < min_score:
            continue
        signals.add_words(p, q)
        if signals.score >= min_score:
            found.append(_explain(p, q, signals))
    found.sort(key=lambda d: (-d.score, d.a, d.b))
    return found

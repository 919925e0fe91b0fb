"""Safety triage: does a concern show danger to a child or a parent, and of which kind?

Every concern gets a level: "urgent" (danger now: medical emergency, violence happening,
suicidal thoughts, a child left alone), "concern" (a risk that needs a professional soon: fear of
hurting the child, signs of abuse or neglect, DV, exhaustion with hopelessness) or "none".

The decision comes from a curated lexicon kept as data that analysts can read and edit
(data/safety_cues.tsv: the cues; data/safety_context.tsv: negation, play, fiction, idioms,
someone else's child ... that cancel or change a cue). Cues are matched on the normalised text and,
through katakana readings, on kana-only input (しにたい, なぐられる). Each raised cue carries its
reason, so a counsellor can judge the decision. When unsure, the lexicon errs on showing help:
a missed crisis is the worst bug. No statistical model is used (see README of the eval set):
on a task where a single miss matters, a rule a counsellor can read beats a score.
"""

from __future__ import annotations

import csv
import json
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import product
from typing import Iterable, NamedTuple, Sequence

import ahocorasick

from matcher.normalize import normalize_text, to_katakana
from matcher.tokenize import Token, tokenize

LEVELS = ("none", "concern", "urgent")
_LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}
# Most dangerous first: the order of kinds in an assessment and of the contacts shown.
KIND_ORDER = ("medical", "child_alone", "self_harm", "abuse", "violence", "dv", "neglect", "runaway", "exhaustion")
KIND_LABELS = {
    "medical": "医療的緊急",
    "violence": "暴力",
    "self_harm": "自殺・自傷の危険",
    "child_alone": "子どもの置き去り",
    "abuse": "虐待のおそれ",
    "dv": "DV",
    "neglect": "ネグレクトのおそれ",
    "runaway": "家に帰れない・帰らない子ども",
    "exhaustion": "心身の限界",
}
LEVEL_LABELS = {"urgent": "緊急", "concern": "早めの相談を", "none": "該当なし"}

_GAP = 12  # characters a `~` in a cue form may skip (within one sentence)
_SENTENCE_END = "。!?\n"
# A ! or ? inside a quotation (「どうする？」という絵本) does not end the sentence.
_SENTENCE_RE = re.compile(r"(?:[^。!?\n]|[!?](?=[」』\"']))+")
_SENTENCE_END_RE = re.compile(f"[{_SENTENCE_END}]")
_KANJI_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々]")
_KANA_WORD_RE = re.compile(r"[ぁ-ゖァ-ヺー]+")
_FUNCTION_POS = frozenset({"助詞", "助動詞", "補助記号", "空白"})
_KANA_RE = re.compile(r"[ァ-ヴー]+")
_ASCII_WORD = re.compile(r"[a-z0-9]")


class SafetyCue(NamedTuple):
    kind: str
    level: str
    cue: str  # the lexicon row id (safety_cues.tsv), e.g. "medical.ingestion"
    matched: str  # the words of the concern that raised it


class SafetyAssessment(NamedTuple):
    level: str  # "none" | "concern" | "urgent"
    kinds: tuple[str, ...]  # most dangerous first
    reasons: tuple[str, ...]  # Japanese, one per raised cue: 「『飲み込んだ』: 誤飲の可能性（緊急）」
    cues: tuple[SafetyCue, ...]

    @property
    def alarm(self) -> bool:
        """True when the concern must show emergency contacts first."""
        return self.level != "none"


NO_DANGER = SafetyAssessment("none", (), (), ())


# ---------------------------------------------------------------------------------------------
# Loading the lexicon


@dataclass(frozen=True)
class _Context:
    name: str
    effect: str  # cancel | concern | urgent | words
    where: str  # after | before | sentence | text
    window: int
    words: tuple[str, ...]  # plain alternatives (for {group} in forms)
    surface: tuple[re.Pattern, ...]
    kana: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class _Cue:
    id: str
    kinds: tuple[str, ...]
    level: str
    surface: tuple[re.Pattern, ...]
    kana: tuple[re.Pattern, ...]
    surface_keys: frozenset[str]  # first one or two characters of every form: where a match starts
    kana_keys: frozenset[str]
    kanji: frozenset[str]  # kanji of all spellings: a reading match may only show these
    contexts: tuple[tuple[str, str], ...]  # (group, effect)
    requires: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class _Lexicon:
    cues: tuple[_Cue, ...]
    contexts: dict[str, _Context] = field(default_factory=dict)
    # The cues' keys (surface, kana), each → (its length, the indices of the cues that have it).
    surface_keys: ahocorasick.Automaton | None = None
    kana_keys: ahocorasick.Automaton | None = None


def _key_finder(keys_per_cue: Iterable[frozenset[str]]) -> ahocorasick.Automaton | None:
    owners: dict[str, list[int]] = {}
    for i, keys in enumerate(keys_per_cue):
        for key in keys:
            owners.setdefault(key, []).append(i)
    if not owners:
        return None
    finder = ahocorasick.Automaton()
    for key, cue_ids in owners.items():
        finder.add_word(key, (len(key), tuple(cue_ids)))
    finder.make_automaton()
    return finder


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("matcher").joinpath("data", filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t")]


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside parentheses and braces."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _expand(piece: str, words: dict[str, tuple[str, ...]]) -> list[str]:
    """All literal spellings of one piece: (a|b) groups (nested too), `?` after a group, and
    {group} word lists expanded."""
    return sorted({normalize_text(s) for s in _spellings(piece, words) if s.strip()}, key=len, reverse=True)


def _spellings(piece: str, words: dict[str, tuple[str, ...]]) -> list[str]:
    parts: list[list[str]] = []
    i = 0
    while i < len(piece):
        ch = piece[i]
        if ch == "(":
            depth, j = 0, i
            for j in range(i, len(piece)):
                depth += {"(": 1, ")": -1}.get(piece[j], 0)
                if depth == 0:
                    break
            inner = piece[i + 1 : j]
            parts.append([s for alt in _split_top(inner, "|") for s in _spellings(alt, words)])
            i = j + 1
        elif ch == "{":
            j = piece.index("}", i)
            parts.append(list(words[piece[i + 1 : j]]))
            i = j + 1
        elif ch == "?" and parts:  # the group before is optional
            parts[-1] = parts[-1] + [""]
            i += 1
        else:
            parts.append([ch])
            i += 1
    return ["".join(p) for p in product(*parts)]


@lru_cache(maxsize=50_000)
def _reading(literal: str) -> str | None:
    """Katakana reading of a literal, or None when it cannot be read reliably (ASCII, OOV kanji)."""
    if _ASCII_WORD.search(literal):
        return None
    tokens = [t for t in tokenize(literal, normalized=True) if not t.sub]
    reading = to_katakana("".join(t.surface_reading for t in tokens))
    return reading if _KANA_RE.fullmatch(reading) else None


def _alternation(spellings: Sequence[str]) -> str:
    """A regex matching any of the literal spellings, written as a trie (電池|電話 → 電(?:池|話))
    so the regex engine tries one branch per character instead of every spelling at every
    position: this keeps a 200-character concern well under a millisecond."""
    trie: dict = {}
    for spelling in spellings:
        node = trie
        for ch in spelling:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
        return body

    return "(?:" + emit(trie) + ")"


def _trie(entries: Sequence[tuple[Sequence[str], str]]) -> str:
    """One regex for many forms: a trie over the spellings of their first pieces, each ending in
    what must follow it (the rest of the form after a gap, or nothing). The pattern then starts
    with plain characters, so the regex engine skips positions whose character starts no form."""
    root: dict = {}
    for spellings, rest in entries:
        for spelling in spellings:
            node = root
            for ch in spelling:
                node = node.setdefault(ch, {})
            node.setdefault("", set()).add(rest)

    def emit(node: dict) -> list[str]:
        parts = [re.escape(ch) + _group(emit(child)) for ch, child in sorted(node.items()) if ch]
        ends = node.get("", set())
        parts += sorted(r for r in ends if r)
        if "" in ends:
            parts.append("")
        return parts

    return "|".join(emit(root))


def _group(parts: list[str]) -> str:
    if parts == [""]:
        return ""
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _compile_forms(forms: str, words: dict[str, tuple[str, ...]], gap: str, kana_gap: str):
    """Regexes for `a|b~c` forms: on the normalised text (Japanese forms as one trie, English and
    sentence-anchored forms apart), and on the katakana reading. In the reading every piece after
    the first is captured so the matcher can check it starts on a token boundary (ケラレ must not
    match inside タスケラレル)."""
    plain, other, kana_entries = [], [], []
    surface_keys: set[str] = set()
    kana_keys: set[str] = set()
    for form in _split_top(forms, "|"):
        form = form.strip()
        if not form:
            continue
        anchored = form.startswith("^")
        pieces = [p.strip() for p in _split_top(form.lstrip("^"), "~")]
        spellings = [_expand(p, words) for p in pieces]
        surface_keys.update(sp[:2] for sp in spellings[0])
        rest = "".join(gap + _alternation(sp) for sp in spellings[1:])
        english_start = _ASCII_WORD.match(spellings[0][-1][:1] or " ")
        english_end = _ASCII_WORD.match(spellings[-1][-1][-1:] or " ")
        if anchored or english_start or english_end:
            # English words stand alone ("dv" but not "dvd"); Japanese has no spaces to rely on.
            rx = _alternation(spellings[0]) + rest
            if english_start:
                rx = "(?<![a-z0-9])" + rx
            if english_end:
                rx += "(?![a-z0-9])"
            if anchored:
                rx = f"(?<![^{_SENTENCE_END}])" + rx
            other.append(rx)
        else:
            plain.append((spellings[0], rest))
        readings = [sorted({r for r in map(_reading, sp) if r and len(r) >= 2}, key=len, reverse=True) for sp in spellings]
        if all(readings) and sum(len(r[-1]) for r in readings) >= 3:
            kana_rest = "".join(kana_gap + "(" + _alternation(r) + ")" for r in readings[1:])
            if anchored:
                kana_entries.append(([], "(?<![^。])" + _alternation(readings[0]) + kana_rest))
            else:
                kana_entries.append((readings[0], kana_rest))
            kana_keys.update(r[:2] for r in readings[0])
    surface = [re.compile(_trie(plain))] if plain else []
    if other:
        surface.append(re.compile("|".join(other)))
    kana_plain = [(sp, rest) for sp, rest in kana_entries if sp]
    kana_anchored = [rest for sp, rest in kana_entries if not sp]
    kana = [re.compile(_trie(kana_plain))] if kana_plain else []
    if kana_anchored:
        kana.append(re.compile("|".join(kana_anchored)))
    return tuple(surface), tuple(kana), frozenset(surface_keys), frozenset(kana_keys)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    surface_gap = f"[^{_SENTENCE_END}]{{0,{_GAP}}}?"
    kana_gap = f"[^。]{{0,{_GAP * 2}}}?"
    words: dict[str, tuple[str, ...]] = {}
    contexts: dict[str, _Context] = {}
    for row in _rows("safety_context.tsv"):
        where, _, window = row["where"].partition(" ")
        alts = tuple(a.strip() for a in _split_top(row["forms"], "|") if a.strip())
        words[row["group"]] = tuple(normalize_text(a) for a in alts if "(" not in a and "^" not in a)
        surface, kana, _, _ = _compile_forms(row["forms"], words, surface_gap, kana_gap)
        contexts[row["group"]] = _Context(row["group"], row["effect"], where, int(window or 0), words[row["group"]], surface, kana)
    cues = []
    for row in _rows("safety_cues.tsv"):
        surface, kana, surface_keys, kana_keys = _compile_forms(row["forms"], words, surface_gap, kana_gap)
        ctx = []
        for item in filter(None, (c.strip() for c in row["context"].split(","))):
            name, _, effect = item.partition(":")
            ctx.append((name, effect or contexts[name].effect))
        requires = tuple(filter(None, (r.strip() for r in row["requires"].split(","))))
        for name in (*[c for c, _ in ctx], *requires):
            if name not in contexts:
                raise ValueError(f"safety_cues.tsv {row['id']}: unknown context group {name!r}")
        if row["level"] not in ("concern", "urgent"):
            raise ValueError(f"safety_cues.tsv {row['id']}: level must be concern or urgent")
        kinds = tuple(k.strip() for k in row["kind"].split(",") if k.strip())
        kanji = frozenset(ch for ch in row["forms"] + "".join(w for g in re.findall(r"\{(\w+)\}", row["forms"]) for w in words[g]) if _KANJI_RE.match(ch))
        cues.append(_Cue(row["id"], kinds, row["level"], surface, kana, surface_keys, kana_keys, kanji, tuple(ctx), requires, row["reason"]))
    return _Lexicon(
        tuple(cues), contexts, _key_finder(c.surface_keys for c in cues), _key_finder(c.kana_keys for c in cues)
    )


# ---------------------------------------------------------------------------------------------
# Matching


class _Channel:
    """One view of the concern: the normalised text, or its katakana reading (for kana input).

    The reading keeps sentence ends (as 。) and token boundaries, and maps back to the text so a
    reason can quote the words the person wrote."""

    def __init__(
        self,
        text: str,
        starts: frozenset[int] | None = None,
        ends: frozenset[int] | None = None,
        to_surface=None,
        surface_text: str = "",
        kana_words: tuple[tuple[int, int], ...] = (),
    ):
        self.text = text
        self.starts, self.ends = starts, ends
        self.kana_words = kana_words  # reading spans of content words the person wrote in kana
        self.spans: tuple[tuple[int, int, int, int], ...] = ()  # reading span -> text span, per token
        self._to_surface = to_surface
        self._surface_text = surface_text
        self.sentences = [(m.start(), m.end()) for m in _SENTENCE_RE.finditer(text)] or [(0, len(text))]

    @property
    def is_kana(self) -> bool:
        return self.starts is not None

    def sentence(self, pos: int) -> tuple[int, int]:
        for a, b in self.sentences:
            if a <= pos < b:
                return a, b
        return 0, len(self.text)

    def quote(self, a: int, b: int) -> str:
        if self._to_surface is None:
            return self.text[a:b]
        sa, sb = self._to_surface(a, b)
        return self._surface_text[sa:sb]

    def on_boundaries(self, m: re.Match, both: bool) -> bool:
        """In the reading, a match must start on a token (and a context word also end on one)."""
        if not self.is_kana:
            return True
        if m.start() not in self.starts or (both and m.end() not in self.ends):
            return False
        return all(m.start(i) in self.starts for i in range(1, m.re.groups + 1) if m.start(i) >= 0)

    def written_in_kana(self, m: re.Match) -> bool:
        """A cue found through the reading must cover a word the person wrote in kana: otherwise
        it is a homophone of what they wrote in kanji (家で is not 家出, イエデ as both)."""
        return any(a < m.end() and m.start() < b for a, b in self.kana_words)

    def shows_only(self, m: re.Match, kanji: frozenset[str]) -> bool:
        """The words a reading match stands on (its pieces, not the gaps between them) must not be
        written with other kanji than the cue's: 返ってこない is not 帰ってこない."""
        pieces = [(m.start(), m.start() + 1), (m.end() - 1, m.end())]
        pieces += [(m.start(i), m.end(i)) for i in range(1, m.re.groups + 1) if m.start(i) >= 0]
        for ka, kb, sa, sb in self.spans:
            if any(ka < b and a < kb for a, b in pieces):
                if any(_KANJI_RE.match(ch) and ch not in kanji for ch in self._surface_text[sa:sb]):
                    return False
        return True

    def finditer(self, patterns: Sequence[re.Pattern], pos: int = 0, endpos: int | None = None) -> list[re.Match]:
        end = len(self.text) if endpos is None else endpos
        if len(patterns) == 1:
            return list(patterns[0].finditer(self.text, pos, end))
        return [m for pattern in patterns for m in pattern.finditer(self.text, pos, end)]

    def matches_from(self, patterns: Sequence[re.Pattern], starts: Iterable[int]) -> list[re.Match]:
        """`finditer(patterns)` over the whole text when every match must start at one of
        `starts`: the patterns are tried there only. Like finditer, each search goes on after the
        previous match (cue patterns never match the empty string)."""
        starts = sorted(starts)
        out = []
        for pattern in patterns:
            after = 0
            for pos in starts:
                if pos >= after and (m := pattern.match(self.text, pos)):
                    out.append(m)
                    after = m.end()
        return out

    def cue_starts(self, finder: ahocorasick.Automaton | None) -> dict[int, set[int]]:
        """Per cue index, where one of its keys occurs in the text: where its matches can start.
        A cue absent here cannot match. (One pass for all cues: scanning the text with each
        cue's regex took most of the time of assessing a long concern.)"""
        out: dict[int, set[int]] = {}
        if finder is None or not self.text:
            return out
        for end, (length, cue_ids) in finder.iter(self.text):
            for i in cue_ids:
                out.setdefault(i, set()).add(end + 1 - length)
        return out


def _kana_channel(s: str, tokens: Sequence[Token]) -> _Channel:
    kana: list[str] = []
    spans: list[tuple[int, int, int, int]] = []  # kana start, kana end, surface start, surface end
    kana_words: list[tuple[int, int]] = []
    pos = 0
    length = 0
    find, has_end = s.find, _SENTENCE_END_RE.search
    for t in tokens:
        if t.sub:
            continue
        surface = t.surface
        at = find(surface, pos)
        if at < 0:
            at = pos
        if at > pos and has_end(s, pos, at):
            kana.append("。")
            length += 1
        reading = t.surface_reading or surface
        spans.append((length, length + len(reading), at, at + len(surface)))
        if t.pos not in _FUNCTION_POS and _KANA_WORD_RE.fullmatch(surface):
            kana_words.append((length, length + len(reading)))
        kana.append(reading)
        length += len(reading)
        pos = at + len(surface)
    starts = frozenset(span[0] for span in spans)
    ends = frozenset(span[1] for span in spans)

    def to_surface(a: int, b: int) -> tuple[int, int]:
        sa = next((ss for ka, kb, ss, _ in spans if ka <= a < kb), 0)
        sb = next((se for ka, kb, _, se in reversed(spans) if ka < b <= kb), len(s))
        return sa, max(sb, sa)

    channel = _Channel(to_katakana("".join(kana)), starts, ends, to_surface, s, tuple(kana_words))
    channel.spans = tuple(spans)
    return channel


def _context_hit(ctx: _Context, ch: _Channel, a: int, b: int) -> re.Match | None:
    patterns = ctx.kana if ch.is_kana else ctx.surface
    sa, sb = ch.sentence(a)
    if ctx.where == "text":
        sa, sb = 0, len(ch.text)
    if ctx.where == "after":
        for m in ch.finditer(patterns, b, sb):
            if m.start() - b <= ctx.window and ch.on_boundaries(m, both=True):
                return m
        return None
    lo, hi = sa, (a if ctx.where == "before" else sb)
    for m in ch.finditer(patterns, lo, hi):
        if ctx.where == "before" and m.end() < a - ctx.window:
            continue
        if ch.on_boundaries(m, both=True):
            return m
    return None


class _Hit(NamedTuple):
    cue: _Cue
    level: str
    matched: str
    note: str


SHORT_READING = 3


def _judge(cue: _Cue, lex: _Lexicon, ch: _Channel, m: re.Match) -> _Hit | None:
    """The level of one occurrence of a cue after its context rules, or None when cancelled."""
    a, b = m.start(), m.end()
    level, note = cue.level, ""
    raised = capped = None
    for name, effect in cue.contexts:
        hit = _context_hit(lex.contexts[name], ch, a, b)
        if hit is None:
            continue
        if effect == "cancel":
            return None
        if effect == "urgent" and raised is None:
            raised = ch.quote(hit.start(), hit.end())
        if effect == "concern" and capped is None:
            capped = ch.quote(hit.start(), hit.end())
    if raised is not None and level != "urgent":
        level, note = "urgent", f"（『{raised}』: いま起きているため緊急）"
    elif raised is None and capped is not None and level == "urgent":
        level, note = "concern", f"（『{capped}』があるため緊急ではなく早めの相談）"
    return _Hit(cue, level, ch.quote(a, b), note)


def _present(ctx: _Context, channels: Sequence[_Channel]) -> bool:
    for ch in channels:
        if any(ch.on_boundaries(m, both=True) for m in ch.finditer(ctx.kana if ch.is_kana else ctx.surface)):
            return True
    return False


def assess(text: str, tokens: Sequence[Token] | None = None) -> SafetyAssessment:
    """The safety level of a concern, its kinds and the reasons (cues) behind it.

    `tokens` may be passed when the caller has already run `tokenize(text)`; otherwise the text is
    tokenised once (for the kana reading). Pure: no I/O after the lexicon's first load."""
    s = normalize_text(text or "")
    if not s:
        return NO_DANGER
    lex = _lexicon()
    surface = _Channel(s)
    kana: _Channel | None = None
    hits: list[_Hit] = []
    present: dict[str, bool] = {}
    surface_starts = surface.cue_starts(lex.surface_keys)
    kana_starts: dict[int, set[int]] | None = None
    for i, cue in enumerate(lex.cues):
        found_on_surface = False
        best: _Hit | None = None
        for m in surface.matches_from(cue.surface, surface_starts[i]) if i in surface_starts else ():
            found_on_surface = True
            hit = _judge(cue, lex, surface, m)
            if hit and (best is None or _LEVEL_RANK[hit.level] > _LEVEL_RANK[best.level]):
                best = hit
        if not found_on_surface and cue.kana:
            if kana is None:
                kana = _kana_channel(s, tokens if tokens is not None else tokenize(s, normalized=True))
            if kana_starts is None:
                kana_starts = kana.cue_starts(lex.kana_keys)
            if i not in kana_starts:
                continue
            for m in kana.matches_from(cue.kana, kana_starts[i]):
                # A short reading (イショ) must also end on a token: it hides inside longer words
                # typed in kana (じへいしょう).
                short = m.end() - m.start() <= SHORT_READING
                if not (kana.on_boundaries(m, both=short) and kana.written_in_kana(m) and kana.shows_only(m, cue.kanji)):
                    continue
                hit = _judge(cue, lex, kana, m)
                if hit and (best is None or _LEVEL_RANK[hit.level] > _LEVEL_RANK[best.level]):
                    best = hit
        if best is None:
            continue
        if cue.requires:
            if kana is None:
                kana = _kana_channel(s, tokens if tokens is not None else tokenize(s, normalized=True))
            missing = [g for g in cue.requires if not present.setdefault(g, _present(lex.contexts[g], (surface, kana)))]
            if missing:
                continue
        hits.append(best)
    return _assessment(hits)


def _assessment(hits: list[_Hit]) -> SafetyAssessment:
    if not hits:
        return NO_DANGER

    def order(h: _Hit):
        return (-_LEVEL_RANK[h.level], min(KIND_ORDER.index(k) if k in KIND_ORDER else 99 for k in h.cue.kinds))

    hits.sort(key=order)
    level = hits[0].level
    kinds: list[str] = []
    for h in hits:
        for k in h.cue.kinds:
            if k not in kinds:
                kinds.append(k)
    reasons = tuple(dict.fromkeys(f"『{h.matched}』: {h.cue.reason}（{LEVEL_LABELS[h.level]}）{h.note}" for h in hits))
    cues = tuple(SafetyCue(k, h.level, h.cue.id, h.matched) for h in hits for k in h.cue.kinds)
    return SafetyAssessment(level, tuple(kinds), reasons, cues)


def kind_levels(assessment: SafetyAssessment) -> dict[str, str]:
    """The highest level raised for each kind, in the assessment's order."""
    out: dict[str, str] = {}
    for cue in assessment.cues:
        if _LEVEL_RANK[cue.level] > _LEVEL_RANK.get(out.get(cue.kind, "none"), 0):
            out[cue.kind] = cue.level
    return {k: out[k] for k in assessment.kinds if k in out}


# ---------------------------------------------------------------------------------------------
# Evaluation


class SafetySplitMetrics(NamedTuple):
    split: str
    n: int
    clear_crises: int
    clear_recall: float | None  # share of clear crises raised (concern or urgent); target 1.0
    crises: int
    crisis_recall: float | None  # all crises, subtle ones included
    urgent: int
    urgent_recall: float | None  # gold urgent raised as urgent
    non_crisis: int
    false_alarm_rate: float | None  # share of level=none concerns raised; target <= 0.05
    level_accuracy: float | None
    missed: tuple[str, ...]  # ids of clear crises not raised
    false_alarms: tuple[str, ...]


class SafetyMetrics(NamedTuple):
    overall: SafetySplitMetrics
    splits: dict[str, SafetySplitMetrics]
    ms_per_concern: float


def _gold(line: dict) -> tuple[str, bool]:
    """Gold level and clearness of an eval line: safety.jsonl ("level", "clear") or concerns.jsonl
    ("tags": ["crisis"] means any alarm is expected; "borderline" lines count in neither rate)."""
    if "level" in line:
        return line["level"], bool(line.get("clear", True))
    tags = line.get("tags", ())
    if "borderline" in tags:  # a concern flag is defensible but not required: counted in neither
        return "borderline", False
    return ("concern" if "crisis" in tags else "none"), True


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _split_metrics(split: str, rows: list[tuple[dict, str, bool, SafetyAssessment]]) -> SafetySplitMetrics:
    def rid(line: dict) -> str:
        return str(line.get("id", "?"))

    clear = [(ln, a) for ln, g, c, a in rows if g in ("concern", "urgent") and c]
    crises = [(ln, a) for ln, g, c, a in rows if g in ("concern", "urgent")]
    urgent = [(ln, a) for ln, g, c, a in rows if g == "urgent"]
    calm = [(ln, a) for ln, g, c, a in rows if g == "none"]
    return SafetySplitMetrics(
        split=split,
        n=len(rows),
        clear_crises=len(clear),
        clear_recall=_ratio(sum(a.alarm for _, a in clear), len(clear)),
        crises=len(crises),
        crisis_recall=_ratio(sum(a.alarm for _, a in crises), len(crises)),
        urgent=len(urgent),
        urgent_recall=_ratio(sum(a.level == "urgent" for _, a in urgent), len(urgent)),
        non_crisis=len(calm),
        false_alarm_rate=_ratio(sum(a.alarm for _, a in calm), len(calm)),
        level_accuracy=_ratio(sum(g == a.level for _, g, _, a in rows if g in LEVELS), sum(g in LEVELS for _, g, _, _ in rows)),
        missed=tuple(rid(ln) for ln, a in clear if not a.alarm),
        false_alarms=tuple(rid(ln) for ln, a in calm if a.alarm),
    )


def evaluate_safety(lines: Iterable[dict | str]) -> SafetyMetrics:
    """Crisis recall and false-alarm rate of `assess` on eval lines (dicts or JSON strings), overall
    and per "split" (dev / heldout)."""
    rows = []
    elapsed = 0.0
    _lexicon()  # the one-off load is not part of the per-concern time
    for line in lines:
        if isinstance(line, str):
            if not line.strip():
                continue
            line = json.loads(line)
        gold, clear = _gold(line)
        t0 = time.perf_counter()
        assessment = assess(line.get("text", ""))
        elapsed += time.perf_counter() - t0
        rows.append((line, gold, clear, assessment))
    splits: dict[str, list] = {}
    for row in rows:
        splits.setdefault(str(row[0].get("split", "all")), []).append(row)
    return SafetyMetrics(
        overall=_split_metrics("all", rows),
        splits={name: _split_metrics(name, r) for name, r in sorted(splits.items())},
        ms_per_concern=1000 * elapsed / len(rows) if rows else 0.0,
    )


def format_safety_metrics(metrics: SafetyMetrics) -> str:
    """A plain-text table of the metrics (Japanese/English labels) for the eval command."""

    def pct(x: float | None) -> str:
        return "   -  " if x is None else f"{100 * x:5.1f}%"

    lines = ["safety triage / 安全トリアージ", "split      n  clear-recall  crisis-recall  urgent-recall  false-alarm  level-acc"]
    for m in (*metrics.splits.values(), metrics.overall):
        lines.append(
            f"{m.split:<8}{m.n:>4}  {pct(m.clear_recall)} ({m.clear_crises:>3})  {pct(m.crisis_recall)} ({m.crises:>3})"
            f"   {pct(m.urgent_recall)} ({m.urgent:>3})  {pct(m.false_alarm_rate)} ({m.non_crisis:>3})  {pct(m.level_accuracy)}"
        )
    if metrics.overall.missed:
        lines.append("missed clear crises / 見逃し: " + ", ".join(metrics.overall.missed))
    if metrics.overall.false_alarms:
        lines.append("false alarms / 誤警報: " + ", ".join(metrics.overall.false_alarms))
    lines.append(f"{metrics.ms_per_concern:.3f} ms per concern")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - analyst helper: python -m matcher.safety FILE.jsonl
    import sys

    with open(sys.argv[1], encoding="utf-8") as f:
        print(format_safety_metrics(evaluate_safety(f)))

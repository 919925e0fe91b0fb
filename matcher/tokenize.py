"""Sudachi tokenisation into matchable terms.

A Sudachi Tokenizer is not thread-safe ("Tokenizer is already in use"), so each thread gets its
own; the dictionary itself is shared and memory-mapped. Each content word yields:
- its normalized form (子ども/こども/子供 → 子供, あずかる stays あずかる),
- a reading key of that form (預かる/あずかる → アズカル), so kanji and kana spellings meet,
- its sub-words when Sudachi's long unit is a compound (mode A split).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import NamedTuple

from sudachipy import Dictionary, SplitMode

from matcher.normalize import normalize_text, to_katakana

# Parts of speech that carry meaning for matching (Sudachi's first POS level).
CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "代名詞", "感動詞"})
# Very frequent words that carry no need on their own.
STOP_LEMMAS = frozenset(
    "為る 居る 有る 成る 言う 思う 見る 来る 行く 出来る 事 物 所 方 時 様 感じ 気 其れ 此れ 私 僕 俺 うち 家 今 人 達 さん ちゃん くん 等 的 中 前 後 ない 無い 良い いい よい 本当 ちょっと 少し 凄い すごい もう まだ 一 二 何 誰 どう 如何 此の 其の あの この その 欲しい 下さる 頂く 貰う 呉れる 遣る 置く 仕舞う".split()
)

_local = threading.local()


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary:
    return Dictionary(dict="core")


def _tokenizer():
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        tok = _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
    return tok


class Token(NamedTuple):
    surface: str
    lemma: str  # Sudachi normalized_form
    reading: str  # katakana reading of the lemma
    surface_reading: str  # katakana reading of the surface, as said in context
    pos: str
    content: bool
    sub: bool = False  # a sub-word of the compound token before it


@lru_cache(maxsize=200_000)
def lemma_reading(lemma: str, surface: str, surface_reading: str) -> str:
    """Reading of the lemma. The surface reading is right in context but of the inflected form
    (あずかっ → アズカッ); a dictionary entry of the lemma is picked by its shared prefix."""
    if surface == lemma:
        return surface_reading
    if all("\u30a0" <= ch <= "\u30ff" for ch in lemma):
        return lemma
    if all("\u3040" <= ch <= "\u309f" for ch in lemma):
        return to_katakana(lemma)
    best, best_len = surface_reading, -1
    for entry in _dictionary().lookup(lemma):
        reading = entry.reading_form()
        shared = 0
        for a, b in zip(reading, surface_reading):
            if a != b:
                break
            shared += 1
        if reading and shared > best_len:
            best, best_len = reading, shared
    return best


def _is_content(pos: str, lemma: str, surface: str) -> bool:
    if pos not in CONTENT_POS or lemma in STOP_LEMMAS or surface in STOP_LEMMAS:
        return False
    return not (len(surface) == 1 and "\u3040" <= surface <= "\u309f")


def tokenize(text: str, *, normalized: bool = False) -> list[Token]:
    """Tokens of `text` (normalised first unless `normalized`)."""
    s = text if normalized else normalize_text(text)
    if not s:
        return []
    out: list[Token] = []
    cache, synthetic = _morpheme_tokens, SYNTHETIC_WORD_IDS  # locals: this loop is hot
    for m in _tokenizer().tokenize(s):
        word_id = m.word_id()
        if word_id >= synthetic:
            out.extend(_tokens_of(m))
            continue
        key = (m.surface(), word_id)
        tokens = cache.get(key)
        if tokens is None:
            tokens = _tokens_of(m)
            if len(cache) >= MORPHEME_CACHE_SIZE:
                cache.clear()
            cache[key] = tokens
        out.extend(tokens)
    return out


# The tokens of a dictionary word depend only on its surface and its dictionary entry (word id):
# they are built once per distinct pair. Asking Sudachi for every form, part of speech and split,
# then building the tokens, was a third of tokenising a long concern. Word ids from this value up
# are not entries but words Sudachi made up in context (unknown words, joined numbers: 一 is read
# イチ in 一晩 and ヒト in 一つ with the same id): those are always read afresh.
SYNTHETIC_WORD_IDS = 0xF000_0000
MORPHEME_CACHE_SIZE = 20_000  # ~0.8 kB each; 2k concerns use ~4k
_morpheme_tokens: dict[tuple[str, int], tuple[Token, ...]] = {}


def _tokens_of(m) -> tuple[Token, ...]:
    """The token of one Sudachi morpheme and, for a compound noun, its sub-words; none for
    punctuation and spaces."""
    pos = m.part_of_speech()[0]
    if pos in ("補助記号", "空白"):
        return ()
    surface = m.surface()
    lemma = m.normalized_form()
    surface_reading = m.reading_form()
    reading = lemma_reading(lemma, surface, surface_reading)
    out = [Token(surface, lemma, reading, surface_reading, pos, _is_content(pos, lemma, surface))]
    if pos == "名詞" and len(surface) >= 4:
        subs = m.split(SplitMode.A)
        if len(subs) > 1:
            for sub in subs:
                sub_lemma = sub.normalized_form()
                sub_pos = sub.part_of_speech()[0]
                out.append(
                    Token(
                        sub.surface(),
                        sub_lemma,
                        lemma_reading(sub_lemma, sub.surface(), sub.reading_form()),
                        sub.reading_form(),
                        sub_pos,
                        _is_content(sub_pos, sub_lemma, sub.surface()),
                        True,
                    )
                )
    return tuple(out)


def terms(tokens: list[Token]) -> list[str]:
    """Index terms: lemma and reading key of each content token (reading keys prefixed 'r:')."""
    out: list[str] = []
    for t in tokens:
        if not t.content:
            continue
        out.append(t.lemma)
        if t.reading and t.reading != t.lemma:
            out.append("r:" + t.reading)
    return out


def reading_string(tokens: list[Token]) -> str:
    """The whole text as one katakana string (for matching cue readings in kana-only input)."""
    return "".join(t.surface_reading for t in tokens if not t.sub)

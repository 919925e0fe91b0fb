"""Character-level normalisation that survives real typing.

NFKC folds full-width letters and half-width katakana; then tilde, dash and space variants are
unified, middle dots inside katakana compounds are dropped (ファミリー・サポート → ファミリーサポート)
and runs of punctuation or emphasis (！！！, 〜〜) are collapsed. Kana folding helpers let cue
lexicons meet hiragana-only input.
"""

from __future__ import annotations

import re
import unicodedata

_TILDES = "~∼〜～〰"
_DASHES = "‐‑‒–—―−﹣－"
_TILDE_RE = re.compile(f"[{_TILDES}]+")
# A dash between digits or letters is a hyphen; elsewhere (after kana) people type it for ー.
_DASH_RE = re.compile(f"[{_DASHES}]")
_KANA_DASH_RE = re.compile(r"(?<=[ァ-ヴぁ-ゔ])-")
_KATAKANA_DOT_RE = re.compile(r"(?<=[ァ-ヺー])[・･](?=[ァ-ヺ])")
# Spaces between Japanese characters are typing noise; between Latin words they separate words.
_JA = r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ー]"
_JA_SPACE_RE = re.compile(f"(?<={_JA})\\s+(?={_JA})")
_SPACES_RE = re.compile(r"\s+")
_REPEAT_PUNCT_RE = re.compile(r"([!?！？。、…・〜ー])\1+")
# Lone surrogates (from a JSON escape such as \ud800) are no text and would crash the UTF-8 tokenizer.
_CONTROL_RE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")


def normalize_text(text: str) -> str:
    """The canonical form used everywhere before tokenising or matching lexicons."""
    s = unicodedata.normalize("NFKC", text)
    s = _CONTROL_RE.sub("", s)
    s = _TILDE_RE.sub("〜", s)
    s = _DASH_RE.sub("-", s)
    s = _KANA_DASH_RE.sub("ー", s)
    s = _KATAKANA_DOT_RE.sub("", s)
    s = _JA_SPACE_RE.sub("", s)
    s = _SPACES_RE.sub(" ", s).strip()
    s = _REPEAT_PUNCT_RE.sub(r"\1", s)
    return s.lower()


_HIRA_TO_KATA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}
_KATA_TO_HIRA = {code + 0x60: code for code in range(ord("ぁ"), ord("ゖ") + 1)}


def to_katakana(text: str) -> str:
    return text.translate(_HIRA_TO_KATA)


def to_hiragana(text: str) -> str:
    return text.translate(_KATA_TO_HIRA)


_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_VOICED = {}
for _base, _voiced in zip("カキクケコサシスセソタチツテトハヒフヘホハヒフヘホウ", "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ"):
    _VOICED[_voiced] = _base


def fold_reading(reading: str) -> str:
    """A loose key for readings: katakana, no dakuten, small kana made large, no long marks.

    Typing on phones drops dakuten and small kana (「はったつ」→「はつたつ」); the loose key lets
    such input still meet the lexicon. Used only for longer keys, where collisions are rare.
    """
    s = to_katakana(reading).translate(_SMALL_TO_LARGE)
    s = "".join(_VOICED.get(ch, ch) for ch in s)
    return s.replace("ー", "")


def is_kana_only(text: str) -> bool:
    letters = [ch for ch in text if not unicodedata.category(ch).startswith(("P", "Z", "S"))]
    return bool(letters) and all("\u3040" <= ch <= "\u30ff" for ch in letters)

"""What may be kept of a concern for analysts: content words without names, numbers or contacts.

The raw text is never stored. `content_words` removes, before and after Sudachi:
- e-mail addresses, URLs, phone numbers, postal codes and any run of digits (regex pass),
- a name before an honorific (ゆいとくん, たなかさん) unless it is a kinship word (お母さん),
- proper nouns of every kind (人名, 地名 — addresses —, 組織名), numerals, and out-of-vocabulary
  words (unknown words are often names),
and keeps only content words (nouns, verbs, adjectives ...) as Sudachi normalised forms. Err on
the side of dropping: a lost word costs an analyst little, a kept name costs a family a lot.
"""

from __future__ import annotations

import re

from matcher.normalize import normalize_text
from matcher.tokenize import CONTENT_POS, STOP_LEMMAS, _tokenizer

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL_RE = re.compile(r"(https?://|www\.)\S+")
_POSTAL_RE = re.compile(r"〒\s*\d{3}-?\d{4}")
# Phone numbers and any other digit runs (ages, dates, house numbers): digits with separators.
_DIGITS_RE = re.compile(r"[+]?\d[\d\-()（） ]*\d|\d")
_HONORIFICS = "さん|ちゃん|くん|君|様|さま|氏|たん|ちゃま"
_NAME_BEFORE_HONORIFIC_RE = re.compile(rf"([ぁ-ゖァ-ヺー一-龥々]{{1,8}}?)(?:{_HONORIFICS})")
# Words people put before an honorific that are roles or kin, not names.
_KIN_AND_ROLES = frozenset(
    "お母 お父 母 父 お姉 お兄 姉 兄 お爺 お婆 おじい おばあ じい ばあ おじ おば 赤 奥 旦那 嫁 婿 お嫁 "
    "保育士 先生 保健師 助産師 看護師 相談員 医者 お医者 店員 ママ パパ ママ友 パパ友 お子 子 娘 息子 妹 弟 "
    "孫 お孫 姑 舅 義母 義父 大家 隣 近所 ご近所 お隣 ヘルパー 支援員 担任 園長 校長 主治医 "
    "お巡り 警察 お兄ちゃ お姉ちゃ みな 皆 みんな".split()
)
_REDACT = "、"  # a removed span becomes a pause so the words around it stay apart


def _drop_names_before_honorifics(text: str) -> str:
    def repl(m: re.Match) -> str:
        word = m.group(1)
        for kin in _KIN_AND_ROLES:  # keep 「お母さん」「保育士さん」, drop 「ゆいとくん」
            if word.endswith(kin):
                return m.group(0)
        return _REDACT

    return _NAME_BEFORE_HONORIFIC_RE.sub(repl, text)


def _scrub(text: str) -> str:
    s = normalize_text(text)
    for pattern in (_EMAIL_RE, _URL_RE, _POSTAL_RE, _DIGITS_RE):
        s = pattern.sub(_REDACT, s)
    return _drop_names_before_honorifics(s)


def content_words(text: str) -> list[str]:
    """Content words of `text` (normalised forms, first occurrence order) safe to keep for
    analysis: no names, places, numbers, phone numbers, e-mail addresses or URLs."""
    scrubbed = _scrub(text)
    if not scrubbed.strip(_REDACT + " "):
        return []
    words: list[str] = []
    for m in _tokenizer().tokenize(scrubbed):
        pos = m.part_of_speech()
        if pos[0] not in CONTENT_POS or pos[1] in ("固有名詞", "数詞") or pos[2] == "助数詞" or m.is_oov():
            continue
        lemma = m.normalized_form()
        surface = m.surface()
        if lemma in STOP_LEMMAS or surface in STOP_LEMMAS or any(ch.isdigit() for ch in lemma):
            continue
        if len(surface) == 1 and "\u3040" <= surface <= "\u309f":
            continue
        if lemma not in words:
            words.append(lemma)
    return words


AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 11, "0歳"),
    (12, 35, "1-2歳"),
    (36, 71, "3-5歳"),
    (72, 143, "6-11歳"),
    (144, 179, "12-14歳"),
    (180, 215, "15-17歳"),
)


def age_band(months: int | None) -> str:
    """A coarse age band for aggregate statistics: 0歳, 1-2歳, 3-5歳, 6-11歳, 12-14歳, 15-17歳,
    18歳以上, or 不明 when the age is not known."""
    if months is None or months < 0:
        return "不明"
    for low, high, label in AGE_BANDS:
        if low <= months <= high:
            return label
    return "18歳以上"


def contains_person_name(text: str) -> bool:
    """True when Sudachi reads a person's name (固有名詞・人名) or a name before an honorific
    in `text`: used to refuse free-text fields that must hold no names."""
    s = normalize_text(text)
    if _drop_names_before_honorifics(s) != s:
        return True
    return any(m.part_of_speech()[2] == "人名" for m in _tokenizer().tokenize(s))

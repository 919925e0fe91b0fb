"""Cell values as people type them in a spreadsheet, turned into typed values.

Every parser takes the raw cell text. An empty cell is None (unknown), never "no" or zero. A cell
that is not empty but cannot be read raises ValueParseError with a bilingual reason, so the caller
can report it against its row and column.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

MULTI_SEPARATORS = re.compile(r"[;；]")


class ValueParseError(ValueError):
    """A non-empty cell that does not hold a value of the expected kind."""

    def __init__(self, message_ja: str, message_en: str):
        self.message_ja = message_ja
        self.message_en = message_en
        super().__init__(message_en)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def clean(text: str | None) -> str | None:
    """Stripped text, or None when the cell is empty or only spaces (full-width spaces too)."""
    if text is None:
        return None
    stripped = text.strip().strip("\u3000").strip()
    return stripped or None


def normalise_code(text: str | None) -> str | None:
    """Ids, phone numbers and codes: NFKC so ＫＤ０１ and KD01 are the same value."""
    value = clean(text)
    return nfkc(value).strip() if value is not None else None


_TRUE = {"可", "要", "true", "yes", "y", "1", "○", "〇", "◯", "有", "あり", "有り", "はい", "t", "対応", "可能"}
_FALSE = {"不可", "不要", "false", "no", "n", "0", "×", "✕", "✖", "無", "なし", "無し", "いいえ", "f", "非対応", "不可能"}


def parse_bool(text: str | None) -> bool | None:
    """可/不可, 要/不要, true/false, yes/no, 1/0, ○/×, 有/無 (full-width too)."""
    value = clean(text)
    if value is None:
        return None
    folded = nfkc(value).strip().lower()
    if folded in _TRUE or value in _TRUE:
        return True
    if folded in _FALSE or value in _FALSE:
        return False
    raise ValueParseError(
        f"「{value}」は 可/不可・要/不要・有/無 のどれとしても読めません",
        f"'{value}' is not a yes/no value (可/不可, 要/不要, 有/無, true/false, 1/0, ○/×)",
    )


def split_multi(text: str | None) -> tuple[str, ...]:
    """`a; b；c` → ('a', 'b', 'c'); empty parts dropped."""
    value = clean(text)
    if value is None:
        return ()
    parts = (clean(p) for p in MULTI_SEPARATORS.split(value))
    return tuple(p for p in parts if p)


def parse_int(text: str | None, *, minimum: int | None = 0) -> int | None:
    """A whole number (full-width digits accepted; `12.0` as Excel writes it is 12)."""
    value = clean(text)
    if value is None:
        return None
    folded = nfkc(value).replace(",", "").strip()
    number: int | None = None
    if re.fullmatch(r"[+-]?\d+", folded):
        number = int(folded)
    elif re.fullmatch(r"[+-]?\d+\.0+", folded):
        number = int(float(folded))
    if number is None:
        raise ValueParseError(f"「{value}」は整数ではありません", f"'{value}' is not a whole number")
    if minimum is not None and number < minimum:
        raise ValueParseError(
            f"「{value}」は {minimum} 以上でなければなりません", f"'{value}' must be at least {minimum}"
        )
    return number


def parse_float(text: str | None) -> float | None:
    value = clean(text)
    if value is None:
        return None
    folded = nfkc(value).strip()
    try:
        number = float(folded)
    except ValueError:
        raise ValueParseError(f"「{value}」は数値ではありません", f"'{value}' is not a number") from None
    if not math.isfinite(number):
        raise ValueParseError(f"「{value}」は数値ではありません", f"'{value}' is not a finite number")
    return number


class OutOfRange(ValueParseError):
    """A number that reads fine but lies outside its allowed range."""


def parse_lat(text: str | None) -> float | None:
    return _in_range(parse_float(text), -90.0, 90.0, "緯度", "latitude")


def parse_lon(text: str | None) -> float | None:
    return _in_range(parse_float(text), -180.0, 180.0, "経度", "longitude")


def _in_range(number: float | None, low: float, high: float, ja: str, en: str) -> float | None:
    if number is not None and not low <= number <= high:
        raise OutOfRange(
            f"{ja} {number} は {low:g}〜{high:g} の範囲外です",
            f"{en} {number} is outside {low:g}..{high:g}",
        )
    return number


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def parse_date(text: str | None) -> date | None:
    """YYYY-MM-DD or YYYY/MM/DD (one-digit month and day too, as Excel writes them)."""
    value = clean(text)
    if value is None:
        return None
    folded = nfkc(value).strip()
    # Excel may append a midnight time to a date cell.
    folded = re.sub(r"[ T]0?0:00(:00)?$", "", folded)
    match = _DATE.fullmatch(folded)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise ValueParseError(
        f"「{value}」は日付（YYYY-MM-DD）として読めません", f"'{value}' is not a date (YYYY-MM-DD)"
    )


# --- 受入年齢-like text → (min, max) months -------------------------------------------------

_MONTH = r"(?:ヶ|ケ|ヵ|カ|か|箇|個)?月"
_TERM = re.compile(
    r"(?P<grade>小学(?:校)?(?P<grade_n>[1-6])年生?)"
    r"|(?P<school>小学生|中学生|高校生)"
    r"|(?P<klass>(?P<klass_n>\d+)歳児(?:クラス)?(?:相当)?)"
    r"|(?P<days>生後(?P<days_n>\d+)日)"
    r"|(?P<ym>満?(?P<years>\d+)歳(?:(?P<ym_m>\d+)" + _MONTH + r")?)"
    r"|(?P<mo>(?:生後)?(?P<months>\d+)" + _MONTH + r")"
)
_FROM = ("から", "以上", "~", "-", "−", "ー", "〜", "より")
_UNTIL = ("まで", "以下")
_BELOW = ("未満",)
_DAYS_PER_MONTH = 365.25 / 12


def _term_span(m: re.Match[str]) -> tuple[int, int]:
    """The youngest and oldest age (months) a term like 3歳 or 2歳児クラス stands for."""
    if m["grade"]:
        # 小学N年生: N+5 years old on 1 April, N+6 years 11 months by the following March.
        n = int(m["grade_n"])
        return 12 * (n + 5), 12 * (n + 6) + 11
    if m["school"]:
        return {"小学生": (72, 155), "中学生": (144, 191), "高校生": (180, 227)}[m["school"]]
    if m["klass"]:
        # N歳児クラス: N years old on 1 April, so up to N+1 years 11 months by March.
        n = int(m["klass_n"])
        return 12 * n, 12 * n + 23
    if m["days"]:
        # The month in which the child reaches that many days (生後57日 → 1 month): inclusive on
        # purpose, the exact text stays in Resource.extra for people to read.
        months = int(int(m["days_n"]) // _DAYS_PER_MONTH)
        return months, months
    if m["ym"]:
        years = int(m["years"])
        if m["ym_m"]:
            months = 12 * years + int(m["ym_m"])
            return months, months
        return 12 * years, 12 * years + 11  # 5歳まで includes 5 years 11 months
    months = int(m["months"])
    return months, months


def parse_age_range(text: str | None) -> tuple[int | None, int | None] | None:
    """受入年齢 text → (min, max) months, inclusive; None when nothing can be read.

    「3ヶ月から」→ (3, None); 「1歳から」→ (12, None); 「満3歳から5歳」→ (36, 71);
    「0歳〜2歳」→ (0, 35); 「5歳まで」→ (None, 71); 「小学生」→ (72, 155).
    When a cell lists several tracks, e.g. 「(幼)3歳から(保)1歳6ヶ月から」, the widest range wins:
    a family is told about a place that may fit rather than never hearing of it.
    """
    value = clean(text)
    if value is None:
        return None
    folded = nfkc(value).replace(" ", "").replace("〜", "~").replace("～", "~")
    folded = re.sub(r"(\d+)([~-])(\d+)歳", r"\1歳\2\3歳", folded)  # 0~18歳 = 0歳~18歳
    terms = list(_TERM.finditer(folded))
    if not terms:
        return None
    mins: list[int] = []
    maxes: list[int] = []
    for term in terms:
        low, high = _term_span(term)
        after = folded[term.end() :]
        before = folded[: term.start()]
        closes_range = before.endswith(_FROM)  # the second half of 「3歳から5歳」「0歳~2歳」
        if after.startswith(_BELOW):
            maxes.append(low - 1)
        elif after.startswith(_UNTIL) or closes_range:
            maxes.append(high)
        elif after.startswith(_FROM):
            mins.append(low)
        else:  # a bare term (「小学生」「3歳児」) stands for its whole span
            mins.append(low)
            maxes.append(high)
    lo = min(mins) if mins else None
    hi = max(maxes) if maxes else None
    if lo is None and hi is None:
        return None
    return lo, hi

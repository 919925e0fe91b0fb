"""What the page templates show, computed from catalog and matcher objects.

Everything here returns plain values; the templates escape all of it (catalog text is
untrusted). Links built from catalog data are checked: only http(s) web addresses, tel: with
digits only, and a map search link that is never fetched by the server.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

from catalog.conditions import Condition, Fit
from catalog.hours import HoursSyntaxError, as_jst, hours_today, parse_hours
from catalog.model import WHOLE_MUNICIPALITY, WIDE_AREAS, Resource
from catalog.taxonomy import Taxonomy

# Symbol and words for each fit: never colour alone.
FIT_SIGNS = {
    Fit.FITS: ("○", "合います"),
    Fit.FAILS: ("×", "対象外"),
    Fit.UNKNOWN: ("？", "条件未確認"),
}
ABOUT_MAX_CHARS = 140
_DAYS = {"Mo": "月", "Tu": "火", "We": "水", "Th": "木", "Fr": "金", "Sa": "土", "Su": "日", "PH": "祝日"}
_DAY_RANGE_RE = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su)-(Mo|Tu|We|Th|Fr|Sa|Su)\b")
_DAY_RE = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH_DAY_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r") ?(\d{1,2})\b")
_TIME_RANGE_RE = re.compile(r"\b(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})\b")
UNKNOWN_ASK = "不明（お問い合わせください）"
# Condition labels end with their verdict; the card shows the verdict as sign + word already.
_VERDICT_SUFFIX_RE = re.compile(r"：(該当|対象外|条件未確認)$")


@dataclass(frozen=True)
class ConditionView:
    fit: str  # fits | fails | unknown (a CSS class)
    sign: str
    word: str
    label: str


@dataclass(frozen=True)
class CardView:
    id: str
    name: str
    category_name: str
    about: str
    reasons: list[str]
    conditions: list[ConditionView]
    fits: bool
    hours_today: str
    hours_week: str
    fee: str
    phone: str | None
    tel_href: str | None
    address: str | None
    map_url: str | None
    web_url: str | None
    category_code: str = ""
    extra_notes: list[str] = field(default_factory=list)


def tel_href(phone: str | None) -> str | None:
    """tel: link with digits (and a leading +) only; None when nothing dialable is left."""
    if not phone:
        return None
    text = unicodedata.normalize("NFKC", phone)
    digits = re.sub(r"[^\d+]", "", text.split("(")[0].split("（")[0])
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if len(digits.lstrip("+")) >= 3 else None


def map_url(address: str | None) -> str | None:
    """A map search link for the address (only a link: the server never calls it)."""
    if not address or not address.strip():
        return None
    return "https://www.google.com/maps/search/?api=1&query=" + quote(address.strip(), safe="")


def web_url(url: str | None) -> str | None:
    """The catalog's web address only when it is http(s): `javascript:` and the like are dropped."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def hours_week(text: str | None) -> str:
    """OpenStreetMap opening_hours in Japanese words: `Mo-Fr 08:30-17:15; PH off` → 月〜金 8:30〜17:15、祝日 休み."""
    if not text or not text.strip():
        return UNKNOWN_ASK
    out = text.strip()
    if out == "24/7":
        return "24時間・年中無休"
    out = _MONTH_DAY_RE.sub(lambda m: f"{_MONTHS.index(m.group(1)) + 1}月{int(m.group(2))}日", out)
    out = _DAY_RANGE_RE.sub(lambda m: f"{_DAYS[m.group(1)]}〜{_DAYS[m.group(2)]}", out)
    out = _DAY_RE.sub(lambda m: _DAYS[m.group(1)], out)
    out = _TIME_RANGE_RE.sub(lambda m: f"{int(m.group(1))}:{m.group(2)}〜{int(m.group(3))}:{m.group(4)}", out)
    out = re.sub(r"(日)-(\d+月)", r"\1〜\2", out)
    out = re.sub(r"\b(off|closed)\b", "休み", out)
    return out.replace("; ", "、").replace(";", "、").replace(",", "・")


def hours_today_label(text: str | None, now: datetime) -> str:
    """Today's opening in a few words (shown under 「今日」): the open spans, お休み, or 不明."""
    if not text or not text.strip():
        return UNKNOWN_ASK
    try:
        parse_hours(text)
    except HoursSyntaxError:
        return UNKNOWN_ASK
    spans = hours_today(text, now)
    if not spans:
        return "お休み"
    day_start = as_jst(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if len(spans) == 1 and spans[0][0] <= day_start and spans[0][1] >= day_start + timedelta(hours=23, minutes=59):
        return "24時間対応"

    def clock(moment: datetime, end: bool = False) -> str:
        local = as_jst(moment)
        if end and local.hour == 23 and local.minute == 59:
            return "24:00"
        return f"{local.hour}:{local.minute:02d}"

    return "、".join(f"{clock(a)}〜{clock(b, end=True)}" for a, b in spans)


def fee_label(r: Resource) -> str:
    if r.fee:
        return r.fee
    if r.free is True:
        return "無料"
    return UNKNOWN_ASK


def about(r: Resource, category_description: str) -> str:
    """What it is, in plain words: the catalog's description, else the category's."""
    text = (r.description or category_description or "").strip()
    return text if len(text) <= ABOUT_MAX_CHARS else text[: ABOUT_MAX_CHARS - 1] + "…"


def condition_view(c: Condition) -> ConditionView:
    sign, word = FIT_SIGNS[c.fit]
    return ConditionView(c.fit.value, sign, word, _VERDICT_SUFFIX_RE.sub("", c.label))


def category_name(taxonomy: Taxonomy, code: str) -> str:
    return taxonomy.get(code).short_name if code in taxonomy else code


def card_for(r: Resource, *, category: str, reasons: list[str], conditions: list[Condition], fits: bool,
             taxonomy: Taxonomy, now: datetime) -> CardView:
    cat = taxonomy.get(category) if category in taxonomy else None
    return CardView(
        id=r.id, name=r.name, category_code=category, category_name=cat.short_name if cat else category,
        about=about(r, cat.description if cat else ""), reasons=list(reasons),
        conditions=[condition_view(c) for c in conditions], fits=fits,
        hours_today=hours_today_label(r.opening_hours, now), hours_week=hours_week(r.opening_hours),
        fee=fee_label(r), phone=r.phone, tel_href=tel_href(r.phone), address=r.address,
        map_url=map_url(r.address), web_url=web_url(r.url),
        extra_notes=[r.eligibility_note] if r.eligibility_note else [],
    )


def what_to_say(category_short_name: str) -> str:
    """The opening line for the family's call: built from the category, never from the concern."""
    return f"「{category_short_name}の利用について相談したいのですが」"


def district_choices(areas: tuple[str, ...]) -> list[str]:
    """Areas a family can pick: the municipality's districts, not 全域 or nationwide."""
    return [a for a in areas if a != WHOLE_MUNICIPALITY and a not in WIDE_AREAS]


# ---- coverage chart --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float


def heat_level(count: int) -> int:
    """Shade class of a coverage cell: 0 (none) … 3 (three or more)."""
    return min(count, 3)


def bars(items: list[tuple[str, int]], *, max_width: float = 320.0, row: int = 22) -> list[Bar]:
    """Horizontal bars for an inline SVG chart (sizes as SVG attributes: no inline styles, so the
    strict CSP stays)."""
    top = max((v for _, v in items), default=0) or 1
    return [Bar(label, value, i * row, round(max_width * value / top, 1)) for i, (label, value) in enumerate(items)]

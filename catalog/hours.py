"""Opening hours in OpenStreetMap `opening_hours` syntax, with Japanese public holidays for PH."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, State

JST = ZoneInfo("Asia/Tokyo")


class HoursSyntaxError(ValueError):
    """An opening_hours value that does not parse."""


@lru_cache(maxsize=4096)
def parse_hours(text: str) -> OpeningHours:
    """Parse once and cache: catalogs repeat the same few expressions many times."""
    try:
        return OpeningHours(text.strip(), timezone=JST, country="JP")
    except Exception as exc:  # the library raises its own ParserError / SyntaxError
        raise HoursSyntaxError(str(exc).splitlines()[0] if str(exc) else text) from exc


def validate_hours(text: str) -> str | None:
    """None when the expression parses, else a short reason."""
    try:
        parse_hours(text)
    except HoursSyntaxError as exc:
        return str(exc)
    return None


def as_jst(moment: datetime) -> datetime:
    """A naive datetime is taken as Japan time."""
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment.astimezone(JST)


def is_open_at(text: str | None, moment: datetime) -> bool | None:
    """True/False when the hours say so; None when hours are unknown or say 'unknown'."""
    if not text or not text.strip():
        return None
    try:
        oh = parse_hours(text)
    except HoursSyntaxError:
        return None
    at = as_jst(moment)
    if oh.is_unknown(at):
        return None
    return bool(oh.is_open(at))


def hours_today(text: str | None, moment: datetime) -> list[tuple[datetime, datetime]]:
    """Open intervals on the calendar day of `moment` (Japan time), for 'hours today' displays."""
    if not text:
        return []
    try:
        oh = parse_hours(text)
    except HoursSyntaxError:
        return []
    at = as_jst(moment)
    start = at.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(hour=23, minute=59)
    spans = []
    for begin, finish, state, _comment in oh.intervals(start, end):
        if state == State.OPEN:
            spans.append((begin, finish))
    return spans

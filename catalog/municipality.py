"""Municipalities as tenants: the 6-digit 全国地方公共団体コード and its check digit.

Every catalog version, referral and match-log row belongs to one municipality. `SHARED` (000000)
is not a real code (a real one ending in 0 after 00000 would need check digit 1), so it can
never collide with one: it holds the national and prefecture-wide resources shared by every
municipality, and it is the one tenant of an embedded single-municipality installation.
"""

from __future__ import annotations

import unicodedata

from catalog.errors import InvalidMunicipality

SHARED = "000000"
_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    """The 6th digit of a code: 11 minus (weighted sum mod 11), its last digit (総務省の検査数字)."""
    total = sum(int(d) * w for d, w in zip(first_five, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_municipality_code(code: str) -> bool:
    """True for SHARED and for six ASCII digits whose last one is the check digit."""
    if code == SHARED:
        return True
    return len(code) == 6 and code.isascii() and code.isdigit() and check_digit(code[:5]) == int(code[5])


def municipality_code(text: str) -> str:
    """The code in `text` (full-width digits allowed); raises InvalidMunicipality otherwise.
    Five digits (the code without its check digit, as some lists print it) are completed."""
    code = unicodedata.normalize("NFKC", str(text)).strip()
    if len(code) == 5 and code.isascii() and code.isdigit() and code != SHARED[:5]:
        code += str(check_digit(code))
    if not is_municipality_code(code):
        raise InvalidMunicipality(code[:20])
    return code

"""Situational cues in the concern text: time (夜中, 土日, 泊まり), age (0歳, 小3, 生後4か月),
pregnancy (妊娠中) and place. They count like structured input when the form left them empty.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from matcher.normalize import to_hiragana

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _kanji_number(text: str) -> str:
    """一歳 → 1歳, 十一か月 → 11か月 (small numbers are all that ages need)."""

    def repl(m: re.Match) -> str:
        s = m.group(0)
        if "十" in s:
            left, _, right = s.partition("十")
            return str((_KANJI_DIGITS.get(left, 1) if left else 1) * 10 + (_KANJI_DIGITS.get(right, 0) if right else 0))
        return "".join(str(_KANJI_DIGITS[c]) for c in s)

    return re.sub(r"[〇零一二三四五六七八九十]+(?=(歳|才|さい|か月|ヶ月|ケ月|カ月|ヵ月|ヵげつ|かげつ|ヶげつ|週|年生|年))", repl, text)


_MONTH = r"(?:か月|ヶ月|ケ月|カ月|ヵ月|ヶげつ|かげつ|かげつ|ヵげつ|ケげつ|月)"
_AGE_PATTERNS: list[tuple[re.Pattern, object]] = [
    (re.compile(rf"(\d{{1,2}})(?:歳|才|さい)\s*(\d{{1,2}})\s*{_MONTH}"), lambda m: int(m[1]) * 12 + int(m[2])),
    (re.compile(r"(\d{1,2})(?:歳|才|さい)半"), lambda m: int(m[1]) * 12 + 6),
    (re.compile(rf"生後\s*(\d{{1,2}})\s*{_MONTH}"), lambda m: int(m[1])),
    (re.compile(r"生後\s*(\d{1,3})\s*(?:日|にち)"), lambda m: int(m[1]) // 30),
    (re.compile(r"生後\s*(\d{1,2})\s*(?:週|しゅう)"), lambda m: int(m[1]) // 4),
    (re.compile(rf"(?<![\d年])(\d{{1,2}})\s*{_MONTH}(?:児|の|に|で|、|,|\s|です|な|を|が|くらい|ぐらい|$)"), lambda m: int(m[1])),
    (re.compile(r"(?<!\d)(\d{1,2})\s*(?:歳|才|さい)(?:児)?"), lambda m: int(m[1]) * 12 + 6),
    (re.compile(r"(?:小学|小学校)\s*(\d)\s*(?:年|ねん)"), lambda m: (int(m[1]) + 5) * 12 + 12),
    (re.compile(r"(?<![a-z\d])小\s*(\d)(?!\d)"), lambda m: (int(m[1]) + 5) * 12 + 12),
    (re.compile(r"(?:中学|中学校)\s*(\d)\s*(?:年|ねん)"), lambda m: (int(m[1]) + 11) * 12 + 12),
    (re.compile(r"(?<![a-z\d])中\s*(\d)(?!\d)"), lambda m: (int(m[1]) + 11) * 12 + 12),
    (re.compile(r"(?:高校|高)\s*(\d)(?:年|ねん)?(?!\d)"), lambda m: (int(m[1]) + 14) * 12 + 12),
    (re.compile(r"年少(?=さん|の|児|クラス|組|で|に|、|,|だ|です|\s|$)"), lambda m: 3 * 12 + 12),
    (re.compile(r"年中(?=さん|の|児|クラス|組|で|に|、|,|だ|です|\s|$)"), lambda m: 4 * 12 + 12),
    (re.compile(r"年長(?=さん|の|児|クラス|組|で|に|、|,|だ|です|\s|$)"), lambda m: 5 * 12 + 12),
    (re.compile(r"新生児|しんせいじ"), lambda m: 0),
    (re.compile(r"(\d{1,2})\s*(?:years?|yrs?)[- ]?old"), lambda m: int(m[1]) * 12 + 6),
    (re.compile(r"(\d{1,2})\s*months?[- ]?old"), lambda m: int(m[1])),
]

_PREGNANT = re.compile(r"妊娠|妊婦|にんしん|にんぷ|おなかに赤ちゃん|お腹に赤ちゃん|出産予定|予定日|つわり|pregnan|臨月|マタニティ")
_NIGHT = re.compile(r"夜中|深夜|夜間|今夜|今晩|こんや|こんばん|よなか|しんや|夜遅く|夜勤|夜だけ|夜の|夜に|晩|night|evening|midnight|夕方から")
_OVERNIGHT = re.compile(r"泊まり|泊り|とまり|宿泊|一晩|ひとばん|泊まって|泊めて|一泊|二泊|数日|入院|overnight")
_WEEKEND = re.compile(r"土日|土曜|日曜|週末|休日|祝日|連休|どにち|しゅうまつ|weekend|saturday|sunday|holiday")
_URGENT_TIME = re.compile(r"今すぐ|いますぐ|今日|きょう|今夜|明日|あした|あす|急に|急ぎ|至急|tonight|tomorrow|right now")


class Situation(NamedTuple):
    child_age_months: int | None
    pregnant: bool
    night: bool
    overnight: bool
    weekend: bool
    soon: bool
    area: str | None
    cues: tuple[str, ...]  # Japanese labels of what was read, for reasons


def read_situation(norm_text: str, known_areas: tuple[str, ...] = ()) -> Situation:
    """Read cues from normalised text (matcher.normalize.normalize_text output)."""
    text = _kanji_number(norm_text)
    cues: list[str] = []
    age = None
    for pattern, months in _AGE_PATTERNS:
        m = pattern.search(text)
        if m:
            value = months(m)  # type: ignore[operator]
            if 0 <= value <= 264:
                age = value
                cues.append(f"年齢「{m.group(0)}」")
                break
    pregnant = bool(_PREGNANT.search(text))
    hira = to_hiragana(text)
    night = bool(_NIGHT.search(text) or _NIGHT.search(hira))
    overnight = bool(_OVERNIGHT.search(text) or _OVERNIGHT.search(hira))
    weekend = bool(_WEEKEND.search(text) or _WEEKEND.search(hira))
    soon = bool(_URGENT_TIME.search(text))
    for flag, label in ((pregnant, "妊娠中"), (night, "夜間"), (overnight, "宿泊・泊まり"), (weekend, "土日・休日")):
        if flag:
            cues.append(label)
    area = None
    for name in sorted(known_areas, key=len, reverse=True):
        base = name[:-2] if name.endswith(("地区", "地域")) and len(name) > 3 else name
        if name in text or (len(base) >= 2 and base + "地区" in text) or (len(base) >= 2 and f"{base}に住" in text):
            area = name
            cues.append(f"地区「{name}」")
            break
    return Situation(age, pregnant, night, overnight, weekend, soon, area, tuple(cues))

"""A synthetic, privacy-preserving match log for notebooks, demos and tests of the unmet-needs
report (catalog.unmet).

Concerns are composed from templates (a need in a parent's words, a child's age, an hour, an
area), run through the real Matcher, and only what the service may keep is returned: detected
categories, confidence and its band, area, age band, hour, weekday, safety level and content
words (matcher.privacy). The composed text is dropped as soon as it has been matched.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Iterable

from catalog.hours import JST
from catalog.model import Resource
from catalog.records import MatchLogEntry
from matcher.bands import confidence_band
from matcher.concern import Concern
from matcher.privacy import age_band, content_words


# (text, youngest age in months, oldest, hours people tend to ask at). Written for this
# generator; none is a real family's words.
TEMPLATES: tuple[tuple[str, int, int, tuple[int, ...]], ...] = (
    ("保育園に入っていないけど、週に何回か通わせて同じ年の子と遊ばせたい", 6, 35, (10, 14)),
    ("こども誰でも通園を使ってみたい。近くでやっているところは？", 6, 35, (9, 11, 15)),
    ("美容院に行く間だけ子どもを預けたい", 6, 71, (10, 13)),
    ("上の子の授業参観の日、下の子を一時預かりしてほしい", 6, 71, (9, 10)),
    ("夜10時まで仕事で、その間子どもを見てくれるところがない", 12, 143, (20, 21, 22)),
    ("親の入院で数日子どもを泊まりで預かってほしい", 24, 143, (19, 21)),
    ("熱が出たけど仕事を休めない。病児保育はどこ？", 6, 143, (7, 8)),
    ("保育園のお迎えに間に合わない日がある", 12, 83, (17, 18)),
    ("夜泣きがひどくて眠れない、誰かに話を聞いてほしい", 0, 23, (1, 2, 3, 23)),
    ("ことばが遅い気がして心配", 18, 47, (10, 14, 20)),
    ("発達検査を受けたほうがいいか相談したい", 24, 71, (10, 15)),
    ("放課後に子どもが一人になってしまう。学童に入れたい", 72, 119, (16, 18)),
    ("障害のある子の放課後の居場所を探している", 72, 179, (15, 17)),
    ("母乳が足りているか不安。助産師さんに相談したい", 0, 5, (10, 22)),
    ("出産後、体がつらくて家事ができない。手伝ってほしい", 0, 11, (10, 14)),
    ("産後ケアを使いたい。日帰りでも泊まりでも", 0, 11, (10, 13)),
    ("離婚してひとり親になった。手当のことを知りたい", 12, 179, (12, 19)),
    ("子ども食堂やフードパントリーを探している", 36, 179, (17, 18)),
    ("日本語が少し苦手。英語で子育ての相談をしたい", 0, 143, (10, 19)),
    ("中学生の子が学校に行きたがらない", 144, 179, (10, 20, 22)),
    ("子育てひろばで他のママと知り合いたい", 0, 35, (10, 11)),
    ("土日に子どもと遊べる児童館を知りたい", 36, 143, (10, 14)),
    ("保活の相談がしたい。来年4月に入れるか不安", 0, 23, (10, 14)),
    ("双子の育児で手が回らない。ヘルパーさんに来てほしい", 0, 23, (9, 14)),
    ("夜中に子どもが吐いた。病院に行くべきか聞きたい", 6, 143, (0, 1, 2, 23)),
    ("夫の言葉がきつくて怖い。どこに相談すれば", 0, 143, (13, 22)),
    ("高校生の子の進路とひきこもりが心配", 180, 215, (20, 21)),
    ("幼稚園の預かり保育について知りたい", 36, 71, (10, 15)),
    # Needs this kind of catalog does not hold: they should come back with low confidence.
    ("ピアノの習い事を探しています", 48, 143, (10, 19)),
    ("子ども用の自転車を安く譲ってほしい", 36, 143, (12, 20)),
    ("引っ越しの手続きで住民票をとりたい", 0, 143, (10, 11)),
    ("ペットの犬が子どもに吠える、しつけ教室はある？", 24, 143, (10, 19)),
    ("スマホゲームの課金をやめさせたい", 108, 179, (21, 22)),
    ("車のチャイルドシートの付け方が分からない", 0, 47, (10, 16)),
)


def _areas(resources: Iterable[Resource]) -> list[str]:
    names = {a for r in resources for a in r.service_areas}
    return sorted(a for a in names if a not in ("全域", "全国", "都道府県", "全県", "県内全域"))


def generate_sample_log(
    n: int,
    seed: int = 0,
    *,
    resources: list[Resource] | None = None,
    matcher=None,
    end: datetime | None = None,
    days: int = 90,
) -> list[MatchLogEntry]:
    """`n` log rows over the `days` before `end`, from template concerns run through `matcher`
    (built from `resources` when not given). Deterministic for a seed and catalog."""
    if matcher is None:
        if resources is None:
            raise ValueError("give resources or a built matcher")
        from matcher.rank import Matcher

        matcher = Matcher.build(resources)
    rng = random.Random(seed)
    areas = _areas(matcher.resources) or [None]
    end = end or datetime(2026, 11, 23, tzinfo=JST)
    rows: list[MatchLogEntry] = []
    for i in range(n):
        text, youngest, oldest, hours = rng.choice(TEMPLATES)
        months = rng.randint(youngest, oldest)
        day = end - timedelta(days=rng.randint(0, days - 1))
        needed = day.replace(hour=rng.choice(hours), minute=rng.choice((0, 15, 30, 45)), second=0, microsecond=0)
        area = rng.choice(areas)
        concern = Concern(text=text, child_age_months=months, area=area, needed_at=needed)
        result = matcher.match(concern, top=5)
        needs = result.asked_categories()
        rows.append(MatchLogEntry(
            query_id=f"sample-{seed}-{i:05d}",
            catalog_version=None,
            categories=needs or list(dict.fromkeys(r.category for r in result.results[:1])),
            confidence=round(float(result.confidence), 4),
            confidence_band=confidence_band(result.confidence),
            area=area,
            age_band=age_band(months),
            needed_hour=needed.hour,
            needed_weekday=needed.weekday(),
            safety_level=str(result.safety.get("level", "none")),
            content_words=content_words(text),
            result_count=len(result.results),
            created_at=(needed - timedelta(hours=rng.randint(0, 48))).astimezone(JST),
        ))
    return rows

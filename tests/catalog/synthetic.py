"""Synthetic catalog CSV (our columns, Japanese headers) of any size, for tests and benchmarks.

Deterministic for a seed; every row is valid, so importing it must give zero errors.
"""

from __future__ import annotations

import csv
import io
import random

from catalog.formats.catalog_table import COLUMNS
from catalog.taxonomy import load_taxonomy

_AREAS = ("北", "南", "東", "西", "中央", "全域")
_HOURS = ("Mo-Fr 08:30-17:15; PH off", "Mo-Sa 07:00-19:00; PH off", "24/7", "Tu-Su 10:00-16:00", "")
_WORDS = ("ひろば", "相談", "あずかり", "ママ", "パパ", "赤ちゃん", "発達", "ことば", "夜間", "宿泊", "離乳食", "保活")
_CONCERNS = ("夜泣きがつらい", "少し休みたい", "ことばが遅い気がする", "保育園に入れるか不安", "熱が出たけど仕事を休めない")
_BOOLS = ("可", "不可", "")


def synthetic_catalog_csv(n: int, seed: int = 0) -> str:
    """`n` valid resource rows in our catalog CSV layout (UTF-8 text, no BOM)."""
    rng = random.Random(seed)
    codes = load_taxonomy().codes
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    for i in range(n):
        category = rng.choice(codes)
        secondary = ";".join(rng.sample(codes, rng.randint(0, 2)))
        age_min = rng.choice((None, 0, 3, 6, 12, 36))
        age_max = rng.choice((None, 35, 71, 155, 215))
        if age_min is not None and age_max is not None and age_min > age_max:
            age_min, age_max = age_max, age_min
        row = {
            "id": f"SYN{seed:02d}-{i:06d}",
            "name": f"{rng.choice(_WORDS)}センター{i}",
            "name_kana": "センター",
            "category": category,
            "secondary_categories": secondary,
            "description": "。".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 12))),
            "example_concerns": ";".join(rng.sample(_CONCERNS, rng.randint(0, 3))),
            "keywords": ";".join(rng.sample(_WORDS, rng.randint(0, 4))),
            "age_min_months": "" if age_min is None else str(age_min),
            "age_max_months": "" if age_max is None else str(age_max),
            "pregnant_ok": rng.choice(_BOOLS),
            "service_areas": ";".join(rng.sample(_AREAS, rng.randint(1, 2))),
            "municipality_code": "352071",
            "address": f"山口県下松市中央町{i % 50 + 1}-{i % 7 + 1}",
            "lat": f"{34.0 + rng.random() * 0.05:.6f}",
            "lon": f"{131.8 + rng.random() * 0.1:.6f}",
            "phone": f"0833-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
            "url": f"https://example.jp/r/{i}",
            "opening_hours": rng.choice(_HOURS),
            "night": rng.choice(_BOOLS),
            "holiday": rng.choice(_BOOLS),
            "overnight": rng.choice(_BOOLS),
            "fee": rng.choice(("無料", "1時間 500円", "")),
            "free": rng.choice(_BOOLS),
            "reservation": rng.choice(("要", "不要", "")),
            "languages": rng.choice(("ja", "ja;en", "ja;en;zh;vi", "")),
            "provider": "下松市",
            "verified_on": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        }
        writer.writerow([row.get(c.field, "") for c in COLUMNS])
    return out.getvalue()

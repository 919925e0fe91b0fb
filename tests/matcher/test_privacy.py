"""What may be kept of a concern: content words without names, places, numbers or contacts."""

from __future__ import annotations

import pytest

from matcher.privacy import age_band, contains_person_name, content_words


def test_keeps_the_need_drops_the_person():
    words = content_words("山田太郎さんの息子が夜泣きで困っています。電話は090-1234-5678です")
    assert "夜泣き" in words and "息子" in words
    joined = " ".join(words)
    for secret in ("山田", "太郎", "090", "1234", "5678"):
        assert secret not in joined


@pytest.mark.parametrize(
    "text, secret",
    [
        ("ゆいとくんが保育園に行きたがらない", "ゆいと"),
        ("佐藤花子です。発達が心配", "花子"),
        ("連絡は mama.sato@example.jp まで", "example"),
        ("詳しくは https://example.jp/page を見た", "example"),
        ("〒745-0001 横浜市中区山下町1-2-3に住んでいます", "山下町"),
        ("ＴＥＬ０９０ー１２３４ー５６７８", "1234"),
        ("3歳と5歳の子がいます", "3"),
    ],
)
def test_removes_names_contacts_addresses_numbers(text, secret):
    assert secret not in " ".join(content_words(text))


def test_kinship_words_before_honorifics_stay():
    words = content_words("お母さんが疲れていて赤ちゃんが泣き止まない")
    assert "お母さん" in words and "赤ちゃん" in words


def test_words_are_unique_and_empty_input_is_empty():
    assert content_words("夜泣き夜泣き夜泣き") == ["夜泣き"]
    assert content_words("") == []
    assert content_words("090-1234-5678") == []


@pytest.mark.parametrize(
    "months, band",
    [(None, "不明"), (-1, "不明"), (0, "0歳"), (11, "0歳"), (12, "1-2歳"), (35, "1-2歳"), (36, "3-5歳"),
     (72, "6-11歳"), (143, "6-11歳"), (144, "12-14歳"), (180, "15-17歳"), (216, "18歳以上"), (264, "18歳以上")],
)
def test_age_bands(months, band):
    assert age_band(months) == band


@pytest.mark.parametrize(
    "text, expected",
    [("佐藤さんに紹介した", True), ("花子の件", True), ("ゆいとくん", True),
     ("母が来週利用予定", False), ("お母さんと保育士さんで相談", False), ("夜間の利用を案内", False)],
)
def test_contains_person_name(text, expected):
    assert contains_person_name(text) is expected

"""Duplicate candidates: the sample's three real pairs come first; same-phone services do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.duplicates import address_key, find_duplicates, name_key, reading_key, score_pair
from catalog.importer import read_catalog
from catalog.model import Resource

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "catalog.csv"
REAL_PAIRS = {frozenset({"WKB-0042", "WKB-0043"}), frozenset({"WKB-0072", "WKB-0073"}),
              frozenset({"WKB-0108", "WKB-0109"})}


@pytest.fixture(scope="module")
def sample():
    return read_catalog(SAMPLE).resources


@pytest.fixture(scope="module")
def by_id(sample):
    return {r.id: r for r in sample}


def test_the_three_real_pairs_are_the_top_pairs_and_the_only_ones_reported(sample):
    pairs = find_duplicates(sample)
    assert {frozenset({p.a, p.b}) for p in pairs[:3]} == REAL_PAIRS
    assert len(pairs) == 3
    everything = find_duplicates(sample, min_score=0)
    assert {frozenset({p.a, p.b}) for p in everything[:3]} == REAL_PAIRS
    assert everything[3].score < min(p.score for p in pairs)


def test_the_newer_row_is_a_and_the_reason_is_in_japanese(sample):
    pair = next(p for p in find_duplicates(sample) if {p.a, p.b} == {"WKB-0108", "WKB-0109"})
    assert (pair.a, pair.b) == ("WKB-0108", "WKB-0109")  # 0109 is the stale leftover
    assert pair.explanation.startswith("名称の読みが一致（100）")
    assert "電話番号が同じ" in pair.reasons_ja and "same phone number" in pair.reasons_en


@pytest.mark.parametrize("a, b", [
    ("WKB-0070", "WKB-0032"),  # a nursery and its 一時預かり: same phone, other category
    ("WKB-0079", "WKB-0049"),  # a nursery and its こども誰でも通園
    ("WKB-0039", "WKB-0040"),  # ショートステイ / トワイライトステイ: same phone, same category
    ("WKB-0025", "WKB-0026"),  # こんにちは赤ちゃん訪問 / 新生児訪問
    ("WKB-0169", "WKB-0170"),
])
def test_services_sharing_a_phone_are_not_duplicates(by_id, a, b):
    pair = score_pair(by_id[a], by_id[b])
    assert "電話番号が同じ" in pair.reasons_ja
    assert pair.score < 70


def test_different_words_in_the_names_are_named(by_id):
    pair = score_pair(by_id["WKB-0039"], by_id["WKB-0040"])
    assert any(r.startswith("名称の語が異なる") and "ショートステイ" in r for r in pair.reasons_ja)


def test_keys_fold_spellings_addresses_and_legal_prefixes():
    assert reading_key("子育てひろば　にじいろ") == reading_key("こそだてひろば にじいろ")
    assert name_key("社会福祉法人あおば会 ひかり保育園") == name_key("ひかり保育園")
    assert address_key("青葉県若葉野市中央二丁目5番10号") == address_key("青葉県若葉野市中央2-5-10")
    assert address_key("栄町3-2-1 わかばプラザ2階") == address_key("栄町3丁目2番1号")


def test_across_an_import_only_new_against_existing_pairs_count(sample, by_id):
    incoming = [by_id["WKB-0043"].replace(id="NEW-1"), by_id["WKB-0001"].replace(id="NEW-2", name="全く別の窓口")]
    pairs = find_duplicates(incoming, against=sample)
    found = {frozenset({p.a, p.b}) for p in pairs}
    assert found == {frozenset({"WKB-0042", "NEW-1"}), frozenset({"WKB-0043", "NEW-1"})}
    # The same id on both sides is the same resource updated, not a duplicate.
    assert find_duplicates([by_id["WKB-0042"]], against=[by_id["WKB-0042"]]) == []


def test_nearby_coordinates_are_a_block_and_a_reason():
    a = Resource(id="a", name="みどり子ども食堂", category="food_support", lat=35.0001, lon=139.0001)
    b = Resource(id="b", name="みどりこども食堂", category="food_support", lat=35.0002, lon=139.0002)
    far = Resource(id="c", name="ほし食堂", category="daycare", lat=36.0, lon=140.0)
    pairs = find_duplicates([a, b, far])
    assert [(p.a, p.b) for p in pairs] in ([("a", "b")], [("b", "a")])
    assert any(r.startswith("所在地が近い") for r in pairs[0].reasons_ja)

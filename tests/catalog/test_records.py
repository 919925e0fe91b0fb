"""Referral and match-log records: round trips, outcomes, and no field that could hold a name."""

from __future__ import annotations

import pytest

from catalog.db import make_engine
from catalog.records import (
    MEMO_MAX_CHARS,
    MatchLogEntry,
    MatchLogStore,
    Outcome,
    ReferralNotFound,
    ReferralRow,
    ReferralStore,
)


BACKENDS = ("sqlite", "postgresql")


@pytest.fixture()
def engine(database_url):
    engine = make_engine(database_url)
    ReferralStore(engine).create_schema()
    yield engine
    engine.dispose()


def test_referral_round_trip_and_outcome(engine):
    store = ReferralStore(engine)
    ref = store.add("r-001", category="temporary_care", catalog_version=3, query_id="q1", memo="夜間の利用を案内")
    assert ref.id > 0 and ref.outcome is None and ref.created_at.tzinfo is not None
    updated = store.set_outcome(ref.id, "connected")
    assert updated.outcome is Outcome.connected and updated.outcome.label_ja == "つながった"
    assert updated.outcome_at is not None
    assert store.get(ref.id).outcome is Outcome.connected
    assert store.count() == 1
    assert store.outcome_counts() == {"connected": 1}


def test_referral_list_newest_first_and_pending_counts(engine):
    store = ReferralStore(engine)
    first = store.add("r-001")
    second = store.add("r-002")
    assert [r.id for r in store.list()] == [second.id, first.id]
    assert [r.id for r in store.list(limit=1, offset=1)] == [first.id]
    store.set_outcome(first.id, Outcome.not_used)
    assert store.outcome_counts() == {"not_used": 1, "pending": 1}


def test_unknown_referral_and_bad_outcome(engine):
    store = ReferralStore(engine)
    with pytest.raises(ReferralNotFound):
        store.get(999)
    with pytest.raises(ReferralNotFound):
        store.set_outcome(999, "connected")
    ref = store.add("r-001")
    with pytest.raises(ValueError):
        store.set_outcome(ref.id, "maybe")


def test_memo_is_length_limited(engine):
    with pytest.raises(ValueError):
        ReferralStore(engine).add("r-001", memo="あ" * (MEMO_MAX_CHARS + 1))


def test_referral_table_has_no_name_or_text_column():
    columns = set(ReferralRow.__table__.columns.keys())
    assert not columns & {"name", "family_name", "child_name", "text", "concern", "phone", "address"}


def test_match_log_round_trip(engine):
    store = MatchLogStore(engine)
    entry = MatchLogEntry(
        query_id="q1", catalog_version=1, categories=["temporary_care", "twilight_stay"], confidence=0.8,
        confidence_band="high", area="中央", age_band="1-2歳", needed_hour=21, needed_weekday=5,
        safety_level="none", content_words=["預かる", "夜中"], result_count=5,
    )
    store.add(entry)
    store.add_many([])
    (got,) = store.recent()
    assert got.categories == ["temporary_care", "twilight_stay"]
    assert got.content_words == ["預かる", "夜中"]
    assert got.needed_hour == 21 and got.age_band == "1-2歳" and got.created_at.tzinfo is not None
    assert store.count() == 1
    assert got.to_dict()["query_id"] == "q1"


def test_records_of_one_municipality_are_invisible_to_another(engine):
    tokyo, osaka = ReferralStore(engine, "131016"), ReferralStore(engine, "271004")
    mine = tokyo.add("r-001", memo="夜間")
    osaka.add("r-002")
    assert [r.resource_id for r in tokyo.list()] == ["r-001"] and tokyo.count() == 1
    assert mine.municipality_code == "131016"
    with pytest.raises(ReferralNotFound):
        osaka.get(mine.id)
    with pytest.raises(ReferralNotFound):
        osaka.set_outcome(mine.id, "connected")
    assert tokyo.get(mine.id).outcome is None and osaka.outcome_counts() == {"pending": 1}
    log_tokyo, log_osaka = MatchLogStore(engine, "131016"), log_store_osaka(engine)
    log_tokyo.add(MatchLogEntry("q1", 1, ["daycare"], 0.5, "medium", None, "0-2", None, None, "none", [], 1))
    log_osaka.add(MatchLogEntry("q2", 1, ["daycare"], 0.5, "medium", None, "0-2", None, None, "none", [], 1,
                                municipality_code="271004"))
    assert [e.query_id for e in log_tokyo.recent()] == ["q1"] and log_tokyo.count() == 1
    assert [e.municipality_code for e in log_osaka.recent()] == ["271004"]


def log_store_osaka(engine):
    return MatchLogStore(engine).for_municipality("271004")

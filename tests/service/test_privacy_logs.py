"""No concern text in any log record, URL, metric or stored match-log row (ARCHITECTURE.md)."""

from __future__ import annotations

import logging


from catalog.records import MatchLogStore
from tests.service.conftest import app_for, make_settings, seed_catalog, running

PHRASE = "山田太郎さんの息子が夜泣きで困っています。電話は090-1234-5678、メールはtaro@example.jpです"
# Digits alone (1234) can occur by chance in latency numbers of /metrics; the phone number
# and its last four digits with the hyphen cannot.
SECRETS = ("山田", "太郎", "090-1234-5678", "-5678", "1234-", "taro@example.jp", "example", PHRASE, PHRASE[:12])


def test_concern_text_appears_in_no_log_record_and_no_stored_row(tmp_path, caplog):
    settings = make_settings(tmp_path, log_match_requests=True)
    seed_catalog(settings)
    app = app_for(settings)
    caplog.set_level(logging.DEBUG)  # root: every logger, uvicorn, fastapi and sqlalchemy included
    for name in ("sqlalchemy.engine", "uvicorn", "uvicorn.access", "uvicorn.error", "fastapi", "tsunagu"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        with running(app) as c:
            r = c.post("/api/v1/match", json={"text": PHRASE, "child_age_months": 30, "area": "中央",
                                              "needed_at": "2026-11-27T21:00+09:00"})
            assert r.status_code == 200
            bad = c.post("/api/v1/match", json={"text": PHRASE, "area": "火星"})
            assert bad.status_code == 422
            assert app.state.context.match_log.flush()
            metrics = c.get("/metrics").text
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)

    assert caplog.records, "the test must see the request logs"
    assert any(rec.name == "tsunagu.access" and "/api/v1/match" in rec.getMessage() for rec in caplog.records)
    everything = "\n".join(
        f"{rec.name} {rec.getMessage()} {rec.args!r} {getattr(rec, 'exc_text', '')}" for rec in caplog.records
    )
    for secret in SECRETS:
        assert secret not in everything, secret
        assert secret not in metrics, secret

    (row,) = MatchLogStore(app.state.context.engine).recent()
    stored = repr(row.to_dict())
    for secret in SECRETS:
        assert secret not in stored, secret
    assert "夜泣き" in row.content_words  # the need survives, the person does not
    assert row.age_band == "1-2歳" and row.area == "中央" and row.needed_hour == 21 and row.needed_weekday == 4
    assert row.confidence_band in ("low", "mid", "high") and row.categories


def test_match_logging_can_be_switched_off(tmp_path):
    settings = make_settings(tmp_path, log_match_requests=False)
    seed_catalog(settings)
    app = app_for(settings)
    with running(app) as c:
        assert c.post("/api/v1/match", json={"text": "夜泣き"}).status_code == 200
    assert app.state.context.match_log is None
    assert MatchLogStore(app.state.context.engine).count() == 0

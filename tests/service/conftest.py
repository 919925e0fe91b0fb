"""Fixtures for the service tests: an explicit Settings, a small catalog in a temporary
database, and role tokens. Nothing here reads var/ or the real environment."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

import pytest
from fastapi.testclient import TestClient

from catalog.model import Resource
from catalog.store import CatalogStore
from service.app import create_app
from service.security import hash_token
from service.settings import Settings
from service.state import build_matcher

COUNSELLOR_TOKEN = "counsellor-test-token-0123456789abcdef"
ANALYST_TOKEN = "analyst-test-token-0123456789abcdef"
# Cheap scrypt parameters: the tests build many apps.
COUNSELLOR_HASH = hash_token(COUNSELLOR_TOKEN, n=2**8)
ANALYST_HASH = hash_token(ANALYST_TOKEN, n=2**8)

SAMPLE = [
    Resource(id="r-twilight", name="子育て短期支援事業（トワイライトステイ）", category="short_stay",
             description="保護者の仕事や病気などで夜間に養育できないとき、子どもを一時的に預かります。",
             example_concerns=("夜に子どもを預けたい", "親の通院で夜いない"), age_min_months=12, age_max_months=143,
             service_areas=("全域",), opening_hours="Mo-Su 17:00-22:00", night=True, phone="0833-00-0001"),
    Resource(id="r-temp", name="一時預かり事業 ひまわり保育園", category="temporary_care",
             description="保護者のリフレッシュや急な用事のとき、日中にお子さんを一時的にお預かりします。",
             keywords=("一時保育",), age_min_months=6, age_max_months=71, service_areas=("中央",),
             opening_hours="Mo-Fr 08:30-17:00", free=False, fee="1日2,000円"),
    Resource(id="r-famisapo", name="ファミリー・サポート・センター", category="family_support_center",
             description="送迎や預かりを地域の会員同士で助け合います。", service_areas=("全域",),
             age_min_months=3, age_max_months=143, languages=("ja", "en")),
    Resource(id="r-hub", name="子育て世代包括支援センター（子育てコンシェルジュ）", category="consultation_hub",
             description="どこに相談すればよいか分からないときの窓口です。妊娠中から子育て期まで相談できます。",
             service_areas=("全域",), opening_hours="Mo-Fr 08:30-17:15", free=True, pregnant_ok=True),
    Resource(id="r-dev", name="こども発達相談室", category="development_consultation",
             description="ことばの遅れや発達の心配について相談できます。", service_areas=("北部",),
             age_min_months=0, age_max_months=215, free=True),
    Resource(id="r-hall", name="中央児童館", category="childrens_hall", description="0歳から18歳まで自由に遊べます。",
             service_areas=("中央",), free=True, opening_hours="Tu-Su 09:00-17:00"),
    Resource(id="r-189", name="児童相談所虐待対応ダイヤル189", category="child_guidance_center",
             description="虐待かもと思ったらすぐに連絡してください。24時間対応。", service_areas=("全国",),
             phone="189", opening_hours="24/7", free=True),
]


@lru_cache(maxsize=8)
def _cached_matcher(resources: tuple, contacts_override_path):
    return build_matcher(list(resources), contacts_override_path)


def cached_builder(resources, contacts_override_path=None):
    """Matcher.build once per distinct catalog for the whole test session."""
    return _cached_matcher(tuple(resources), contacts_override_path)


def app_for(settings: Settings):
    return create_app(settings, matcher_builder=cached_builder)


@contextmanager
def running(app, **client_options):
    """A TestClient with the lifespan running and the start-up catalog load finished."""
    with TestClient(app, **client_options) as client:
        assert app.state.context.state.wait_first_load(600), "catalog load did not finish"
        yield client


def make_settings(tmp_path, **overrides) -> Settings:
    values = dict(
        environment="development",
        database_url=f"sqlite:///{tmp_path / 'tsunagu.db'}",
        counsellor_tokens=[COUNSELLOR_HASH],
        analyst_tokens=[ANALYST_HASH],
        dev_tokens_path=tmp_path / "dev-tokens.txt",
        rate_limit_per_minute=0,
        catalog_poll_seconds=0,
    )
    values.update(overrides)
    return Settings(**values)


def seed_catalog(settings: Settings, resources=SAMPLE, *, activate: bool = True, note: str = "") -> int:
    store = CatalogStore(settings.database_url)
    store.create_schema()
    info = store.add_version(list(resources), source="test", note=note, activate=activate)
    store.engine.dispose()
    return info.id


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


COUNSELLOR = auth(COUNSELLOR_TOKEN)
ANALYST = auth(ANALYST_TOKEN)


@pytest.fixture(autouse=True)
def _no_real_environment(monkeypatch):
    """Settings() must not pick up the developer's or CI's TSUNAGU_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith("TSUNAGU_"):
            monkeypatch.delenv(name)


@pytest.fixture()
def settings(tmp_path, database_url) -> Settings:
    """SQLite, or both backends in modules that set BACKENDS (tests/conftest.py)."""
    return make_settings(tmp_path, database_url=database_url)


@pytest.fixture()
def client(settings):
    seed_catalog(settings)
    with running(app_for(settings)) as c:
        yield c


@pytest.fixture()
def empty_client(settings):
    """An app whose database holds no catalog version yet."""
    with running(app_for(settings)) as c:
        yield c

"""Settings: defaults, environment parsing, production refusals, and the README table."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from service.security import hash_token
from service.settings import Settings, settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_are_safe():
    s = Settings()
    assert s.environment == "development" and s.cors_origins == [] and s.rate_limit_per_minute > 0
    assert s.max_concern_chars == 4000 and s.log_match_requests


def test_environment_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("TSUNAGU_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("TSUNAGU_RATE_LIMIT_PER_MINUTE", "5")
    s = Settings()
    assert s.cors_origins == ["https://a.example", "https://b.example"] and s.rate_limit_per_minute == 5


@pytest.mark.parametrize(
    "tokens",
    [
        {},
        {"counsellor_tokens": ["changeme"], "analyst_tokens": ["changeme"]},
        {"counsellor_tokens": ["a-plain-token"], "analyst_tokens": [hash_token("x", n=2**8)]},
    ],
)
def test_production_refuses_missing_placeholder_or_plain_tokens(tokens):
    with pytest.raises(ValidationError, match="production"):
        Settings(environment="production", **tokens)


def test_production_accepts_hashed_tokens():
    h = hash_token("x", n=2**8)
    assert Settings(environment="production", counsellor_tokens=[h], analyst_tokens=[h]).environment == "production"


def test_limits_are_validated():
    with pytest.raises(ValidationError):
        Settings(max_concern_chars=50_000)
    with pytest.raises(ValidationError):
        Settings(rate_limit_per_minute=-1)


def test_every_setting_has_help_text_and_is_in_the_readme():
    for name, field in Settings.model_fields.items():
        assert field.description, name
    table = settings_table()
    for name in Settings.model_fields:
        assert f"`TSUNAGU_{name.upper()}`" in table
    assert table in README.read_text(encoding="utf-8"), "README settings table is stale: paste settings_table()"

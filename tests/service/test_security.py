"""Token hashing, role checks, development tokens."""

from __future__ import annotations

import stat

from service.security import (
    Role,
    TokenVerifier,
    ensure_dev_tokens,
    hash_token,
    is_token_hash,
    new_token,
    read_dev_tokens,
    verify_token,
    with_dev_tokens,
)
from service.settings import Settings


def test_hash_and_verify():
    token = new_token()
    stored = hash_token(token, n=2**8)
    assert is_token_hash(stored) and token not in stored
    assert verify_token(token, stored)
    assert not verify_token(token + "x", stored)
    assert not verify_token(token, "plain-text-token")
    assert hash_token(token, n=2**8) != stored  # salted


def test_verifier_maps_tokens_to_roles_and_remembers():
    c, a = new_token(), new_token()
    verifier = TokenVerifier([hash_token(c, n=2**8)], [hash_token(a, n=2**8)])
    assert verifier.role_of(c) is Role.counsellor
    assert verifier.role_of(a) is Role.analyst
    assert verifier.role_of(a) is Role.analyst  # from the cache
    assert verifier.role_of("guess") is None
    assert verifier.role_of("") is None
    assert verifier.role_of("x" * 10_000) is None


def test_dev_tokens_are_generated_once_with_private_permissions(tmp_path):
    path = tmp_path / "var" / "dev-tokens.txt"
    first = ensure_dev_tokens(path)
    assert set(first) == {"counsellor", "analyst"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_dev_tokens(path) == first == read_dev_tokens(path)


def test_settings_with_dev_tokens_accept_the_generated_tokens(tmp_path):
    settings = with_dev_tokens(Settings(dev_tokens_path=tmp_path / "t.txt", database_url="sqlite://"))
    plain = read_dev_tokens(tmp_path / "t.txt")
    verifier = TokenVerifier.from_settings(settings)
    assert verifier.role_of(plain["analyst"]) is Role.analyst
    assert verifier.role_of(plain["counsellor"]) is Role.counsellor
    assert all(is_token_hash(h) for h in settings.analyst_tokens + settings.counsellor_tokens)


def test_configured_tokens_are_not_replaced(tmp_path):
    stored = hash_token("t", n=2**8)
    settings = Settings(counsellor_tokens=[stored], analyst_tokens=[stored], dev_tokens_path=tmp_path / "t.txt")
    assert with_dev_tokens(settings) is settings
    assert not (tmp_path / "t.txt").exists()


def test_hash_token_command_prints_a_verifiable_hash():
    from typer.testing import CliRunner

    from service.cli import app

    result = CliRunner().invoke(app, ["hash-token", "my-secret-token"])
    assert result.exit_code == 0, result.output
    stored = result.output.split("hash:", 1)[1].strip()
    assert verify_token("my-secret-token", stored) and "my-secret-token" not in stored


def test_serve_refuses_production_placeholders(monkeypatch):
    from typer.testing import CliRunner

    from service.cli import app

    monkeypatch.setenv("TSUNAGU_ENVIRONMENT", "production")
    monkeypatch.setenv("TSUNAGU_ANALYST_TOKENS", "changeme")
    result = CliRunner().invoke(app, ["serve", "--port", "8999"])
    assert result.exit_code == 1

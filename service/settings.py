"""Service settings: every knob has a name, a default and help text; env prefix TSUNAGU_.

Tests build `Settings(...)` explicitly and pass it to `create_app(settings)`; only the server
start-up path (`load_settings`) reads the environment and the development token file.

Role tokens are stored hashed (see service.security.hash_token). Lists come from the environment
as comma-separated values: TSUNAGU_ANALYST_TOKENS="scrypt$...,scrypt$...".
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from catalog.db import DEFAULT_DATABASE_URL
from catalog.errors import InvalidMunicipality
from catalog.municipality import SHARED, municipality_code

HARD_MAX_CONCERN_CHARS = 10_000
"""The schema's own ceiling; `max_concern_chars` may only lower it."""

# Values people leave in example configs. Production refuses to start with any of them.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "change_me", "placeholder", "secret", "token", "dev", "test", "xxx", "todo"}
)

CommaList = Annotated[list[str], NoDecode]


class ConfigurationError(ValueError):
    """Settings that must not be used to start the service (e.g. placeholder secrets in production)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TSUNAGU_", extra="ignore", validate_default=True)

    environment: Literal["development", "production"] = Field(
        "development",
        description="development generates role tokens into dev_tokens_path on first start; "
        "production refuses to start with missing or placeholder secrets.",
    )
    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the catalog, referral and match-log database "
        "(sqlite:///path or postgresql+psycopg://...).",
    )
    counsellor_tokens: CommaList = Field(
        default_factory=list,
        description="Hashed bearer tokens of counsellors (output of `tsunagu hash-token`), comma-separated.",
    )
    analyst_tokens: CommaList = Field(
        default_factory=list,
        description="Hashed bearer tokens of analysts (output of `tsunagu hash-token`), comma-separated.",
    )
    dev_tokens_path: Path = Field(
        Path("var/dev-tokens.txt"),
        description="Development only: where generated plain tokens are written (mode 0600) when "
        "no tokens are configured.",
    )
    rate_limit_per_minute: int = Field(
        120,
        ge=0,
        description="Requests per minute per client IP on public endpoints (0 = off). Each worker "
        "process keeps its own window.",
    )
    max_body_bytes: int = Field(
        64 * 1024, ge=1024, description="Largest request body accepted, except catalog uploads."
    )
    max_upload_bytes: int = Field(
        20 * 1024 * 1024, ge=1024, description="Largest catalog file accepted by the upload endpoints."
    )
    max_concern_chars: int = Field(
        4_000,
        ge=1,
        le=HARD_MAX_CONCERN_CHARS,
        description=f"Longest concern text accepted by /api/v1/match (at most {HARD_MAX_CONCERN_CHARS}).",
    )
    cors_origins: CommaList = Field(
        default_factory=list,
        description="Origins allowed by CORS, comma-separated; empty turns CORS off.",
    )
    contacts_override_path: Path | None = Field(
        None,
        description="A local emergency-contacts file that replaces the shipped defaults "
        "(passed to the matcher's safety triage).",
    )
    log_match_requests: bool = Field(
        True,
        description="Keep a privacy-preserving record of each match (categories, confidence band, "
        "area, age band, time, content words without names or numbers; never the text).",
    )
    catalog_poll_seconds: float = Field(
        10.0,
        ge=0,
        description="How often each worker checks the database for a newly activated catalog "
        "version (0 = never; activation through the API swaps at once in that worker).",
    )
    log_level: str = Field("INFO", description="Level of tsunagu's own loggers (DEBUG, INFO, WARNING ...).")
    default_municipality: str = Field(
        SHARED,
        description="Municipality (6-digit 全国地方公共団体コード) of requests that name none (header "
        "X-Tsunagu-Municipality or path /m/{code}/...). 000000 is the one tenant of a single installation.",
    )
    shared_municipality: str = Field(
        SHARED,
        description="Tenant whose national and prefecture-wide resources (地区 全国 or a prefecture) are "
        "added to every municipality's matcher; empty = share nothing.",
    )
    municipalities: CommaList = Field(
        default_factory=list,
        description="Municipality codes served, comma-separated; empty = any valid code. The default "
        "and shared ones are always served.",
    )
    municipality_tokens: CommaList = Field(
        default_factory=list,
        description="Hashed tokens that act for one municipality only, as CODE:ROLE:HASH, comma-separated "
        "(ROLE counsellor or analyst). The global counsellor/analyst tokens act for the default municipality.",
    )
    max_loaded_municipalities: int = Field(
        8,
        ge=1,
        description="Matchers of how many municipalities each worker keeps in memory (least recently used "
        "ones are dropped and rebuilt on demand).",
    )

    @field_validator("counsellor_tokens", "analyst_tokens", "cors_origins", "municipalities",
                     "municipality_tokens", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("default_municipality", "municipalities")
    @classmethod
    def _municipality_codes(cls, value: str | list[str]) -> str | list[str]:
        try:
            if isinstance(value, list):
                return [municipality_code(v) for v in value]
            return municipality_code(value)
        except InvalidMunicipality as exc:
            raise ValueError(f"not a 全国地方公共団体コード (6 digits with check digit): {exc}") from None

    @field_validator("shared_municipality")
    @classmethod
    def _shared_code(cls, value: str) -> str:
        return value.strip() and cls._municipality_codes(value)

    @field_validator("municipality_tokens")
    @classmethod
    def _scoped_tokens(cls, values: list[str]) -> list[str]:
        for value in values:
            code, _, rest = value.partition(":")
            role, _, _hash = rest.partition(":")
            if role not in ("counsellor", "analyst") or not _hash:
                raise ValueError("municipality tokens look like CODE:ROLE:HASH (ROLE counsellor or analyst)")
            cls._municipality_codes(code)
        return values

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> "Settings":
        if self.environment != "production":
            return self
        from service.security import is_token_hash

        for name in ("counsellor_tokens", "analyst_tokens"):
            values = getattr(self, name)
            if not values:
                raise ConfigurationError(
                    f"TSUNAGU_{name.upper()} is empty: production needs hashed tokens "
                    "(create them with `tsunagu hash-token`)."
                )
            for value in values:
                if value.strip().lower() in PLACEHOLDER_SECRETS or not is_token_hash(value):
                    raise ConfigurationError(
                        f"TSUNAGU_{name.upper()} holds a placeholder or a plain token: production "
                        "needs hashes from `tsunagu hash-token`."
                    )
        for value in self.municipality_tokens:
            if not is_token_hash(value.split(":", 2)[2]):
                raise ConfigurationError(
                    "TSUNAGU_MUNICIPALITY_TOKENS holds a plain token: production needs CODE:ROLE:HASH "
                    "with hashes from `tsunagu hash-token`."
                )
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"


def load_settings() -> Settings:
    """Settings for a real server: the environment, plus development tokens when none are set."""
    from service.security import with_dev_tokens

    settings = Settings()
    if settings.is_development:
        settings = with_dev_tokens(settings)
    return settings


def _default_text(name: str) -> str:
    field = Settings.model_fields[name]
    value = field.get_default(call_default_factory=True)
    if isinstance(value, list):
        return "(empty)" if not value else ",".join(value)
    if value is None:
        return "(none)"
    return str(value)


def settings_table() -> str:
    """The Markdown table of every setting (README.md holds a copy; a test keeps them equal)."""
    lines = ["| Environment variable | Default | Meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        help_text = (field.description or "").replace("|", "\\|")
        lines.append(f"| `TSUNAGU_{name.upper()}` | `{_default_text(name)}` | {help_text} |")
    return "\n".join(lines)

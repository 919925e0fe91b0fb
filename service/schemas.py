"""Request and response bodies, named by direction (…Request in, …Public / …Response out)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from catalog.model import Resource
from catalog.records import MEMO_MAX_CHARS
from service.settings import HARD_MAX_CONCERN_CHARS

MAX_AGE_MONTHS = 264
LANGUAGE_PATTERN = r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$"

# Control characters other than tab and newlines; lone surrogates; non-characters.
_BAD_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_PHONE_RE = re.compile(r"\d{2,4}[-‐ー－ ]?\d{2,4}[-‐ー－ ]?\d{3,4}")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _clean_text(value: str, *, field: str) -> str:
    """Refuse control characters, lone surrogates and blank text; `field` is the Japanese label."""
    if _BAD_CHARS_RE.search(value):
        raise PydanticCustomError(
            "tsunagu_control_chars", "control characters are not accepted",
            {"ja": f"{field}に制御文字などの使えない文字が含まれています。取り除いて送り直してください。",
             "en": "The text contains control or invalid characters; remove them and try again."},
        )
    if not unicodedata.normalize("NFKC", value).strip():
        raise PydanticCustomError(
            "tsunagu_blank", "blank text",
            {"ja": f"{field}が空です。1文字以上入力してください。",
             "en": "The text is blank; please write at least one character."},
        )
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- match ---------------------------------------------------------------------------------


class MatchRequest(Strict):
    """A family's concern in their own words, with optional facts that sharpen the match."""

    text: str = Field(..., min_length=1, max_length=HARD_MAX_CONCERN_CHARS,
                      description="The concern as typed (never logged).",
                      examples=["夜中だけど親を病院に連れて行くので、子どもをあずかってほしい"])
    child_age_months: int | None = Field(None, ge=0, le=MAX_AGE_MONTHS, description="Child's age in months (0–264).")
    pregnant: bool | None = Field(None, description="Whether the parent is pregnant.")
    area: str | None = Field(None, min_length=1, max_length=100,
                             description="Area (地区) as the catalog names it; see the 422 message for the list.")
    needed_at: datetime | None = Field(None, description="When help is needed, ISO 8601 (JST assumed without offset).")
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN, description="Preferred language code (ja, en, zh, pt-BR ...).")
    top: int = Field(10, ge=1, le=50, description="How many results.")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _clean_text(value, field="相談内容")

    @field_validator("area")
    @classmethod
    def _area(cls, value: str | None) -> str | None:
        return None if value is None else _clean_text(value, field="地区").strip()


class ConditionPublic(BaseModel):
    kind: str
    fit: Literal["fits", "fails", "unknown"]
    label: str


class CategoryRef(BaseModel):
    code: str
    name: str


class ResourcePublic(BaseModel):
    id: str
    name: str
    category: str
    secondary_categories: list[str] = []
    name_kana: str | None = None
    description: str | None = None
    example_concerns: list[str] = []
    keywords: list[str] = []
    age_min_months: int | None = None
    age_max_months: int | None = None
    pregnant_ok: bool | None = None
    eligibility_note: str | None = None
    service_areas: list[str] = []
    municipality_code: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None
    url: str | None = None
    opening_hours: str | None = None
    night: bool | None = None
    holiday: bool | None = None
    overnight: bool | None = None
    fee: str | None = None
    free: bool | None = None
    reservation: bool | None = None
    languages: list[str] = []
    provider: str | None = None
    verified_on: date | None = None
    extra: dict[str, str] = {}

    @classmethod
    def of(cls, r: Resource) -> "ResourcePublic":
        return cls.model_validate(r.to_dict())


class RankedResourcePublic(BaseModel):
    resource: ResourcePublic
    category: CategoryRef
    score: float
    reasons: list[str]
    conditions: list[ConditionPublic]
    fits: bool = Field(description="False when a condition (age, area, time ...) is known not to fit.")


class NeedPublic(BaseModel):
    code: str
    name: str
    probability: float


class SafetyBlock(BaseModel):
    model_config = ConfigDict(extra="allow")

    level: Literal["none", "concern", "urgent"]
    contacts: list[dict[str, Any]] = []
    kinds: list[str] = []
    reasons: list[str] = []
    message: str | None = None


class MatchResponse(BaseModel):
    query_id: str = Field(description="Refer to this match in a referral (POST /api/v1/referrals).")
    catalog_version: int | str
    safety: SafetyBlock
    results: list[RankedResourcePublic]
    confidence: float = Field(ge=0, le=1)
    confidence_band: Literal["low", "mid", "high"]
    needs: list[NeedPublic]
    hints: list[str] = Field(description="Clarifying questions (Japanese) that would sharpen the match.")


# ---- browse --------------------------------------------------------------------------------


class ResourcePage(BaseModel):
    catalog_version: int | str
    total: int
    page: int
    per_page: int
    items: list[ResourcePublic]


class CategoryPublic(BaseModel):
    code: str
    name: str
    group: str
    description: str
    resource_count: int


# ---- referrals -----------------------------------------------------------------------------


class ReferralCreate(Strict):
    """Which suggestion a counsellor used. No names: only ids and a short optional memo."""

    resource_id: str = Field(..., min_length=1, max_length=200)
    query_id: str | None = Field(None, max_length=64, description="query_id of the match the suggestion came from.")
    memo: str | None = Field(None, max_length=MEMO_MAX_CHARS,
                             description=f"At most {MEMO_MAX_CHARS} characters; no names or contact details.")

    @field_validator("memo")
    @classmethod
    def _memo(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if _BAD_CHARS_RE.search(value):
            raise PydanticCustomError("tsunagu_control_chars", "control characters are not accepted",
                                      {"ja": "メモに制御文字などの使えない文字が含まれています。",
                                       "en": "The memo contains control or invalid characters."})
        normalized = unicodedata.normalize("NFKC", value)
        if _PHONE_RE.search(normalized) or _EMAIL_RE.search(normalized):
            raise PydanticCustomError("tsunagu_personal_data", "memo holds contact details",
                                      {"ja": "メモに電話番号やメールアドレスを書かないでください（個人情報は記録しません）。",
                                       "en": "Do not put phone numbers or e-mail addresses in the memo (no personal data is kept)."})
        return value.strip()


class ReferralOutcomeUpdate(Strict):
    outcome: Literal["connected", "not_used", "unknown"] = Field(
        description="connected = つながった, not_used = 利用に至らず, unknown = 不明")


class ReferralPublic(BaseModel):
    id: int
    created_at: datetime
    resource_id: str
    resource_name: str | None
    category: str | None
    catalog_version: int | str | None
    query_id: str | None
    memo: str | None
    outcome: Literal["connected", "not_used", "unknown"] | None
    outcome_label: str | None
    outcome_at: datetime | None


class ReferralList(BaseModel):
    total: int
    items: list[ReferralPublic]


# ---- catalog management --------------------------------------------------------------------


class VersionPublic(BaseModel):
    id: int | str
    created_at: datetime | None
    source: str | None
    format: str | None
    resource_count: int
    note: str | None
    active: bool


class ImportResponse(BaseModel):
    version: VersionPublic | None
    report: dict[str, Any]


class ValidationResponse(BaseModel):
    ok: bool
    format: str | None
    resource_count: int
    report: dict[str, Any]


class VersionDiffPublic(BaseModel):
    old: int | str
    new: int | str
    added: list[str]
    removed: list[str]
    changed: list[dict[str, Any]]


class ActivationResponse(BaseModel):
    active: VersionPublic
    previous: int | str | None


# ---- health --------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    catalog_version: int | str
    resources: int
    municipality: str | None = None


class ErrorInfo(BaseModel):
    code: str
    message_ja: str
    message_en: str
    details: list[Any] = []


class ErrorBody(BaseModel):
    """Every error of the API has this shape."""

    error: ErrorInfo

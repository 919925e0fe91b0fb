"""Emergency and help contacts pinned above the results when a concern raises a safety level.

Which contacts a kind and level shows, and what the page says to do now, is data
(data/safety_routes.tsv). The catalog's own entries of the emergency categories
(child_guidance_center, dv_support, mental_health_line, pediatric_emergency) come first; the
national numbers (data/national_contacts.tsv, overridable by an analyst's TSV) are always there
as the fallback, so an urgent concern never depends on the catalog being complete.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources as package_files
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from catalog.model import Resource
from matcher.safety import KIND_LABELS, LEVEL_LABELS, SafetyAssessment, kind_levels

# Contact kinds that are also taxonomy categories: catalog entries of these categories are contacts.
EMERGENCY_CATEGORIES = ("child_guidance_center", "dv_support", "mental_health_line", "pediatric_emergency")
CATALOG_PER_KIND = 2  # local entries shown per contact kind, before the national line
MAX_CONTACTS = 8
CONTACT_COLUMNS = ("id", "kind", "name", "phone", "what_to_do", "hours", "url")


class Contact(NamedTuple):
    name: str
    phone: str
    kind: str  # contact kind: ambulance, police, child_guidance_center, dv_support, ...
    what_to_do: str  # plain Japanese: what to do now
    url: str | None = None
    resource_id: str | None = None  # set when the contact is a catalog entry
    hours: str | None = None


class Route(NamedTuple):
    kind: str
    level: str
    contacts: tuple[str, ...]  # contact kinds, most urgent first
    message: str
    message_en: str


def _read_tsv(text: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(lines, delimiter="\t")]


def _package_tsv(name: str) -> list[dict[str, str]]:
    return _read_tsv(package_files.files("matcher").joinpath("data", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def routes() -> dict[tuple[str, str], Route]:
    out = {}
    for row in _package_tsv("safety_routes.tsv"):
        kinds = tuple(k.strip() for k in row["contacts"].split(",") if k.strip())
        out[(row["kind"], row["level"])] = Route(row["kind"], row["level"], kinds, row["message"], row["message_en"])
    return out


def _contact_rows(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        missing = [c for c in ("id", "kind", "name", "phone", "what_to_do") if c not in row]
        if missing:
            raise ValueError(f"contacts file: missing column(s) {', '.join(missing)}")
        out[row["id"]] = row
    return out


@lru_cache(maxsize=8)
def _national(overrides_path: str | None, mtime: float | None) -> tuple[Contact, ...]:
    rows = _contact_rows(_package_tsv("national_contacts.tsv"))
    if overrides_path is not None:
        rows.update(_contact_rows(_read_tsv(Path(overrides_path).read_text(encoding="utf-8"))))
    return tuple(
        Contact(r["name"], r["phone"], r["kind"], r["what_to_do"], r.get("url") or None, None, r.get("hours") or None)
        for r in rows.values()
        if r["phone"] and r["phone"] != "-"
    )


def national_contacts(overrides_path: Path | None = None) -> tuple[Contact, ...]:
    """The built-in national lines, with an analyst's overrides applied (same id replaces,
    phone "-" removes, new ids are added)."""
    if overrides_path is None:
        return _national(None, None)
    path = Path(overrides_path)
    return _national(str(path), path.stat().st_mtime)


def _phone_key(phone: str) -> str:
    return re.sub(r"[^0-9#]", "", phone)


def _catalog_contacts(kind: str, resources: list[Resource], fallback: Contact | None) -> list[Contact]:
    if kind not in EMERGENCY_CATEGORIES:
        return []
    out = []
    for r in resources:
        if kind in r.categories and r.phone:
            what = fallback.what_to_do if fallback else KIND_LABELS.get(kind, "")
            out.append(Contact(r.name, r.phone, kind, what, r.url, r.id, r.opening_hours))
            if len(out) == CATALOG_PER_KIND:
                break
    return out


def emergency_contact_resources(resources: Iterable[Resource]) -> list[Resource]:
    """The only catalog entries `contacts_for` can ever pin: per emergency category, the first
    CATALOG_PER_KIND with a phone, in catalog order. Chosen once per catalog, so a 100k catalog
    is not filtered again on every alarming concern."""
    taken: dict[str, int] = {}
    out = []
    for r in resources:
        if not r.phone:
            continue
        kinds = [k for k in r.categories if k in EMERGENCY_CATEGORIES and taken.get(k, 0) < CATALOG_PER_KIND]
        if kinds:
            out.append(r)
            for k in kinds:
                taken[k] = taken.get(k, 0) + 1
        if len(taken) == len(EMERGENCY_CATEGORIES) and all(n >= CATALOG_PER_KIND for n in taken.values()):
            break
    return out


def contacts_for(
    assessment: SafetyAssessment,
    resources: Iterable[Resource] = (),
    overrides_path: Path | None = None,
) -> list[Contact]:
    """Contacts to pin above the results, most urgent first (119 first for a medical emergency,
    110 first for violence happening now). Empty when the level is "none"."""
    if assessment.level == "none":
        return []
    contact_kinds: list[str] = []
    for kind, level in kind_levels(assessment).items():
        route = routes().get((kind, level))
        for ck in route.contacts if route else ():
            if ck not in contact_kinds:
                contact_kinds.append(ck)
    national = national_contacts(overrides_path)
    emergency = [r for r in resources if set(r.categories) & set(EMERGENCY_CATEGORIES)]
    out: list[Contact] = []
    seen: set[str] = set()
    for ck in contact_kinds:
        lines = [c for c in national if c.kind == ck]
        for c in (*_catalog_contacts(ck, emergency, lines[0] if lines else None), *lines):
            key = _phone_key(c.phone)
            if key not in seen:
                seen.add(key)
                out.append(c)
    return out[:MAX_CONTACTS]


def safety_block(assessment: SafetyAssessment, contacts: Iterable[Contact]) -> dict[str, Any]:
    """The batch/API `safety` object: level and contacts (the contract), plus kinds, reasons and
    what to do now in plain Japanese (and English)."""
    levels = kind_levels(assessment)
    route = next((routes().get((k, lv)) for k, lv in levels.items() if (k, lv) in routes()), None)
    return {
        "level": assessment.level,
        "level_label": LEVEL_LABELS[assessment.level],
        "contacts": [c._asdict() for c in contacts],
        "kinds": list(assessment.kinds),
        "kind_labels": [KIND_LABELS.get(k, k) for k in assessment.kinds],
        "reasons": list(assessment.reasons),
        "message": route.message if route else "",
        "message_en": route.message_en if route else "",
    }

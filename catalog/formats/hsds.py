"""Open Referral HSDS 3.0 as one JSON document, both ways, without losing a field we hold.

Export (`to_document` / `dumps`): one document with the HSDS tables as top-level lists —
organizations, services, locations, addresses, service_at_locations, schedules, phones, languages,
service_areas, taxonomy_terms, attributes. Ids are UUIDv5 of our ids (stable across exports).
Each resource is one service:

| Resource | HSDS |
|---|---|
| name, name_kana, description, url | service.name, alternate_name, description, url |
| eligibility_note, fee, verified_on | service.eligibility_description, fees_description, assured_date |
| age_min/max_months | service.minimum_age / maximum_age in years (exact months in x-tsunagu) |
| category, secondary_categories | attributes → taxonomy_terms (code = our code, parent = group) |
| provider | organization.name |
| address, lat, lon | location (+ address.address_1), service_at_location |
| phone, languages, service_areas | phones, languages, service_areas (in order) |
| opening_hours | schedule.description keeps the OpenStreetMap string; simple weekly hours also fill freq / byday / opens_at / closes_at |
| everything else (こんなときに, キーワード, 妊婦・夜間・休日・宿泊・無料・予約, municipality code, extra) | service["x-tsunagu"] |

Import (`read`, registered as the "hsds" reader; the JSON reader hands HSDS documents over) takes
our own export back exactly, and reads other HSDS data as far as it maps: categories from
taxonomy term codes or names our taxonomy knows, ages from years, hours from the schedule.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from typing import Any

from catalog import values
from catalog.hours import validate_hours
from catalog.importer import ReadContext, register_format
from catalog.model import Resource
from catalog.taxonomy import Taxonomy, load_taxonomy
from catalog.validation import DuplicateChecker, ValidationReport, validate_resource

FORMAT_NAME = "hsds"
EXTENSION = "x-tsunagu"
TAXONOMY_NAME = "tsunagu (利用者支援事業の分類 / categories of child-rearing support)"
# A fixed namespace: the same resource id gives the same HSDS ids in every export.
_NAMESPACE = uuid.UUID("5f0c2f4e-8a0c-5d7e-9a57-7473756e6167")
_TABLES = ("organizations", "services", "locations", "addresses", "service_at_locations", "schedules", "phones",
           "languages", "service_areas", "taxonomy_terms", "attributes")
# Fields kept in the extension object (HSDS has no place for them), in this order.
_EXTENSION_FIELDS = ("example_concerns", "keywords", "age_min_months", "age_max_months", "pregnant_ok",
                     "municipality_code", "night", "holiday", "overnight", "free", "reservation")
_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_SIMPLE_HOURS_RE = re.compile(
    r"^(?P<days>(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
    r"(?:,(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*)"
    r" (?P<opens>\d\d:\d\d)-(?P<closes>\d\d:\d\d)(?:; PH off)?$"
)
_JST_OFFSET = "+09:00"


def hsds_id(kind: str, key: str) -> str:
    """A stable UUID for an HSDS object derived from our id."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


# ---- export ----------------------------------------------------------------------------------


def _weekly_rule(hours: str) -> dict[str, Any]:
    """freq/byday/opens_at/closes_at for 'Mo-Fr 08:30-17:15[; PH off]'; {} for anything richer."""
    m = _SIMPLE_HOURS_RE.match(hours.strip())
    if m is None:
        return {}
    days: list[str] = []
    for part in m.group("days").split(","):
        first, _, last = part.partition("-")
        i, j = _OSM_DAYS.index(first), _OSM_DAYS.index(last or first)
        span = range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)]
        days += [_OSM_DAYS[k].upper() for k in span]
    return {"freq": "WEEKLY", "byday": ",".join(dict.fromkeys(days)),
            "opens_at": m.group("opens") + _JST_OFFSET, "closes_at": m.group("closes") + _JST_OFFSET}


def to_document(resources: list[Resource], taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The HSDS 3.0 document of `resources` (plain JSON-ready dicts)."""
    taxonomy = taxonomy or load_taxonomy()
    doc: dict[str, Any] = {EXTENSION: {"format": "tsunagu-hsds", "version": 1, "hsds_version": "3.0"}}
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in _TABLES}
    organizations: dict[str, str] = {}
    used_codes: list[str] = []

    for r in resources:
        sid = hsds_id("service", r.id)
        service: dict[str, Any] = {"id": sid, "name": r.name, "status": "active"}
        if r.provider:
            if r.provider not in organizations:
                organizations[r.provider] = hsds_id("organization", r.provider)
                tables["organizations"].append({"id": organizations[r.provider], "name": r.provider,
                                                "description": r.provider})
            service["organization_id"] = organizations[r.provider]
        optional = {"alternate_name": r.name_kana, "description": r.description, "url": r.url,
                    "eligibility_description": r.eligibility_note, "fees_description": r.fee,
                    "assured_date": r.verified_on.isoformat() if r.verified_on else None,
                    "minimum_age": None if r.age_min_months is None else round(r.age_min_months / 12, 4),
                    "maximum_age": None if r.age_max_months is None else round(r.age_max_months / 12, 4)}
        service.update({k: v for k, v in optional.items() if v is not None})
        extension: dict[str, Any] = {"id": r.id}
        for name in _EXTENSION_FIELDS:
            value = getattr(r, name)
            if value is not None and value != ():
                extension[name] = list(value) if isinstance(value, tuple) else value
        if r.extra:
            extension["extra"] = dict(r.extra)
        service[EXTENSION] = extension
        tables["services"].append(service)

        for position, code in enumerate(r.categories):
            used_codes.append(code)
            tables["attributes"].append({
                "id": hsds_id("attribute", f"{r.id}:{position}"), "link_id": sid, "link_entity": "service",
                "link_type": "category" if position == 0 else "secondary_category",
                "taxonomy_term_id": hsds_id("taxonomy_term", code), "value": code, "label": str(position)})
        if r.address or r.lat is not None or r.lon is not None:
            lid = hsds_id("location", r.id)
            location: dict[str, Any] = {"id": lid, "location_type": "physical", "name": r.name}
            if r.lat is not None:
                location["latitude"] = r.lat
            if r.lon is not None:
                location["longitude"] = r.lon
            if "organization_id" in service:
                location["organization_id"] = service["organization_id"]
            tables["locations"].append(location)
            if r.address:
                tables["addresses"].append({"id": hsds_id("address", r.id), "location_id": lid,
                                            "address_1": r.address, "country": "JP", "address_type": "physical"})
            tables["service_at_locations"].append({"id": hsds_id("service_at_location", r.id),
                                                   "service_id": sid, "location_id": lid})
        if r.opening_hours:
            tables["schedules"].append({"id": hsds_id("schedule", r.id), "service_id": sid,
                                        "description": r.opening_hours, "timezone": 9,
                                        "notes": "opening_hours (OpenStreetMap syntax)", **_weekly_rule(r.opening_hours)})
        if r.phone:
            tables["phones"].append({"id": hsds_id("phone", r.id), "service_id": sid, "number": r.phone,
                                     "type": "voice"})
        for i, code in enumerate(r.languages):
            tables["languages"].append({"id": hsds_id("language", f"{r.id}:{i}"), "service_id": sid, "code": code})
        for i, area in enumerate(r.service_areas):
            tables["service_areas"].append({"id": hsds_id("service_area", f"{r.id}:{i}"), "service_id": sid,
                                            "name": area, "extent_type": "text"})

    codes = [c for c in taxonomy.codes if c in set(used_codes)]
    codes += [c for c in dict.fromkeys(used_codes) if c not in taxonomy]  # unknown codes, kept as given
    groups: dict[str, str] = {}
    for code in codes:
        category = taxonomy.by_code.get(code)
        term: dict[str, Any] = {"id": hsds_id("taxonomy_term", code), "code": code, "taxonomy": TAXONOMY_NAME,
                                "language": "ja", "name": category.name if category else code,
                                "description": category.description if category else code}
        if category is not None:
            if category.group not in groups:
                groups[category.group] = hsds_id("taxonomy_group", category.group)
                tables["taxonomy_terms"].append({"id": groups[category.group], "code": f"group:{category.group}",
                                                 "name": category.group, "description": category.group,
                                                 "taxonomy": TAXONOMY_NAME, "language": "ja"})
            term["parent_id"] = groups[category.group]
        tables["taxonomy_terms"].append(term)
    doc.update(tables)
    return doc


def dumps(resources: list[Resource], taxonomy: Taxonomy | None = None) -> str:
    return json.dumps(to_document(resources, taxonomy), ensure_ascii=False, indent=2)


# ---- import ----------------------------------------------------------------------------------


def _by(rows: Any, key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and row.get(key) is not None:
            out[str(row[key])].append(row)
    return out


def _hours_from_schedule(schedule: dict[str, Any]) -> str | None:
    """The OpenStreetMap string we wrote, or one composed from byday/opens_at/closes_at."""
    text = schedule.get("description")
    if isinstance(text, str) and text.strip() and validate_hours(text.strip()) is None:
        return text.strip()
    byday, opens, closes = schedule.get("byday"), schedule.get("opens_at"), schedule.get("closes_at")
    if not (isinstance(byday, str) and isinstance(opens, str) and isinstance(closes, str)):
        return None
    days = [d.strip()[-2:].title() for d in byday.split(",") if d.strip()[-2:].title() in _OSM_DAYS]
    composed = f"{','.join(days)} {opens[:5]}-{closes[:5]}"
    return composed if days and validate_hours(composed) is None else None


def _age_months(extension: dict[str, Any], key: str, years: Any) -> int | None:
    if isinstance(extension.get(key), int):
        return extension[key]
    if isinstance(years, (int, float)) and not isinstance(years, bool) and years >= 0:
        return round(years * 12)
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def document_to_resources(document: dict[str, Any], report: ValidationReport, taxonomy: Taxonomy) -> list[Resource]:
    services = document.get("services")
    if not isinstance(services, list) or not services:
        report.error("no_rows", "HSDS の services が1件もありません", "the HSDS document has no services")
        return []
    organizations = {str(o.get("id")): o for o in document.get("organizations") or [] if isinstance(o, dict)}
    terms = {str(t.get("id")): t for t in document.get("taxonomy_terms") or [] if isinstance(t, dict)}
    locations = {str(loc.get("id")): loc for loc in document.get("locations") or [] if isinstance(loc, dict)}
    addresses = _by(document.get("addresses"), "location_id")
    for loc in locations.values():  # HSDS also allows addresses nested in the location
        for nested in loc.get("addresses") or []:
            if isinstance(nested, dict):
                addresses[str(loc.get("id"))].append(nested)
    at_locations = _by(document.get("service_at_locations") or document.get("service_at_location"), "service_id")
    schedules = _by(document.get("schedules"), "service_id")
    phones = _by(document.get("phones"), "service_id")
    languages = _by(document.get("languages"), "service_id")
    areas = _by(document.get("service_areas"), "service_id")
    attributes = _by(document.get("attributes"), "link_id")

    duplicates = DuplicateChecker()
    resources: list[Resource] = []
    for row, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            report.error("bad_json", f"services[{row - 1}] がオブジェクトではありません",
                         f"services[{row - 1}] is not an object", row=row)
            continue
        sid = str(service.get("id") or "")
        ext = service.get(EXTENSION) if isinstance(service.get(EXTENSION), dict) else {}
        codes: list[str] = []
        linked = sorted(attributes.get(sid, []), key=lambda a: (a.get("link_type") != "category",
                                                                int(a["label"]) if str(a.get("label", "")).isdigit() else 99))
        for attribute in linked:
            term = terms.get(str(attribute.get("taxonomy_term_id")), {})
            for candidate in (term.get("code"), term.get("name"), attribute.get("value")):
                found = taxonomy.resolve(candidate) if isinstance(candidate, str) and candidate else None
                if found is not None:
                    codes.append(found.code)
                    break
            else:
                if attribute.get("link_type") == "category" and isinstance(term.get("code") or attribute.get("value"), str):
                    codes.append(term.get("code") or attribute.get("value"))  # unknown: validation says so
        codes = list(dict.fromkeys(codes))
        location = next((locations.get(str(s.get("location_id"))) for s in at_locations.get(sid, [])
                         if str(s.get("location_id")) in locations), None) or {}
        address = next(iter(addresses.get(str(location.get("id")), [])), {})
        schedule = next(iter(schedules.get(sid, [])), None)
        organization = organizations.get(str(service.get("organization_id")), {})
        verified = None
        if _text(service.get("assured_date")):
            try:
                verified = values.parse_date(service["assured_date"][:10])
            except values.ValueParseError as exc:
                report.warn("bad_value", exc.message_ja, exc.message_en, row=row, column="assured_date")
        lat, lon = location.get("latitude"), location.get("longitude")
        try:
            resource = Resource(
                id=str(ext.get("id") or sid),
                name=_text(service.get("name")) or "",
                category=codes[0] if codes else "",
                secondary_categories=tuple(codes[1:]),
                name_kana=_text(service.get("alternate_name")),
                description=_text(service.get("description")),
                example_concerns=tuple(ext.get("example_concerns") or ()),
                keywords=tuple(ext.get("keywords") or ()),
                age_min_months=_age_months(ext, "age_min_months", service.get("minimum_age")),
                age_max_months=_age_months(ext, "age_max_months", service.get("maximum_age")),
                pregnant_ok=ext.get("pregnant_ok"),
                eligibility_note=_text(service.get("eligibility_description")),
                service_areas=tuple(a["name"] for a in areas.get(sid, []) if _text(a.get("name"))),
                municipality_code=ext.get("municipality_code"),
                address=_text(address.get("address_1")),
                lat=float(lat) if isinstance(lat, (int, float)) and not isinstance(lat, bool) else None,
                lon=float(lon) if isinstance(lon, (int, float)) and not isinstance(lon, bool) else None,
                phone=next((p["number"] for p in phones.get(sid, []) if _text(p.get("number"))), None),
                url=_text(service.get("url")),
                opening_hours=_hours_from_schedule(schedule) if schedule else None,
                night=ext.get("night"),
                holiday=ext.get("holiday"),
                overnight=ext.get("overnight"),
                fee=_text(service.get("fees_description")),
                free=ext.get("free"),
                reservation=ext.get("reservation"),
                languages=tuple(str(lang["code"]) for lang in languages.get(sid, []) if _text(lang.get("code"))),
                provider=_text(organization.get("name")),
                verified_on=verified,
                extra={str(k): str(v) for k, v in (ext.get("extra") or {}).items()},
            )
        except (TypeError, ValueError) as exc:
            report.error("bad_value", f"services[{row - 1}] を読めません", f"services[{row - 1}] is malformed: {exc}",
                         row=row)
            continue
        validate_resource(report, resource, row, taxonomy)
        duplicates.check(report, resource.id, row, "id")
        resources.append(resource)
    return resources


def read(data: bytes, report: ValidationReport, ctx: ReadContext) -> tuple[list[Resource], str]:
    """The registered reader: bytes of an HSDS JSON document → resources."""
    from catalog.formats import json_format

    document = json_format.parse_document(data, report)
    if document is None:
        return [], FORMAT_NAME
    if not json_format.looks_like_hsds(document):
        report.error("bad_json", "HSDS の文書ではありません（services がありません）",
                     "not an HSDS document (no services)")
        return [], FORMAT_NAME
    return document_to_resources(document, report, ctx.taxonomy), FORMAT_NAME


def _never(_data: bytes, _filename: str | None) -> bool:
    # HSDS is JSON: the JSON reader parses the document once and hands HSDS over to `read`.
    return False


register_format(FORMAT_NAME, _never, read, before="json")

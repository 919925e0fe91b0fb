"""tsunagu catalog: the domain model, formats, validation and storage of local resources."""

from catalog.conditions import Condition, Fit, age_fits, area_fits, pregnancy_fits, time_fits
from catalog.errors import CatalogError, ImportFailed, UnknownCategory
from catalog.model import Resource
from catalog.taxonomy import Category, Taxonomy, load_taxonomy

# Import, storage and export pull in SQLAlchemy and openpyxl; they load on first use so that
# `import catalog` stays light for the matcher.
_LAZY = {
    "read_catalog": "catalog.importer",
    "ImportResult": "catalog.importer",
    "register_format": "catalog.importer",
    "CatalogStore": "catalog.store",
    "VersionInfo": "catalog.store",
    "VersionDiff": "catalog.store",
    "ValidationReport": "catalog.validation",
    "Issue": "catalog.validation",
    "export_csv": "catalog.export",
    "export_json": "catalog.export",
    "export_hsds": "catalog.export",
    # Analyst tools (duplicates, quality report, unmet needs from the match log).
    "find_duplicates": "catalog.duplicates",
    "DuplicatePair": "catalog.duplicates",
    "quality_report": "catalog.quality",
    "QualityReport": "catalog.quality",
    "coverage": "catalog.quality",
    "unmet_needs": "catalog.unmet",
    "UnmetNeedsReport": "catalog.unmet",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'catalog' has no attribute {name!r}")


__all__ = [
    "CatalogError",
    "CatalogStore",
    "Category",
    "Condition",
    "Fit",
    "ImportFailed",
    "ImportResult",
    "Issue",
    "Resource",
    "Taxonomy",
    "UnknownCategory",
    "ValidationReport",
    "VersionDiff",
    "VersionInfo",
    "age_fits",
    "area_fits",
    "export_csv",
    "export_hsds",
    "export_json",
    "find_duplicates",
    "DuplicatePair",
    "quality_report",
    "QualityReport",
    "coverage",
    "unmet_needs",
    "UnmetNeedsReport",
    "load_taxonomy",
    "pregnancy_fits",
    "read_catalog",
    "register_format",
    "time_fits",
]

"""tsunagu catalog: the domain model, formats, validation and storage of local resources."""

from catalog.conditions import Condition, Fit, age_fits, area_fits, pregnancy_fits, time_fits
from catalog.errors import CatalogError, ImportFailed, UnknownCategory
from catalog.model import Resource
from catalog.taxonomy import Category, Taxonomy, load_taxonomy

__all__ = [
    "CatalogError",
    "Category",
    "Condition",
    "Fit",
    "ImportFailed",
    "Resource",
    "Taxonomy",
    "UnknownCategory",
    "age_fits",
    "area_fits",
    "load_taxonomy",
    "pregnancy_fits",
    "time_fits",
]

"""Domain errors of the catalog. They know nothing of HTTP."""


class CatalogError(Exception):
    """Base class for catalog errors."""


class UnknownCategory(CatalogError, KeyError):
    """A category code that is not in the taxonomy."""


class ImportFailed(CatalogError):
    """A catalog file had errors; nothing was stored."""

    def __init__(self, report):
        self.report = report
        super().__init__(f"import failed with {len(report.errors)} error(s)")


class UnsupportedFormat(CatalogError):
    """A file whose format the importer cannot recognise."""


class VersionNotFound(CatalogError):
    """A catalog version that does not exist."""


class ResourceNotFound(CatalogError, KeyError):
    """A resource id that is not in the catalog version."""


class NoActiveVersion(CatalogError):
    """The store holds no active catalog version yet."""


class InvalidMunicipality(CatalogError, ValueError):
    """Not a 6-digit 全国地方公共団体コード with a correct check digit."""

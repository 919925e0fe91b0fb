"""The 38 service categories: stable codes shipped with the package as data."""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from catalog.errors import UnknownCategory


class Category(NamedTuple):
    code: str
    name: str
    group: str
    basis: str
    description: str

    @property
    def short_name(self) -> str:
        """The name without the parenthesised detail: 一時預かり事業（一時保育） → 一時預かり事業."""
        return self.name.split("（", 1)[0]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


class Taxonomy:
    """Categories by code, with lookup by code, full name or short name."""

    def __init__(self, categories: list[Category]):
        self.categories = list(categories)
        self.by_code = {c.code: c for c in self.categories}
        self._by_name: dict[str, Category] = {}
        for c in self.categories:
            for key in (c.code, c.name, c.short_name):
                self._by_name.setdefault(_fold(key), c)

    def __iter__(self):
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.categories]

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(c.group for c in self.categories))

    def get(self, code: str) -> Category:
        try:
            return self.by_code[code]
        except KeyError:
            raise UnknownCategory(code) from None

    def resolve(self, value: str) -> Category | None:
        """A category from a code or a (short) name as people type it in a spreadsheet."""
        return self._by_name.get(_fold(value))


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The taxonomy that ships with the package (a copy of shared/taxonomy.csv)."""
    text = resources.files("catalog").joinpath("data/taxonomy.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return Taxonomy([Category(r["code"], r["name"], r["group"], r["basis"], r["description"]) for r in rows])

"""Matcher settings: field weights, scorer and mixing weights, read from a TOML data file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class MatcherSettings:
    field_weights: dict[str, float] = field(default_factory=dict)
    scorer: str = "bm25"
    k1: float = 1.2
    b: float = 0.75
    need_weight: float = 0.7
    lexical_weight: float = 0.3
    secondary_category_factor: float = 0.85
    unknown_condition_factor: float = 0.97
    diversity_decay: float = 0.5
    diversity_min_share: float = 0.4
    min_need: float = 0.08
    model_C: float = 8.0
    model_kind: str = "svm"
    model_temperature: float = 0.3
    model_scale: float = 2.0
    cue_weight: float = 0.5
    source: str = "default"

    @classmethod
    def default(cls) -> "MatcherSettings":
        text = resources.files("matcher").joinpath("data/default_settings.toml").read_text(encoding="utf-8")
        return cls.from_toml(tomllib.loads(text), source="default")

    @classmethod
    def load(cls, path: str | Path) -> "MatcherSettings":
        """Defaults overridden by the keys present in `path`."""
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return cls.default().merged(data, source=str(path))

    @classmethod
    def from_toml(cls, data: dict[str, Any], source: str) -> "MatcherSettings":
        return cls().merged(data, source=source)

    def merged(self, data: dict[str, Any], source: str) -> "MatcherSettings":
        changes: dict[str, Any] = {"source": source}
        if "fields" in data:
            changes["field_weights"] = {**self.field_weights, **{k: float(v) for k, v in data["fields"].items()}}
        lexical = data.get("lexical", {})
        for key in ("scorer", "k1", "b"):
            if key in lexical:
                changes[key] = lexical[key]
        known = {f.name for f in fields(self)}
        for key, value in data.get("ranking", {}).items():
            if key not in known:
                raise ValueError(f"unknown ranking setting: {key}")
            changes[key] = float(value)
        model = data.get("model", {})
        if "C" in model:
            changes["model_C"] = float(model["C"])
        if "kind" in model:
            changes["model_kind"] = str(model["kind"])
        for key in ("model_scale", "cue_weight"):
            if key in model:
                changes[key] = float(model[key])
        if "temperature" in model:
            changes["model_temperature"] = float(model["temperature"])
        return replace(self, **changes)

"""The matcher's hand-written language data parses and keeps its promises.

An analyst edits these TSV files by hand; these checks catch the slips that would silently weaken
matching (a cue under a misspelt category, a one-character variant firing inside unrelated words,
a variant written in a form normalised text never contains).
"""

from __future__ import annotations

from collections import Counter
from importlib import resources


from catalog.taxonomy import load_taxonomy
from matcher.normalize import normalize_text

CODES = set(load_taxonomy().codes)


def read_tsv(name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) of a data file, skipping `#` comment and blank lines."""
    text = resources.files("matcher").joinpath("data", name).read_text(encoding="utf-8")
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
        else:
            rows.append((number, cells))
    assert header is not None, f"{name} has no header"
    return header, rows


def checked_rows(name: str, header: list[str]) -> list[tuple[int, list[str]]]:
    found, rows = read_tsv(name)
    assert found == header
    for number, cells in rows:
        assert len(cells) == len(header), f"{name}:{number} has {len(cells)} columns"
        assert all(c.strip() == c and c for c in cells), f"{name}:{number} has an empty or padded cell"
    return rows


# --- dictionary.tsv


def dictionary_rows() -> list[tuple[int, list[str]]]:
    return checked_rows("dictionary.tsv", ["canonical", "variants", "note"])


def test_dictionary_is_large_enough_to_matter():
    assert len(dictionary_rows()) >= 250


def test_dictionary_variants_are_specific_and_normalised():
    for number, (canonical, variants, _) in dictionary_rows():
        assert normalize_text(canonical) == canonical, f"dictionary.tsv:{number}"
        for variant in variants.split(";"):
            assert len(variant) >= 2, f"dictionary.tsv:{number}: {variant!r} would fire inside unrelated words"
            assert normalize_text(variant) == variant, f"dictionary.tsv:{number}: {variant!r} is never in normalised text"


def test_each_variant_expands_to_one_canonical():
    owner: dict[str, str] = {}
    for number, (canonical, variants, _) in dictionary_rows():
        for variant in variants.split(";"):
            assert owner.setdefault(variant, canonical) == canonical, f"dictionary.tsv:{number}: {variant!r} twice"
    canonicals = Counter(cells[0] for _, cells in dictionary_rows())
    assert [c for c, n in canonicals.items() if n > 1] == []


def test_dictionary_bridges_the_words_from_the_architecture():
    expands = {}
    for _, (canonical, variants, _) in dictionary_rows():
        for variant in variants.split(";"):
            expands[variant] = canonical
    assert expands["ファミサポ"] == "ファミリーサポートセンター"
    assert expands["一時保育"] == "一時預かり"
    assert expands["学童"] == "放課後児童クラブ"
    assert expands["放デイ"] == "放課後等デイサービス"
    assert expands["児発"] == "児童発達支援"
    assert expands["トワイライト"] == "トワイライトステイ"
    assert expands["保活"] == "保育所入所"


# --- category_cues.tsv


def cue_rows() -> list[tuple[int, list[str]]]:
    return checked_rows("category_cues.tsv", ["category", "cue", "weight"])


def test_cues_name_real_categories_with_weights_in_range():
    for number, (category, cue, weight) in cue_rows():
        assert category in CODES, f"category_cues.tsv:{number}: unknown category {category!r}"
        assert 0.5 <= float(weight) <= 3.0, f"category_cues.tsv:{number}"
        assert normalize_text(cue) == cue, f"category_cues.tsv:{number}: {cue!r} is never in normalised text"
        assert len(cue) >= 2, f"category_cues.tsv:{number}: {cue!r} would fire inside unrelated words"


def test_cues_are_unique_per_category_and_cover_every_category():
    pairs = Counter((category, cue) for _, (category, cue, _) in cue_rows())
    assert [p for p, n in pairs.items() if n > 1] == []
    per_category = Counter(category for category, _ in pairs)
    # ~40 Japanese cues and up to ~10 English ones (the English section at the end of the file).
    assert {c: per_category[c] for c in CODES if not 15 <= per_category[c] <= 50} == {}


def test_a_cue_can_hint_at_several_needs_with_different_weights():
    weights = {(category, cue): float(w) for _, (category, cue, w) in cue_rows()}
    assert weights[("temporary_care", "預けたい")] > weights[("family_support_center", "預けたい")]
    assert weights[("short_stay", "夜中")] > weights[("pediatric_emergency", "夜中")]
    assert weights[("mental_health_line", "死にたい")] == 3.0


# --- training_concerns.tsv


def training_rows() -> list[tuple[int, list[str]]]:
    return checked_rows("training_concerns.tsv", ["categories", "text"])


def test_training_labels_are_categories_or_none():
    for number, (categories, _) in training_rows():
        labels = categories.split(";")
        assert len(labels) == len(set(labels)), f"training_concerns.tsv:{number}"
        for label in labels:
            assert label in CODES or label == "none", f"training_concerns.tsv:{number}: {label!r}"
        assert "none" not in labels or labels == ["none"], f"training_concerns.tsv:{number}: none mixed with needs"


def test_training_covers_every_category_and_out_of_scope():
    main = Counter(categories.split(";")[0] for _, (categories, _) in training_rows())
    assert {c: main[c] for c in CODES if main[c] < 20} == {}
    assert main["none"] >= 50


def test_training_texts_are_not_duplicated():
    texts = Counter(normalize_text(text) for _, (_, text) in training_rows())
    assert [t for t, n in texts.items() if n > 1] == []

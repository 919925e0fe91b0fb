"""The lexical index over catalog resources: field-weighted terms in a sparse matrix.

Terms are Sudachi lemmas and reading keys (matcher.tokenize.terms) of each field, after the domain
dictionary has added canonical wording (ファミサポ → ファミリーサポートセンター). Field weights are
applied to term frequencies before BM25 (a BM25F simplification).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Iterable, NamedTuple

import numpy as np
from scipy import sparse

from catalog.model import Resource
from catalog.taxonomy import Taxonomy
from matcher.lexicon import DomainDictionary, TextViews, text_views
from matcher.normalize import normalize_text
from matcher.scoring import SCORERS, score_query
from matcher.tokenize import Token, terms, tokenize


class Analysis(NamedTuple):
    norm: str
    tokens: list[Token]
    views: TextViews
    expansions: list[str]  # canonical wordings added by the domain dictionary
    terms: list[str]


def analyze(text: str, dictionary: DomainDictionary) -> Analysis:
    norm = normalize_text(text)
    tokens = tokenize(norm, normalized=True)
    views = text_views(norm, tokens)
    expansions = dictionary.canonicals_in(views)
    all_terms = terms(tokens)
    for phrase in expansions:
        all_terms.extend(_phrase_terms(phrase))
    return Analysis(norm, tokens, views, expansions, all_terms)


@lru_cache(maxsize=100_000)
def _phrase_terms(phrase: str) -> tuple[str, ...]:
    return tuple(terms(tokenize(phrase)))


class _FieldAnalyzer:
    """Caches the terms of repeated field values (category names, fees, notes repeat a lot)."""

    def __init__(self, dictionary: DomainDictionary):
        self.dictionary = dictionary
        self.cache: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        hit = self.cache.get(text)
        if hit is None:
            hit = self.cache[text] = analyze(text, self.dictionary).terms
        return hit


def resource_fields(r: Resource, taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Searchable text of a resource, per field name of the settings' [fields] table."""
    cat_names = []
    for code in r.categories:
        if code in taxonomy:
            cat = taxonomy.get(code)
            cat_names.append(cat.name)
    return {
        "name": [r.name],
        "name_kana": [r.name_kana] if r.name_kana else [],
        "category_names": cat_names,
        "keywords": list(r.keywords),
        "example_concerns": list(r.example_concerns),
        "description": [r.description] if r.description else [],
        "eligibility_note": [r.eligibility_note] if r.eligibility_note else [],
        "fee": [r.fee] if r.fee else [],
    }


class LexicalIndex:
    def __init__(self, weights: sparse.csc_matrix, vocabulary: dict[str, int]):
        self.weights = weights
        self.vocabulary = vocabulary

    @classmethod
    def build(
        cls,
        resources: list[Resource],
        taxonomy: Taxonomy,
        dictionary: DomainDictionary,
        field_weights: dict[str, float],
        scorer: str = "bm25",
        k1: float = 1.2,
        b: float = 0.75,
        progress: Iterable | None = None,
    ) -> "LexicalIndex":
        analyzer = _FieldAnalyzer(dictionary)
        vocabulary: dict[str, int] = {}
        rows, cols, vals = [], [], []
        iterator = progress if progress is not None else resources
        for i, r in enumerate(iterator):
            tf: Counter[str] = Counter()
            for field, texts in resource_fields(r, taxonomy).items():
                w = field_weights.get(field, 1.0)
                if w <= 0:
                    continue
                for text in texts:
                    for t in analyzer(text):
                        tf[t] += w
            for t, v in tf.items():
                j = vocabulary.setdefault(t, len(vocabulary))
                rows.append(i)
                cols.append(j)
                vals.append(v)
        shape = (len(resources), max(1, len(vocabulary)))
        tf_matrix = sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)
        return cls(SCORERS[scorer](tf_matrix, k1=k1, b=b), vocabulary)

    def score(self, query_terms: list[str]) -> np.ndarray:
        counts = Counter(t for t in query_terms if t in self.vocabulary)
        ids = [self.vocabulary[t] for t in counts]
        return score_query(self.weights, ids, [float(c) for c in counts.values()])

    def matched_terms(self, doc: int, query_terms: list[str]) -> list[str]:
        """Query terms present in document `doc` (surface lemmas only, for explanations)."""
        out = []
        for t in dict.fromkeys(query_terms):
            j = self.vocabulary.get(t)
            if j is not None and not t.startswith("r:") and self.weights[doc, j] > 0:
                out.append(t)
        return out

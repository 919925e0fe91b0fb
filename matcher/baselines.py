"""Built-in baselines measured beside the matcher in every `tsunagu eval` run.

- bm25_sudachi: BM25 over Sudachi lemmas of all text fields, no dictionary, no need model.
- char_tfidf: cosine over character 2–3-gram TF-IDF of all text fields.
Each reports the resource's primary category, no safety triage, and its top score as confidence.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from catalog.model import Resource
from catalog.taxonomy import Taxonomy, load_taxonomy
from matcher.concern import Concern
from matcher.evaluate import Ranked
from matcher.normalize import normalize_text
from matcher.scoring import bm25, score_query
from matcher.tokenize import tokenize


def resource_text(r: Resource, taxonomy: Taxonomy) -> str:
    parts = [r.name, r.name_kana or "", *(taxonomy.get(c).name for c in r.categories if c in taxonomy)]
    parts += [*r.keywords, *r.example_concerns, r.description or "", r.eligibility_note or ""]
    return " ".join(p for p in parts if p)


def _lemmas(text: str) -> list[str]:
    return [t.lemma for t in tokenize(text) if t.content and not t.sub]


class BM25Baseline:
    name = "bm25_sudachi"

    def __init__(self, resources: list[Resource], taxonomy: Taxonomy | None = None):
        taxonomy = taxonomy or load_taxonomy()
        self.resources = resources
        self.vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for i, r in enumerate(resources):
            for term, count in Counter(_lemmas(resource_text(r, taxonomy))).items():
                rows.append(i)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
                vals.append(count)
        tf = sparse.csr_matrix((vals, (rows, cols)), shape=(len(resources), max(1, len(self.vocab))))
        self.weights = bm25(tf)

    def rank(self, concern: Concern, top: int = 10) -> Ranked:
        ids = [self.vocab[t] for t in set(_lemmas(concern.text)) if t in self.vocab]
        scores = score_query(self.weights, ids)
        return _ranked(self.resources, scores, top)


class CharTfidfBaseline:
    name = "char_tfidf"

    def __init__(self, resources: list[Resource], taxonomy: Taxonomy | None = None):
        taxonomy = taxonomy or load_taxonomy()
        self.resources = resources
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(normalize_text(resource_text(r, taxonomy)) for r in resources)

    def rank(self, concern: Concern, top: int = 10) -> Ranked:
        q = self.vectorizer.transform([normalize_text(concern.text)])
        scores = np.asarray((self.matrix @ q.T).todense()).ravel()
        return _ranked(self.resources, scores, top)


def _ranked(resources: list[Resource], scores: np.ndarray, top: int) -> Ranked:
    order = [int(i) for i in np.argsort(-scores, kind="stable")[:top] if scores[i] > 0]
    return Ranked(
        [resources[i].id for i in order],
        [resources[i].category for i in order],
        "none",
        float(scores[order[0]]) if order else 0.0,
    )


BASELINES = {"bm25_sudachi": BM25Baseline, "char_tfidf": CharTfidfBaseline}

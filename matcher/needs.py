"""Need understanding: a concern → taxonomy categories with probabilities.

Two sources, combined as independent evidence (noisy-OR):
- the curated cue lexicon (matcher/data/category_cues.tsv), precise where it fires;
- a scikit-learn logistic regression over character n-grams of the text and its katakana
  reading plus word terms, trained on labelled concerns (matcher/data/training_concerns.tsv), the
  taxonomy descriptions, the cue phrases and the catalog's own こんなときに / 説明 / 名称. The class
  `none` (out of scope) is learned too and feeds the confidence.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Iterable, NamedTuple

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from catalog.model import Resource
from catalog.taxonomy import Taxonomy
from matcher.lexicon import CueLexicon, _data_lines

NONE = "none"
# Catalog-derived training documents per category: enough to learn local wording, bounded so a
# 100k catalog does not make the build slow.
MAX_CATALOG_DOCS_PER_CATEGORY = 40


class NeedScore(NamedTuple):
    code: str
    probability: float
    model: float
    cue: float


class TrainingDoc(NamedTuple):
    text: str
    label: str
    weight: float


def load_training_concerns(path=None) -> list[tuple[list[str], str]]:
    out = []
    for row in _data_lines("training_concerns.tsv", path):
        if len(row) >= 2 and row[0].strip() and row[1].strip():
            out.append(([c.strip() for c in row[0].split(";") if c.strip()], row[1].strip()))
    return out


def training_docs(
    taxonomy: Taxonomy,
    cues: CueLexicon,
    resources: Iterable[Resource] = (),
    concerns: list[tuple[list[str], str]] | None = None,
    seed: int = 0,
) -> list[TrainingDoc]:
    docs: list[TrainingDoc] = []
    for codes, text in concerns if concerns is not None else load_training_concerns():
        docs.append(TrainingDoc(text, codes[0], 1.0))
        for other in codes[1:]:
            docs.append(TrainingDoc(text, other, 0.4))
    for cat in taxonomy:
        docs.append(TrainingDoc(f"{cat.name} {cat.description}", cat.code, 1.0))
        docs.append(TrainingDoc(cat.description, cat.code, 0.7))
        for cue in cues.by_category.get(cat.code, []):
            docs.append(TrainingDoc(cue, cat.code, 0.5))
    per_category: dict[str, list[str]] = defaultdict(list)
    for r in resources:
        phrases = [*r.example_concerns]
        if r.description:
            phrases.append(r.description)
        phrases.append(r.name)
        per_category[r.category].extend(phrases)
    rng = random.Random(seed)
    for code, phrases in per_category.items():
        if code not in taxonomy:
            continue
        unique = list(dict.fromkeys(phrases))
        rng.shuffle(unique)
        for text in unique[:MAX_CATALOG_DOCS_PER_CATEGORY]:
            docs.append(TrainingDoc(text, code, 0.6))
    return docs


class NeedModel:
    """Character and word n-gram linear model over categories plus `none`.

    `kind="svm"` (default) is a linear SVM whose decision values become probabilities through a
    softmax with a fixed temperature: it trains in about a second, where scipy's L-BFGS took
    20–30 s on the same 39-class problem. `kind="logreg"` is the slower, natively probabilistic
    logistic regression, kept for comparison (`tsunagu eval --compare`).
    """

    def __init__(self, C: float = 8.0, kind: str = "svm", temperature: float = 0.3):
        self.C = C
        self.kind = kind
        self.temperature = temperature
        self.char_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        self.term_vec = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, token_pattern=None, lowercase=False)
        self.clf = LogisticRegression(C=C, max_iter=2000) if kind == "logreg" else LinearSVC(C=C)
        self.classes_: list[str] = []

    def _features(self, char_texts: list[str], term_texts: list[str], fit: bool = False):
        if fit:
            return hstack([self.char_vec.fit_transform(char_texts), self.term_vec.fit_transform(term_texts)]).tocsr()
        return hstack([self.char_vec.transform(char_texts), self.term_vec.transform(term_texts)]).tocsr()

    def fit(self, char_texts: list[str], term_texts: list[str], labels: list[str], weights: list[float]) -> "NeedModel":
        X = self._features(char_texts, term_texts, fit=True)
        self.clf.fit(X, labels, sample_weight=np.asarray(weights))
        self.classes_ = list(self.clf.classes_)
        if self.kind != "logreg":
            self._coef_t = np.ascontiguousarray(self.clf.coef_.T)
            self._intercept = self.clf.intercept_
            self._parts = [
                _VectorPart(vec, offset)
                for vec, offset in ((self.char_vec, 0), (self.term_vec, len(self.char_vec.vocabulary_)))
            ]
        return self

    def predict(self, char_text: str, term_text: str) -> dict[str, float]:
        if self.kind == "logreg":
            probs = self.clf.predict_proba(self._features([char_text], [term_text]))[0]
        else:
            # The same tf-idf and linear decision as sklearn's, computed directly: for one short
            # text, sklearn's per-call validation costs several times the arithmetic.
            z = self._intercept.copy()
            for part, text in zip(self._parts, (char_text, term_text)):
                ids, values = part.vector(text)
                if len(ids):
                    z += values @ self._coef_t[ids]
            z = np.exp((z - z.max()) / self.temperature)
            probs = z / z.sum()
        return dict(zip(self.classes_, probs.tolist()))


class _VectorPart:
    """One fitted TfidfVectorizer applied to one text: sublinear tf · idf, l2-normalised."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int):
        self.analyzer = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_
        self.offset = offset

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        for gram in self.analyzer(text):
            j = self.vocabulary.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[ids]
        values /= np.sqrt(values @ values)
        return ids + self.offset, values


def combine(
    model_probs: dict[str, float],
    cue_scores: dict[str, float],
    codes: Iterable[str],
    model_scale: float = 2.0,
    cue_weight: float = 0.5,
) -> list[NeedScore]:
    """Noisy-OR of the model's probability (scaled up: a softmax over 39 classes spreads mass
    thin) and the damped cue score, per category, best first. Damping the cues keeps a long story
    full of incidental words from raising many needs at once."""
    out = []
    for code in codes:
        pm = min(1.0, model_scale * model_probs.get(code, 0.0))
        pc = cue_scores.get(code, 0.0)
        out.append(NeedScore(code, 1.0 - (1.0 - pm) * (1.0 - cue_weight * pc), model_probs.get(code, 0.0), pc))
    out.sort(key=lambda n: n.probability, reverse=True)
    return out

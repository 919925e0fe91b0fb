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
import re
from collections import Counter, defaultdict
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
        self.clf = LogisticRegression(C=C, max_iter=2000) if kind == "logreg" else LinearSVC(C=C, random_state=0)
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
        self.char_grams = _CharGrams.of(vectorizer)
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_
        self.offset = offset

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        # Known features in the order the analyzer first yields them: the sums below then add up
        # in the same order as before and give the very same floats.
        ids, tf = self.char_grams.known(text) if self.char_grams else self._known(text)
        if not len(ids):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        values = (1.0 + np.log(tf)) * self.idf[ids]
        values /= np.sqrt(values @ values)
        return ids + self.offset, values

    def _known(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(self.analyzer(text))
        known = [(j, c) for j, c in zip(map(self.vocabulary.get, counts), counts.values()) if j is not None]
        ids = np.fromiter((j for j, _c in known), dtype=np.int64, count=len(known))
        return ids, np.fromiter((c for _j, c in known), dtype=np.float64, count=len(known))


_CODE_BITS = 21  # every code point + 1 fits in 21 bits


def _gram_code(gram: str) -> int:
    """An n-gram of up to 3 characters as one integer, distinct for every n-gram of any n."""
    code = 0
    for ch in gram:
        code = (code << _CODE_BITS) | (ord(ch) + 1)
    return code


class _CharGrams:
    """The known n-grams of a `char_wb` TfidfVectorizer in a text, with their counts, in the
    order its analyzer first yields them — computed on integer codes in numpy.

    sklearn's analyzer slices every n-gram in a Python loop and each is then looked up in a
    vocabulary of ~80k strings: ~1.5 ms for a 300-character concern (text plus reading). Here
    the n-grams of the whole text are integer codes built with array shifts, counted with
    np.unique and found by binary search in the sorted codes of the vocabulary."""

    _white_spaces = re.compile(r"\s\s+")  # as sklearn's

    def __init__(self, vocabulary: dict[str, int], min_n: int, max_n: int, lowercase: bool):
        self.min_n, self.max_n, self.lowercase = min_n, max_n, lowercase
        codes = np.fromiter(map(_gram_code, vocabulary), dtype=np.int64, count=len(vocabulary))
        ids = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))
        order = np.argsort(codes)
        self.codes, self.ids = codes[order], ids[order]

    @classmethod
    def of(cls, vectorizer: TfidfVectorizer) -> "_CharGrams | None":
        """None unless the analyzer is plain char_wb with n ≤ 3: codes then fit in 63 bits, and
        a padded word (" w ") has at least n characters, so sklearn's special case for words
        shorter than n never occurs."""
        min_n, max_n = vectorizer.ngram_range
        plain = vectorizer.input == "content" and vectorizer.preprocessor is None and not vectorizer.strip_accents
        if vectorizer.analyzer == "char_wb" and plain and 1 <= min_n <= max_n <= 3:
            return cls(vectorizer.vocabulary_, min_n, max_n, vectorizer.lowercase)
        return None

    def known(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Feature ids and counts (float) of the known n-grams, in first-seen order."""
        sequence = self._sequence(text)
        if not len(sequence):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        grams, first, counts = np.unique(sequence, return_index=True, return_counts=True)
        at = np.minimum(np.searchsorted(self.codes, grams), len(self.codes) - 1)
        hit = self.codes[at] == grams
        order = np.argsort(first[hit], kind="stable")
        return self.ids[at[hit]][order], counts[hit][order].astype(np.float64)

    def _sequence(self, text: str) -> np.ndarray:
        """The codes of the analyzer's n-grams, in its order: per word, its 1-grams, 2-grams..."""
        if self.lowercase:
            text = text.lower()
        words = self._white_spaces.sub(" ", text).split()
        if not words:
            return np.zeros(0, dtype=np.int64)
        # sklearn pads each word as " w "; joined by single spaces, the n-grams of " w " are the
        # joined text's n-grams that start from the space before w and end by the space after it.
        joined = " " + " ".join(words) + " "
        chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64) + 1
        grams = {1: chars}  # grams[n][i] is the code of joined[i : i + n]
        for n in range(2, self.max_n + 1):
            grams[n] = (grams[n - 1][:-1] << _CODE_BITS) | chars[n - 1 :]
        parts = []
        lead = 0  # index of the space before the word
        for w in words:
            trail = lead + len(w) + 1  # index of the space after it
            parts.extend(grams[n][lead : trail + 2 - n] for n in range(self.min_n, self.max_n + 1))
            lead = trail
        return np.concatenate(parts)


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

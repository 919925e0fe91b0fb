"""The lexical index over catalog resources: field-weighted terms in a sparse matrix.

Terms are Sudachi lemmas and reading keys (matcher.tokenize.terms) of each field, after the domain
dictionary has added canonical wording (ファミサポ → ファミリーサポートセンター). Field weights are
applied to term frequencies before BM25 (a BM25F simplification).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from typing import Callable, NamedTuple

import numpy as np
from scipy import sparse

from catalog.model import Resource
from catalog.taxonomy import Taxonomy
from matcher.lexicon import CueHit, DomainDictionary, LexiconScanner, TextViews, text_views
from matcher.normalize import normalize_text, to_katakana
from matcher.scoring import SCORERS, score_query
from matcher.tokenize import Token, terms, tokenize


class Analysis(NamedTuple):
    norm: str
    tokens: list[Token]
    views: TextViews
    expansions: list[str]  # canonical wordings added by the domain dictionary
    terms: list[str]
    cue_hits: list[CueHit]  # filled when analysed with a LexiconScanner (queries)


def analyze(text: str, dictionary: DomainDictionary, document: bool = False, scanner: LexiconScanner | None = None) -> Analysis:
    """Normalise, tokenise and expand `text`. A catalog `document` is matched against the
    dictionary by spelling only: it is edited text, and it is analysed 100k times per build."""
    norm = normalize_text(text)
    tokens = tokenize(norm, normalized=True)
    views = TextViews(to_katakana(norm), "", "") if document else text_views(norm, tokens)
    if scanner is not None:
        expansions, cue_hits = scanner.scan(views)
    else:
        expansions, cue_hits = dictionary.canonicals_in(views, spelling_only=document), []
    all_terms = terms(tokens)
    for phrase in expansions:
        all_terms.extend(_phrase_terms(phrase))
    return Analysis(norm, tokens, views, expansions, all_terms, cue_hits)


@lru_cache(maxsize=100_000)
def _phrase_terms(phrase: str) -> tuple[str, ...]:
    return tuple(terms(tokenize(phrase)))


# Above this many distinct field texts, analysis is spread over worker processes. A process
# with one thread forks them (cheap, no re-import); a multi-threaded one (the server) uses a fork
# server, since forking threads can deadlock.
PARALLEL_TEXTS = 20_000
COMMON_TERM_SHARE = 0.2
COMMON_TERM_MIN_DOCS = 5_000


def _analyze_documents(texts: list[str], dictionary: DomainDictionary) -> list[list[str]]:
    return [analyze(text, dictionary, document=True).terms for text in texts]


# A worker's copy of the dictionary, handed over once when the worker starts (inherited when
# forked) rather than pickled with every chunk: its phrase automata make it ~1 MB.
_worker_dictionary: DomainDictionary | None = None


def _init_worker(dictionary: DomainDictionary) -> None:
    global _worker_dictionary
    _worker_dictionary = dictionary


def _analyze_in_worker(texts: list[str]) -> list[list[str]]:
    assert _worker_dictionary is not None
    return _analyze_documents(texts, _worker_dictionary)


def document_terms(texts: list[str], dictionary: DomainDictionary, progress: Callable[[int], None] | None = None) -> list[list[str]]:
    """Index terms of each text, in order; in parallel for large catalogs."""
    workers = min(os.cpu_count() or 1, 4)
    chunk = 2_000
    chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    out: list[list[str]] = []
    if len(texts) >= PARALLEL_TEXTS and workers > 1:
        ctx = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(dictionary,)) as pool:
            for part in pool.map(_analyze_in_worker, chunks):
                out.extend(part)
                if progress:
                    progress(len(part))
        return out
    for part in chunks:
        out.extend(_analyze_documents(part, dictionary))
        if progress:
            progress(len(part))
    return out


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
        # Row access for explanations (which query words a document holds): CSR, kept once.
        self._rows = weights.tocsr()
        # In a large catalog a term found in a fifth of all documents adds almost nothing (its idf
        # is tiny) but summing its column costs most of a query: leave such terms out.
        n_docs = weights.shape[0]
        df = np.diff(weights.indptr)
        self._skip = {t for t, j in vocabulary.items() if n_docs >= COMMON_TERM_MIN_DOCS and df[j] > COMMON_TERM_SHARE * n_docs}

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
        progress: Callable[[int], None] | None = None,
    ) -> "LexicalIndex":
        """`progress(n)` is called as each batch of n distinct field texts is analysed."""
        # tf = (documents × texts, field weights) @ (texts × terms, counts): repeated texts
        # (category names, fees, notes) are analysed once and the sum runs in sparse C code.
        unique: dict[str, int] = {}
        doc_rows, doc_cols, doc_vals = [], [], []
        for i, r in enumerate(resources):
            for field, texts in resource_fields(r, taxonomy).items():
                w = field_weights.get(field, 1.0)
                if w <= 0:
                    continue
                for text in texts:
                    doc_rows.append(i)
                    doc_cols.append(unique.setdefault(text, len(unique)))
                    doc_vals.append(w)
        analysed = document_terms(list(unique), dictionary, progress)
        vocabulary: dict[str, int] = {}
        text_rows, term_cols = [], []
        for k, text_terms in enumerate(analysed):
            for t in text_terms:
                text_rows.append(k)
                term_cols.append(vocabulary.setdefault(t, len(vocabulary)))
        n_texts, n_terms = max(1, len(unique)), max(1, len(vocabulary))
        docs_texts = sparse.csr_matrix((doc_vals, (doc_rows, doc_cols)), shape=(len(resources), n_texts), dtype=np.float64)
        texts_terms = sparse.csr_matrix((np.ones(len(text_rows)), (text_rows, term_cols)), shape=(n_texts, n_terms), dtype=np.float64)
        tf_matrix = (docs_texts @ texts_terms).tocsr()
        return cls(SCORERS[scorer](tf_matrix, k1=k1, b=b), vocabulary)

    def score(self, query_terms: list[str]) -> np.ndarray:
        vocabulary, skip = self.vocabulary, self._skip
        # Counted first, filtered after: the same terms, counts and order, with one test per distinct term.
        counts = [(vocabulary[t], float(c)) for t, c in Counter(query_terms).items() if t in vocabulary and t not in skip]
        return score_query(self.weights, [j for j, _c in counts], [c for _j, c in counts])

    def surface_terms(self, query_terms: list[str]) -> list[tuple[str, int]]:
        """The query's distinct surface terms known to the index (no r: reading keys), with their
        ids, in order: prepared once per query for `matched_terms`."""
        vocabulary = self.vocabulary
        return [(t, vocabulary[t]) for t in dict.fromkeys(query_terms) if t in vocabulary and not t.startswith("r:")]

    def matched_terms(self, doc: int, surface_terms: list[tuple[str, int]]) -> list[str]:
        """The prepared surface terms present in document `doc` (for explanations)."""
        start, end = self._rows.indptr[doc], self._rows.indptr[doc + 1]
        held = set(self._rows.indices[start:end].tolist())
        return [t for t, j in surface_terms if j in held]

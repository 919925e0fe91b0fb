"""Lexical scoring variants as small pure functions, chosen by name.

Every variant turns a (documents × terms) matrix of (field-weighted) term frequencies into a
matrix of per-term weights; a query score is then the sum of its terms' columns, which a CSC
matrix answers in well under a millisecond even at 100k documents.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import sparse


def bm25_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Robertson–Spärck Jones idf, kept positive: log(1 + (N - df + 0.5) / (df + 0.5))."""
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


def bm25(tf: sparse.csr_matrix, k1: float = 1.2, b: float = 0.75) -> sparse.csc_matrix:
    """Okapi BM25: idf · tf·(k1+1) / (tf + k1·(1 - b + b·dl/avgdl))."""
    tf = tf.tocsr().astype(np.float64)
    n_docs = tf.shape[0]
    df = np.diff(tf.tocsc().indptr)
    idf = bm25_idf(df, n_docs)
    doc_len = np.asarray(tf.sum(axis=1)).ravel()
    avg = doc_len.mean() if n_docs else 1.0
    norm = k1 * (1 - b + b * doc_len / (avg or 1.0))
    out = tf.copy()
    rows = np.repeat(np.arange(n_docs), np.diff(tf.indptr))
    data = tf.data
    out.data = idf[tf.indices] * data * (k1 + 1) / (data + norm[rows])
    return out.tocsc()


def tfidf(tf: sparse.csr_matrix, k1: float = 0.0, b: float = 0.0) -> sparse.csc_matrix:
    """Sublinear tf·idf with l2-normalised rows (the classic vector-space baseline)."""
    tf = tf.tocsr().astype(np.float64)
    df = np.diff(tf.tocsc().indptr)
    idf = np.log((1 + tf.shape[0]) / (1 + df)) + 1
    out = tf.copy()
    out.data = (1 + np.log(out.data)) * idf[out.indices]
    norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    out = sparse.diags(1 / norms) @ out
    return out.tocsc()


SCORERS: dict[str, Callable[..., sparse.csc_matrix]] = {"bm25": bm25, "tfidf": tfidf}


def score_query(weights: sparse.csc_matrix, term_ids, counts=None) -> np.ndarray:
    """Sum of the query terms' columns (each weighted by its count in the query).

    Read straight from the CSC arrays: the same products, added in the same order, as
    `weights[:, term_ids] @ counts`, without building that sub-matrix (most of its cost)."""
    n_docs = weights.shape[0]
    ids = np.asarray(term_ids, dtype=np.int64)
    if not len(ids):
        return np.zeros(n_docs)
    weight_of = np.ones(len(ids)) if counts is None else np.asarray(counts, dtype=np.float64)
    starts = weights.indptr[ids]
    lengths = weights.indptr[ids + 1] - starts
    # Positions of the stored entries of the chosen columns, column after column.
    at = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
    return np.bincount(weights.indices[at], weights=weights.data[at] * np.repeat(weight_of, lengths), minlength=n_docs)

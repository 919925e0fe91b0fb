import math

import numpy as np
import pytest
from scipy import sparse

from matcher.scoring import bm25, bm25_idf, score_query, tfidf


def test_bm25_matches_hand_arithmetic():
    # two docs, two terms: doc0 has term0 twice (len 2), doc1 has term0 once and term1 once (len 2)
    tf = sparse.csr_matrix(np.array([[2.0, 0.0], [1.0, 1.0]]))
    w = bm25(tf, k1=1.2, b=0.75).toarray()
    idf0 = math.log(1 + (2 - 2 + 0.5) / (2 + 0.5))
    idf1 = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    norm = 1.2 * (1 - 0.75 + 0.75 * 2 / 2)
    assert w[0, 0] == pytest.approx(idf0 * 2 * 2.2 / (2 + norm), rel=1e-12)
    assert math.isclose(w[1, 1], idf1 * 1 * 2.2 / (1 + norm))
    assert w[0, 1] == 0


def test_idf_positive_even_for_common_terms():
    assert (bm25_idf(np.array([10]), 10) > 0).all()


def test_score_query_sums_columns_weighted_by_count():
    w = sparse.csc_matrix(np.array([[1.0, 2.0], [0.5, 0.0]]))
    assert score_query(w, [0, 1], [1.0, 2.0]).tolist() == [1.0 + 2 * 2.0, 0.5]
    assert score_query(w, []).tolist() == [0.0, 0.0]


def test_tfidf_rows_are_unit_length():
    w = tfidf(sparse.csr_matrix(np.array([[3.0, 1.0], [0.0, 2.0]]))).toarray()
    assert np.allclose((w**2).sum(axis=1), 1.0)

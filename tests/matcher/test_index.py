import math

import pytest

from catalog.model import Resource
from catalog.taxonomy import load_taxonomy
from matcher.index import LexicalIndex, analyze
from matcher.lexicon import DomainDictionary

DICT = DomainDictionary([("ファミリーサポートセンター", ["ファミサポ"])])


def test_field_weights_multiply_term_frequency():
    rs = [Resource(id="a", name="病児保育", category="sick_child_care"),
          Resource(id="b", name="ひろば", category="regional_hub", description="病児保育の案内")]
    weights = {"name": 3.0, "description": 1.0, "category_names": 0.0}
    idx = LexicalIndex.build(rs, load_taxonomy(), DICT, weights, scorer="bm25")
    j = idx.vocabulary["保育"]
    # tf of 保育 is 3 (name ×3) in a and 1 (description ×1) in b; both contain it, so idf is equal
    wa, wb = idx.weights[0, j], idx.weights[1, j]
    assert wa > wb > 0
    scores = idx.score(analyze("病児保育をお願いしたい", DICT).terms)
    assert scores[0] > scores[1] > 0


def test_dictionary_expansion_bridges_abbreviation_on_both_sides():
    rs = [Resource(id="a", name="ファミリー・サポート・センター", category="family_support_center"),
          Resource(id="b", name="児童館", category="childrens_hall")]
    idx = LexicalIndex.build(rs, load_taxonomy(), DICT, {"name": 1.0, "category_names": 0.0})
    scores = idx.score(analyze("ファミサポに登録したい", DICT).terms)
    assert scores[0] > 0 and scores[1] == 0
    assert "ファミリーサポートセンター" in idx.matched_terms(0, idx.surface_terms(analyze("ファミサポ", DICT).terms))


def test_repeated_texts_are_counted_per_document():
    rs = [Resource(id=str(i), name="子育てひろば", category="regional_hub") for i in range(3)]
    idx = LexicalIndex.build(rs, load_taxonomy(), DICT, {"name": 2.0, "category_names": 0.0})
    j = idx.vocabulary["広場"]  # ひろば → lemma 広場
    assert [idx.weights[i, j] for i in range(3)] == [idx.weights[0, j]] * 3
    assert not math.isnan(idx.weights[0, j])


def test_score_and_matched_terms_follow_their_definitions():
    """score sums each known query term's column times its count; matched_terms lists the
    query's distinct surface terms (no r: reading keys) held by the document, in query order."""
    import numpy as np

    rs = [Resource(id="a", name="病児保育室", category="sick_child_care", description="病気の子どもを保育します"),
          Resource(id="b", name="子育てひろば", category="regional_hub", description="親子で遊べる広場")]
    idx = LexicalIndex.build(rs, load_taxonomy(), DICT, {"name": 2.0, "description": 1.0, "category_names": 0.0})
    query = analyze("病気の子どもを保育してほしい。子どもが病気で、ひろばには行けない", DICT).terms
    counts: dict[str, int] = {}
    for t in query:
        if t in idx.vocabulary:
            counts[t] = counts.get(t, 0) + 1
    expected = sum(c * idx.weights[:, [idx.vocabulary[t]]].toarray().ravel() for t, c in counts.items())
    assert np.allclose(idx.score(query), expected)
    for doc in (0, 1):
        held = set(idx.weights.tocsr()[doc].indices.tolist())
        want = [t for t in dict.fromkeys(query) if not t.startswith("r:") and idx.vocabulary.get(t) in held]
        assert want and idx.matched_terms(doc, idx.surface_terms(query)) == want
    assert idx.matched_terms(0, idx.surface_terms([])) == []


def test_score_query_is_the_sub_matrix_product_to_the_last_bit():
    import numpy as np
    from scipy import sparse

    from matcher.scoring import score_query

    rng = np.random.default_rng(0)
    weights = sparse.random(300, 80, density=0.1, format="csc", random_state=1)
    for _ in range(50):
        ids = rng.choice(80, size=rng.integers(1, 30), replace=False)
        counts = rng.integers(1, 4, size=len(ids)).astype(float)
        expected = np.asarray(weights[:, ids.tolist()] @ counts).ravel()  # the definition
        assert score_query(weights, ids.tolist(), counts.tolist()).tobytes() == expected.tobytes()
        assert np.allclose(score_query(weights, ids.tolist()), np.asarray(weights[:, ids.tolist()].sum(axis=1)).ravel())
    assert score_query(weights, []).tolist() == [0.0] * 300


@pytest.mark.parametrize("threads", [1, 2])  # one thread: fork; several (a server): fork server
def test_parallel_document_terms_equal_serial_ones(monkeypatch, threads):
    from matcher import index

    texts = [f"{i}番目のファミサポ、病児保育と子育てひろば" for i in range(40)] + ["ふぁみさぽ", "学童", ""]
    serial = index.document_terms(texts, DICT)
    monkeypatch.setattr(index, "PARALLEL_TEXTS", 10)
    monkeypatch.setattr(index.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(index.threading, "active_count", lambda: threads)
    assert index.document_terms(texts, DICT) == serial
    assert any("ファミリーサポートセンター" in terms for terms in serial)

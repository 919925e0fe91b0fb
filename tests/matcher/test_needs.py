"""The need model: its own vectoriser gives the same features as sklearn's, to the last bit, and
the same data gives the same model build after build."""

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from catalog.taxonomy import load_taxonomy
from matcher.index import analyze
from matcher.lexicon import CueLexicon, DomainDictionary
from matcher.needs import NeedModel, _CharGrams, training_docs
from matcher.rank import _char_text, _term_text

TRAIN = ["夜に子どもを預けたい", "発達が心配です", "ママ友がほしい", "住宅ローン", "DV from my husband", "はったつ そうだん"]
TEXTS = [
    "夜中に子どもを預けたい ヨナカニコドモヲアズケタイ",
    "  Two  spaces\tand\na TAB  ",  # runs of white space, capitals
    "İstanbul'dan geldim",  # lower() makes this longer
    "子育て😀😀 つかれた",  # a character outside the BMP
    "a",
    "",
    "   ",
    "未知の文字ばかり 龘龘",
    "lone \ud800 surrogate",  # sklearn takes it; so must the codes
]


def _sklearn_counts(vectorizer: TfidfVectorizer, text: str) -> dict[int, int]:
    """Known feature → count, in the order the analyzer first yields the feature."""
    counts: dict[int, int] = {}
    for gram in vectorizer.build_analyzer()(text):
        j = vectorizer.vocabulary_.get(gram)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    return counts


@pytest.mark.parametrize("ngram_range", [(1, 3), (1, 2), (2, 3), (1, 1), (3, 3)])
def test_char_grams_are_sklearns_in_the_same_order(ngram_range):
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range).fit(TRAIN + TEXTS)
    grams = _CharGrams.of(vectorizer)
    rng = random.Random(0)
    alphabet = "あいうアイウ子供発達 ab\tCD\n\u3000。、x"
    texts = TEXTS + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(300)]
    for text in texts:
        ids, counts = grams.known(text)
        expected = _sklearn_counts(vectorizer, text)
        assert ids.tolist() == list(expected) and counts.tolist() == list(expected.values()), repr(text)


def test_other_analyzers_use_sklearns_analyzer():
    assert _CharGrams.of(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4))) is None
    assert _CharGrams.of(TfidfVectorizer(analyzer="char", ngram_range=(1, 3))) is None
    assert _CharGrams.of(TfidfVectorizer(analyzer=str.split)) is None


def test_vector_is_bit_identical_to_the_analyzer_path():
    model = NeedModel(C=0.5).fit(TRAIN, [t.lower() for t in TRAIN], ["a", "b", "c", "none", "d", "b"], [1.0] * 6)
    char_part = model._parts[0]
    assert char_part.char_grams is not None
    for text in TEXTS:
        fast_ids, fast_values = char_part.vector(text)
        char_part.char_grams, saved = None, char_part.char_grams
        try:
            ids, values = char_part.vector(text)
        finally:
            char_part.char_grams = saved
        assert fast_ids.tolist() == ids.tolist()
        assert fast_values.tobytes() == values.tobytes()


def test_prediction_matches_sklearn_features():
    model = NeedModel(C=0.5).fit(TRAIN, [t.lower() for t in TRAIN], ["a", "b", "c", "none", "d", "b"], [1.0] * 6)
    for text in TEXTS:
        X = model._features([text], [text])
        expected = model.clf.decision_function(X)[0]
        z = np.log(list(model.predict(text, text).values())) * model.temperature
        assert np.allclose(z - z[0], expected - expected[0])


@pytest.mark.slow
def test_two_builds_on_the_same_data_predict_identically():
    # LinearSVC's coordinate descent shuffles; unseeded, two builds differed by ~1e-7, enough to
    # reorder near-ties between catalog versions and make eval runs disagree.
    dictionary = DomainDictionary.load()
    docs = training_docs(load_taxonomy(), CueLexicon.load())
    analyses = [analyze(d.text, dictionary) for d in docs]
    data = ([_char_text(a) for a in analyses], [_term_text(a) for a in analyses], [d.label for d in docs], [d.weight for d in docs])
    first, second = NeedModel(C=0.5, temperature=0.15).fit(*data), NeedModel(C=0.5, temperature=0.15).fit(*data)
    query = analyze("夜中に子どもが熱を出した", dictionary)
    assert first.predict(_char_text(query), _term_text(query)) == second.predict(_char_text(query), _term_text(query))

"""The need model: the same training data gives the same model, build after build."""

import pytest

from catalog.taxonomy import load_taxonomy
from matcher.index import analyze
from matcher.lexicon import CueLexicon, DomainDictionary
from matcher.needs import NeedModel, training_docs
from matcher.rank import _char_text, _term_text


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

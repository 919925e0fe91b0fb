from matcher.lexicon import CueLexicon, DomainDictionary, text_views


def test_dictionary_expands_abbreviation_and_kana_spelling():
    d = DomainDictionary([("ファミリーサポートセンター", ["ファミサポ"]), ("放課後児童クラブ", ["学童"])])
    assert d.canonicals_in(text_views("ふぁみさぽを使いたい")) == ["ファミリーサポートセンター"]
    assert "放課後児童クラブ" in d.expand("がくどうに入れない")
    assert d.expand("公園で遊びたい") == "公園で遊びたい"


def test_cue_matches_kanji_cue_in_hiragana_text_via_reading():
    lex = CueLexicon([("development_consultation", "発達", 2.0), ("short_stay", "泊まり", 2.5)])
    hits = lex.hits(text_views("はったつがしんぱい"))
    assert [h.category for h in hits] == ["development_consultation"]


def test_short_reading_does_not_match_inside_other_words():
    lex = CueLexicon([("health_center", "熱", 1.0)])
    # ネツ (3 kana) is below the reading threshold: only the literal 熱 matches
    assert lex.hits(text_views("ねつ")) == []
    assert lex.hits(text_views("熱がある"))


def test_cue_scores_saturate():
    import math

    lex = CueLexicon([("a", "泊まり", 2.5), ("a", "一晩", 2.0)])
    scores = CueLexicon.scores(lex.hits(text_views("一晩泊まりで")))
    assert math.isclose(scores["a"], 1 - math.exp(-4.5 / 2.5))


def test_latin_cues_match_whole_words_only():
    lex = CueLexicon([("dv_support", "dv", 3.0)])
    assert lex.hits(text_views("I need advice")) == []
    assert [h.category for h in lex.hits(text_views("DV from my husband"))] == ["dv_support"]
    assert [h.category for h in lex.hits(text_views("夫のDVが"))] == ["dv_support"]


def test_long_latin_cue_matches_as_stem():
    lex = CueLexicon([("development_consultation", "autis", 2.0)])
    assert lex.hits(text_views("my son is autistic"))
    assert lex.hits(text_views("I have a nautilus")) == []


def test_one_pass_scanner_equals_separate_lookups():
    from matcher.lexicon import LexiconScanner

    d = DomainDictionary([("ファミリーサポートセンター", ["ファミサポ"]), ("放課後児童クラブ", ["学童"])])
    lex = CueLexicon([("family_support_center", "送迎", 2.0), ("after_school_club", "学童", 2.5)])
    views = text_views("がくどうのあとの送迎をふぁみさぽに頼みたい")
    canonicals, hits = LexiconScanner(d, lex).scan(views)
    assert canonicals == d.canonicals_in(views)
    assert hits == lex.hits(views)

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


def _reference_find(patterns, views) -> set[int]:
    """The plain definition: every pattern whose phrase occurs in its view (spelling always,
    reading from MIN_READING_MATCH, loose from MIN_LOOSE_MATCH characters), Latin words bounded."""
    from matcher.lexicon import MIN_LOOSE_MATCH, MIN_READING_MATCH, _word_bounded

    found = set()
    for pid, p in enumerate(patterns):
        for text, phrase, min_len in zip(views, p, (1, MIN_READING_MATCH, MIN_LOOSE_MATCH)):
            if len(phrase) < min_len:
                continue
            pos = text.find(phrase)
            while pos >= 0:
                if _word_bounded(text, pos, phrase):
                    found.add(pid)
                    break
                pos = text.find(phrase, pos + 1)
    return found


def test_phrase_finder_finds_what_the_plain_definition_finds():
    from matcher.lexicon import PhraseFinder, make_pattern

    phrases = [
        "子ども", "子", "こども食堂", "食堂", "堂", "預け", "あずける", "発達", "はったつ相談", "相談",
        "ファミサポ", "ファミリーサポート", "サポート", "ポー", "病児保育", "保育", "dv", "asd", "autis",
        "advice", "夜泣き", "泣き", "ショートステイ", "ステイ", "一時預かり", "預かり", "かり",
    ]
    patterns = [make_pattern(p) for p in phrases] + [make_pattern("相談")]  # a phrase twice
    finder = PhraseFinder(patterns)
    texts = [
        "こども食堂で子どもを預けたい",  # overlapping: 子ども / 食堂 / 堂 / こども食堂
        "はったつそうだんにいきたい",  # hiragana: readings
        "はつたつそうたんにいきたい",  # dropped dakuten and small kana: loose view
        "ふぁみりーさぽーとで一時預かりをしてほしい。病児保育も",
        "DV from my husband, I need advice; autistic son; dvd",
        "夜泣きがひどくてショートステイ",
        "",
        "abc",
    ]
    for text in texts:
        views = text_views(text)
        assert finder.find(views) == _reference_find(patterns, views), text
        spelling = views._replace(reading="", loose="")
        assert finder.find(views, spelling_only=True) == _reference_find(patterns, spelling), text


def test_phrase_finder_with_no_phrase_in_a_view():
    from matcher.lexicon import PhraseFinder, make_pattern

    finder = PhraseFinder([make_pattern("熱")])  # too short for the reading views
    assert finder.find(text_views("熱がある")) == {0}
    assert finder.find(text_views("ねつがある")) == set()
    assert PhraseFinder([]).find(text_views("熱")) == set()


def test_phrase_finder_survives_pickling():
    """Large catalogs are analysed in worker processes, which receive the dictionary pickled."""
    import pickle

    d = DomainDictionary([("ファミリーサポートセンター", ["ファミサポ"])])
    copy = pickle.loads(pickle.dumps(d))
    assert copy.canonicals_in(text_views("ふぁみさぽを使いたい")) == ["ファミリーサポートセンター"]

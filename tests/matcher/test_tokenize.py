"""Pins the Sudachi behaviour the matcher relies on, including its surprising splits."""

from matcher.normalize import fold_reading, is_kana_only, normalize_text, to_katakana
from matcher.tokenize import reading_string, terms, tokenize


def test_normalize_folds_width_tilde_dots_and_spaces():
    assert normalize_text("ﾌｧﾐﾘｰ・サポート・センター") == "ファミリーサポートセンター"
    assert normalize_text("9時～17時") == "9時〜17時"
    assert normalize_text("子ども を 預けたい！！！") == "子どもを預けたい!"
    assert normalize_text("ABC\u200bdef") == "abcdef"
    assert normalize_text("ｼｮｰﾄｽﾃｲ") == "ショートステイ"


def test_kana_dash_typed_as_hyphen_becomes_long_mark():
    assert normalize_text("ショ-トステイ") == "ショートステイ"
    assert normalize_text("0120-000-000") == "0120-000-000"


def test_kanji_and_kana_spellings_share_reading_terms():
    kanji = set(terms(tokenize("子供を預けたい")))
    kana = set(terms(tokenize("こどもをあずけたい")))
    assert {"r:コドモ", "r:アズケル"} <= kanji & kana


def test_kodomo_variants_share_lemma():
    lemmas = {tuple(t for t in terms(tokenize(s)) if not t.startswith("r:")) for s in ("子ども", "こども", "子供")}
    assert lemmas == {("子供",)}


def test_inflected_verb_gets_lemma_reading_not_surface_reading():
    toks = [t for t in tokenize("あずかってほしい") if t.content]
    assert toks[0].reading == "アズカル"
    assert toks[0].surface_reading == "アズカッ"


def test_context_reading_of_ambiguous_kanji():
    # 夜中 has a dictionary entry ヤチュウ; in context Sudachi reads ヨナカ, which we keep.
    assert "r:ヨナカ" in terms(tokenize("もう夜中だけど"))


def test_sudachi_surprising_splits_are_pinned():
    # 放課後等デイサービス: 等 is a suffix token, not part of the compound.
    assert terms(tokenize("放課後等デイサービス"))[:3] == ["放課後", "r:ホウカゴ", "デイサービス"]
    # ファミサポ is one unknown-ish noun; the abbreviation is bridged by the domain dictionary.
    assert terms(tokenize("ファミサポ")) == ["ファミサポ"]
    # A katakana compound joined by middle dots is one long unit with sub-words after normalising.
    assert terms(tokenize("ファミリー・サポート・センター")) == [
        "ファミリーサポートセンター", "ファミリー", "サポート", "センター"
    ]


def test_reading_string_of_hiragana_input():
    assert reading_string(tokenize("はったつがしんぱい")) == "ハッタツガシンパイ"


def test_fold_reading_ignores_dakuten_and_small_kana():
    assert fold_reading("はったつ") == fold_reading("はつたつ") == "ハツタツ"
    assert fold_reading("ショートステイ") == fold_reading("シヨトステイ")
    assert to_katakana("あずける") == "アズケル"
    assert is_kana_only("こどもを あずけたい") and not is_kana_only("子どもを預けたい")


def test_cached_morpheme_tokens_equal_fresh_ones():
    """Tokens are kept per (surface, dictionary entry); words Sudachi makes up in context are
    read afresh: 一 (a joined number) is イチ in 一晩 and ヒト in 一つ with the same word id."""
    from matcher import tokenize as tk

    texts = ["一晩だけ子どもを預けたい", "一つ聞きたい", "一晩中泣く。一つだけ", "ファミリーサポートセンターに子供を預ける", "ｸﾞｸﾞﾙ龘龘"]
    tk._morpheme_tokens.clear()
    fresh = []
    for text in texts:
        s = tk.normalize_text(text)
        fresh.append([t for m in tk._tokenizer().tokenize(s) for t in tk._tokens_of(m)])
    for _ in range(2):  # cold, then from the cache
        assert [tk.tokenize(text) for text in texts] == fresh
    readings = {t.surface: t.surface_reading for t in tk.tokenize("一晩")}
    assert readings["一"] == "イチ"
    assert {t.surface: t.surface_reading for t in tk.tokenize("一つ")}["一"] == "ヒト"


def test_control_characters_and_lone_surrogates_are_dropped_before_tokenising():
    assert normalize_text("\x00\ud800夜中に\udfff熱") == "夜中に熱"
    assert [t.surface for t in tokenize("\ud800熱")] == ["熱"]

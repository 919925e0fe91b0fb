"""Safety triage: every kind is caught, look-alikes are not, and each decision names its cue."""

import pytest

from matcher.safety import NO_DANGER, SafetyAssessment, assess, kind_levels
from matcher.tokenize import tokenize


@pytest.mark.parametrize(
    "text, kind",
    [
        ("子どもがボタン電池を飲み込んだ", "medical"),
        ("1歳がたばこを食べてしまった", "medical"),
        ("熱が高くてけいれんが止まらない", "medical"),
        ("呼びかけても反応がなく、ぐったりしている", "medical"),
        ("赤ちゃんが息をしていない", "medical"),
        ("もう死にたい", "self_harm"),
        ("消えてしまいたい", "self_harm"),
        ("この子と一緒に死のうかと思う", "self_harm"),
        ("夫に殴られる", "violence"),
        ("夫に殴られる", "dv"),
        ("彼に首を絞められた", "violence"),
        ("今、隣で父親が子どもを叩いている", "abuse"),
        ("車の中に赤ちゃんを置いたまま", "child_alone"),
        # Spoken Japanese drops the particle: 頭ぶつけて, 物投げたり.
        ("子供がソファから落ちて頭ぶつけて一回吐いた", "medical"),
        ("旦那が酔うと物投げたりするので子どもがおびえている", "dv"),
        ("幼児が何日も一人きりで親が帰ってこない", "child_alone"),
    ],
)
def test_clear_danger_is_urgent(text, kind):
    a = assess(text)
    assert a.level == "urgent"
    assert kind in a.kinds


@pytest.mark.parametrize(
    "text, kind",
    [
        ("子どもを叩いてしまいそうで怖い", "abuse"),
        ("イライラして手をあげてしまう", "abuse"),
        ("隣から毎晩怒鳴り声と子どもの泣き声が聞こえる", "abuse"),
        ("近所の子がご飯を食べさせてもらっていないみたい", "neglect"),
        ("ネグレクトではないかと心配", "neglect"),
        ("夫のモラハラがつらい", "dv"),
        ("夫が生活費を渡さない", "dv"),
        ("産後うつと言われた", "exhaustion"),
        ("眠れないし、この先に希望がない", "exhaustion"),
        ("娘が家に帰りたくないと言う", "runaway"),
        ("夜、小1の子を一人で留守番させている", "child_alone"),
    ],
)
def test_risk_needing_a_professional_is_concern(text, kind):
    a = assess(text)
    assert a.level == "concern"
    assert kind in a.kinds


@pytest.mark.parametrize(
    "text",
    [
        "死んだふりをして遊ぶのが好き",
        "息子が友だちを叩くので困っている",
        "保育園で友達を叩いてしまうと言われた",
        "「たたかれたらどうする？」という絵本",
        "弟がお兄ちゃんに叩かれて泣いた",
        "ごっこ遊びで「殺すぞ」と言う",
        "死ぬほど笑った",
        "殺す気か！ってくらい辛いカレー",
        "息が止まるほど驚いた",
        "夜中に38度の熱が出た",
        "子どもが薬を飲んでくれない",
        "誤飲を防ぐ工夫を知りたい",
        "夫に殴られたことはありません",
        "熱性けいれんを起こしたことがある子でも預けられますか",
        "ドラマのDVシーンを見て子どもが怖がる",
        "公園から帰りたがらない",
        "毎日同じ服を着たがる",
        "授乳を終わりにしたい",
        "子育てを助けてくれる人がいない",
        "My son hits other kids at daycare",
        "DVDばかり見ている",
        "売り上げが頭打ちで夫の仕事が不安",
        "息子がボールを投げて遊んでいる",
    ],
)
def test_look_alikes_raise_nothing(text):
    assert assess(text) == NO_DANGER


@pytest.mark.parametrize(
    "text, kind",
    [
        ("しにたい", "self_harm"),
        ("しんだほうがらく", "self_harm"),
        ("なぐられる", "violence"),
        ("おっとにけられた", "violence"),
        ("むすこがいきしてない", "medical"),
        ("うちにかえりたくないっていう", "runaway"),
    ],
)
def test_hiragana_only_input_meets_kanji_cues(text, kind):
    assert kind in assess(text).kinds


def test_kana_cue_must_start_on_a_word():
    # ケラレ (蹴られ) inside タスケラレル (助けられる) is not a kick.
    assert assess("みんなにたすけられる") == NO_DANGER


@pytest.mark.parametrize(
    "text, kind, level",
    [
        ("I want to kill myself", "self_harm", "urgent"),
        ("my husband hits me", "violence", "urgent"),
        ("my toddler swallowed a battery", "medical", "urgent"),
        ("she had a seizure", "medical", "urgent"),
        ("the baby is not breathing", "medical", "urgent"),
        ("I think the neighbours abuse their child", "abuse", "concern"),
    ],
)
def test_english(text, kind, level):
    a = assess(text)
    assert (a.level, kind in a.kinds) == (level, True)


def test_danger_in_the_middle_of_a_long_story_is_found():
    text = (
        "3歳と1歳の子がいて、夫は毎晩遅く、ワンオペで育児をしています。保育園の一時預かりを"
        "使いたいけれど空きがありません。昨日も夫に殴られて、子どもの前で怒鳴られました。"
        "実家は遠く、頼れる人もいません。ファミサポの登録方法も知りたいです。"
    )
    a = assess(text)
    assert a.level == "urgent" and {"violence", "dv"} <= set(a.kinds)


def test_reasons_name_the_cue_and_the_words():
    a = assess("子どもがボタン電池を飲み込んだ")
    assert a.cues[0].cue == "medical.ingestion"
    assert "ボタン電池を飲み込" in a.cues[0].matched
    assert a.reasons[0].startswith("『ボタン電池を飲み込")
    assert "誤飲" in a.reasons[0] and "緊急" in a.reasons[0]


def test_kana_reasons_quote_what_the_person_wrote():
    a = assess("しにたい")
    assert a.cues[0].matched == "しにたい"


def test_happening_now_raises_and_long_ago_lowers_the_level():
    assert assess("父親が子どもを叩く").level == "concern"
    now = assess("今、父親が子どもを叩いている")
    assert now.level == "urgent" and any("いま起きている" in r for r in now.reasons)
    past = assess("昔、夫に殴られていた")
    assert past.level == "concern" and "violence" in past.kinds


def test_negated_suicidal_words_still_suggest_a_talk():
    # Err on the side of help: 「死にたいとは思わない」 is not urgent but still worth a line to call.
    assert assess("死にたいとは思わないけど、毎日しんどい").level == "concern"


def test_several_kinds_most_dangerous_first():
    a = assess("この子を道連れに死のうと思う")
    assert a.level == "urgent"
    assert a.kinds[:2] == ("self_harm", "abuse")
    assert kind_levels(a) == {"self_harm": "urgent", "abuse": "urgent"}


def test_passing_tokens_gives_the_same_answer():
    text = "しにたい"
    assert assess(text, tokens=tokenize(text)) == assess(text)


def test_empty_text():
    assert assess("") == NO_DANGER and assess("   ") == NO_DANGER
    assert isinstance(NO_DANGER, SafetyAssessment) and not NO_DANGER.alarm


def test_reading_homophones_of_kanji_words_are_not_cues():
    # 家で reads イエデ like 家出 (running away); only words written in kana use the reading.
    assert assess("中学生の息子が家でも話さない") == NO_DANGER
    assert "runaway" in assess("むすめがいえでをした").kinds


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Meu marido me bate", "violence"),
        ("孩子发高烧，一直在抽搐", "medical"),
        ("Tôi muốn chết", "self_harm"),
        ("quiero morir", "self_harm"),
    ],
)
def test_other_languages_of_families_in_japan(text, kind):
    a = assess(text)
    assert a.level == "urgent" and kind in a.kinds


def test_counsellor_shorthand():
    assert "self_harm" in assess("産後2か月、母に希死念慮あり").kinds


def test_names_of_services_are_not_danger():
    assert assess("配偶者暴力相談支援センターの連絡先を更新したい") == NO_DANGER
    assert assess("虐待対応ダイヤル189の案内文") == NO_DANGER


def test_story_words_do_not_hide_ones_own_danger():
    assert assess("ニュースを見て、自分も叩いてしまいそう").level == "concern"
    assert assess("ゲーム中に夫に殴られた").level == "urgent"


def test_reading_match_must_not_stand_on_other_kanji():
    # 返ってこない reads like 帰ってこない; the person wrote 返, so it is not a missing child.
    assert assess("娘が反抗期で、何を言っても「うざい」しか返ってこない") == NO_DANGER


@pytest.mark.parametrize(
    "text, kind",
    [
        ("娘が義父から嫌なことをされていると打ち明けてきた", "abuse"),
        ("元夫がつきまとってくる", "dv"),
        ("生きているのがつらい", "self_harm"),
    ],
)
def test_quieter_signs_are_concern(text, kind):
    a = assess(text)
    assert a.level == "concern" and kind in a.kinds


def test_short_reading_inside_a_longer_kana_word_is_not_a_cue():
    # 遺書 (イショ) must not fire inside じへいしょう (自閉症 typed in kana)
    assert assess("ほうでい さがしてる 小2 じへいしょう").level == "none"
    assert assess("いしょをかいた").level != "none"


def test_cue_search_from_key_positions_equals_a_full_scan():
    """assess tries each cue's regexes only where one of its keys occurs; that must find exactly
    what scanning the whole text finds, on the surface and in the kana reading."""
    from matcher.normalize import normalize_text, to_hiragana
    from matcher.safety import _Channel, _kana_channel, _lexicon

    sentences = [
        "子どもがボタン電池を飲み込んだ",
        "もう死にたい。消えてしまいたい。この子と一緒に死のうかと思う",
        "夫に殴られる、彼に首を絞められた。今、隣で父親が子どもを叩いている",
        "車の中に赤ちゃんを置いたまま、幼児が何日も一人きりで親が帰ってこない",
        "子どもを叩いてしまいそうで怖い。イライラして手をあげてしまう",
        "My husband hits me. I want to die. DV",
        "公園で遊んだ。絵本を読んだ",
    ]
    texts = sentences + [to_hiragana(t) for t in sentences] + ["。".join(sentences * 3)]
    lex = _lexicon()
    for text in map(normalize_text, texts):
        surface, kana = _Channel(text), _kana_channel(text, tokenize(text, normalized=True))
        for channel, finder, field in ((surface, lex.surface_keys, "surface"), (kana, lex.kana_keys, "kana")):
            starts = channel.cue_starts(finder)
            for i, cue in enumerate(lex.cues):
                patterns = getattr(cue, field)
                expected = [m.span() for m in channel.finditer(patterns)]
                got = [m.span() for m in channel.matches_from(patterns, starts.get(i, ()))]
                assert got == expected, (text, cue.id, field)

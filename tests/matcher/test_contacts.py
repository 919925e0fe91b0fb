"""Contacts: the right lines, most urgent first, catalog entries before the national fallback."""

from catalog.model import Resource
from matcher.contacts import contacts_for, emergency_contact_resources, national_contacts, safety_block
from matcher.safety import assess


def phones(contacts):
    return [c.phone for c in contacts]


def test_medical_emergency_puts_119_first():
    got = contacts_for(assess("子どもがボタン電池を飲み込んだ"))
    assert phones(got)[0] == "119"
    assert "#8000" in phones(got)


def test_child_harmed_now_gives_110_then_189():
    got = phones(contacts_for(assess("今、父親が子どもを殴っている")))
    assert got[:2] == ["110", "189"]


def test_partner_violence_gives_110_and_dv_lines():
    got = phones(contacts_for(assess("夫に殴られる")))
    assert got[0] == "110"
    assert {"0120-279-889", "#8008"} <= set(got)


def test_suicidal_thoughts_give_mental_health_lines_and_119():
    got = phones(contacts_for(assess("もう死にたい")))
    assert got[0] == "0120-279-338"
    assert {"0570-064-556", "119"} <= set(got)


def test_fear_of_hurting_the_child_gives_189():
    got = phones(contacts_for(assess("子どもを叩いてしまいそう")))
    assert got[0] == "189" and "110" not in got


def test_no_danger_no_contacts():
    assert contacts_for(assess("一時預かりを探しています")) == []


def test_catalog_emergency_entries_come_before_the_national_line_which_stays():
    local = Resource(id="jisou", name="周南児童相談所", category="child_guidance_center", phone="0834-29-8150", opening_hours="Mo-Fr 08:30-17:15")
    other = Resource(id="hiroba", name="子育てひろば", category="play_space", phone="0834-00-0000")
    got = contacts_for(assess("子どもを叩いてしまいそう"), [other, local])
    assert got[0].resource_id == "jisou" and got[0].hours == "Mo-Fr 08:30-17:15"
    assert "189" in phones(got) and "0834-00-0000" not in phones(got)


def test_catalog_entry_without_phone_is_skipped_and_fallback_present_for_urgent():
    local = Resource(id="dv", name="DVセンター", category="dv_support")
    got = contacts_for(assess("夫に殴られる"), [local])
    assert "dv" not in [c.resource_id for c in got]
    assert phones(got)[0] == "110"


def test_same_number_in_catalog_is_not_repeated():
    local = Resource(id="n189", name="児童相談所（189）", category="child_guidance_center", phone="189")
    got = contacts_for(assess("子どもを叩いてしまいそう"), [local])
    assert phones(got).count("189") == 1 and got[0].resource_id == "n189"


def test_analyst_overrides_replace_remove_and_add(tmp_path):
    path = tmp_path / "contacts.tsv"
    path.write_text(
        "id\tkind\tname\tphone\twhat_to_do\thours\turl\n"
        "mental_yorisoi\tmental_health_line\tよりそい（市内）\t0120-000-111\t話せます\t24時間\t\n"
        "mental_kokoro\tmental_health_line\tこころ\t-\tx\t\t\n"
        "city_line\tmental_health_line\t市のこころの相談\t0834-11-2222\t平日に相談\t平日\t\n",
        encoding="utf-8",
    )
    got = phones(contacts_for(assess("もう死にたい"), overrides_path=path))
    assert got[:2] == ["0120-000-111", "0834-11-2222"]
    assert "0570-064-556" not in got
    assert "0570-064-556" in phones(national_contacts())


def test_every_national_contact_says_what_to_do():
    for c in national_contacts():
        assert c.name and c.phone and c.kind and len(c.what_to_do) > 10


def test_safety_block_has_contract_keys_and_plain_words():
    a = assess("子どもがボタン電池を飲み込んだ")
    block = safety_block(a, contacts_for(a))
    assert block["level"] == "urgent"
    assert block["contacts"][0]["phone"] == "119"
    assert set(block["contacts"][0]) == {"name", "phone", "kind", "what_to_do", "url", "resource_id", "hours"}
    assert block["kinds"] == ["medical"] and block["reasons"]
    assert "119" in block["message"] and block["message_en"]


def test_safety_block_for_no_danger():
    block = safety_block(assess("ファミサポ"), [])
    assert block["level"] == "none" and block["contacts"] == [] and block["message"] == ""


def test_preselected_emergency_entries_pin_the_same_contacts_as_the_whole_catalog():
    # Many entries per emergency category, some without a phone, some in two categories.
    catalog = [
        Resource(id=f"r{i}", name=f"窓口{i}", category=cat, secondary_categories=extra,
                 phone=None if i % 3 == 0 else f"0120-000-{i:03d}")
        for i, (cat, extra) in enumerate(
            [(c, s) for c in ("child_guidance_center", "dv_support", "mental_health_line", "pediatric_emergency", "regional_hub")
             for s in ((), ("dv_support",), ("mental_health_line",))] * 3
        )
    ]
    chosen = emergency_contact_resources(catalog)
    assert len(chosen) < len(catalog)
    for text in ("子どもがボタン電池を飲み込んだ", "夫に殴られる", "もう死にたい", "子どもを叩いてしまいそう", "今、父親が子どもを殴っている"):
        assert contacts_for(assess(text), chosen) == contacts_for(assess(text), catalog), text

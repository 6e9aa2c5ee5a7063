"""Exports, each read back by the library its users open it with: csv, jsonschema, rdflib, networkx, markdown-it.

Expected counts come from the TEI itself (XPath over the fixture), not from the
exporter's own reading, so a reading error shows up as a mismatch.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import networkx
import pytest
import rdflib
from click.testing import CliRunner
from lxml import etree
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from teikit.cli import cli
from teikit.errors import InputError, UsageError, XMLInputError
from teikit.export import FORMATS, csv_format, export, export_files, export_many, get_format, list_formats
from teikit.export.json_format import schema as export_schema
from teikit.export.occurrences import extract
from teikit.export.sentences import Span, split_sentences
from teikit.export.xmltext import slug
from teikit.xmlio import parse_xml, parse_xml_bytes

from conftest import FIXTURES, REPO, SAMPLES, imports_a_stage

EXPORT_FIXTURES = FIXTURES / "export"
TAGGED_FIXTURE = EXPORT_FIXTURES / "tagged-manifesto.xml"
FOREIGN = EXPORT_FIXTURES / "foreign-letter.xml"
PLAIN = EXPORT_FIXTURES / "foreign-plain.xml"
EDITION = REPO / "edition" / "workers-group-manifesto-1.xml"
T = {"t": "http://www.tei-c.org/ns/1.0"}
SCHEMA_ORG = rdflib.Namespace("http://schema.org/")
BASE = "https://example.org/exports/"
ALL = sorted(FORMATS)
MENTION_XPATH = (
    "//t:text//*[self::t:persName or self::t:orgName or self::t:placeName or self::t:geogName"
    " or self::t:rs or self::t:name or self::t:date or self::t:title]"
)
# rdflib's own JSON-LD parser uses a class rdflib itself deprecates; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
SHARED_MODULES = {
    "__init__",
    "blocks",
    "genre_records",
    "genres",
    "metadata",
    "occurrences",
    "records",
    "sentences",
    "xmltext",
}


def _edition_is_tagged() -> bool:
    return EDITION.is_file() and bool(parse_xml(EDITION).xpath("//t:standOff//t:listPerson", namespaces=T))


# The seed's own edition joins the tagged inputs as soon as it carries a register (the tagger's branch).
TAGGED = [TAGGED_FIXTURE] + ([EDITION] if _edition_is_tagged() else [])
SAMPLE_FILES = [SAMPLES / "hamlet.xml", SAMPLES / "ENG19011_Jerome.xml"]


def _sample(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"TEI sample not found at {path}")
    return path


# ----------------------------------------------------------------- readers: each format through its consumer


def read_csv(data: bytes, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """A strict RFC 4180 read: CRLF line ends only, UTF-8, the header, equal row lengths."""
    assert b"\n" not in data.replace(b"\r\n", b""), "every line ends in CRLF"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))
    assert tuple(rows[0]) == columns
    assert all(len(row) == len(columns) for row in rows)
    return [dict(zip(columns, row, strict=True)) for row in rows[1:]]


def read_json(data: bytes) -> dict:
    document = json.loads(data)
    jsonschema.Draft202012Validator(export_schema(), format_checker=jsonschema.FormatChecker()).validate(document)
    return document


def read_jsonld(data: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format="json-ld", publicID=BASE)


def read_gexf(data: bytes) -> networkx.Graph:
    return networkx.read_gexf(io.BytesIO(data))


def read_timeline(data: bytes) -> dict:
    timeline = json.loads(data)
    schema = json.loads((EXPORT_FIXTURES / "timelinejs.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(timeline)
    return timeline


def read_conll(data: bytes) -> list[list[tuple[str, str]]]:
    """Sentences of (token, tag); fails on any line that is not 'TOKEN TAG' with a valid IOB2 tag sequence."""
    lines = data.decode("utf-8").split("\n")
    assert lines[:2] == ["-DOCSTART- O", ""]
    assert lines[-2:] == ["", ""], "the file ends with a blank line after the last sentence"
    sentences, current = [], []
    for line in lines[2:-1]:
        if not line:
            assert current, "no empty sentence"
            sentences.append(current)
            current = []
            continue
        token, tag = line.split(" ")
        assert re.fullmatch(r"O|[BI]-(PER|ORG|LOC|DATE|MISC)", tag), line
        if tag.startswith("I-"):
            assert current and current[-1][1] in (f"B-{tag[2:]}", tag), f"{line} does not continue an entity"
        current.append((token, tag))
    assert not current
    return sentences


def _tokens(tokens):
    for token in tokens:
        yield token
        yield from _tokens(token.children or [])


def read_markdown(data: bytes) -> tuple[str, dict]:
    """HTML rendered by markdown-it (CommonMark + footnotes) and the footnote table; every footnote resolves."""
    source = data.decode("utf-8")
    md = MarkdownIt("commonmark").use(footnote_plugin)
    env: dict = {}
    references = sum(1 for t in _tokens(md.parse(source, env)) if t.type == "footnote_ref")
    refs = env.get("footnotes", {}).get("refs", {})
    assert all(index >= 0 for index in refs.values()), f"footnote defined but never referenced: {refs}"
    written = re.findall(r"(?<!\\)\[\^[^\]\s]+\](?!:)", source)
    assert references == len(written), "every footnote reference written resolves to a definition"
    return md.render(source), refs


READERS = {
    "csv": lambda files, name: (
        read_csv(files[f"{name}.entities.csv"], csv_format.OCCURRENCE_COLUMNS),
        read_csv(files[f"{name}.register.csv"], csv_format.REGISTER_COLUMNS),
    ),
    "json": lambda files, name: read_json(files[f"{name}.json"]),
    "jsonld": lambda files, name: read_jsonld(files[f"{name}.jsonld"]),
    "gexf": lambda files, name: read_gexf(files[f"{name}.gexf"]),
    "timeline": lambda files, name: read_timeline(files[f"{name}.timeline.json"]),
    "conll": lambda files, name: read_conll(files[f"{name}.conll"]),
    "markdown": lambda files, name: read_markdown(files[f"{name}.md"]),
}


# ----------------------------------------------------------------- what the TEI says, by XPath


def tei_mentions(path: Path) -> list[etree._Element]:
    return parse_xml(path).xpath(MENTION_XPATH, namespaces=T)


def tei_register_ids(path: Path) -> set[str]:
    return set(
        parse_xml(path).xpath(
            "//t:standOff//*[self::t:person or self::t:org or self::t:place or self::t:event]/@xml:id"
            " | //t:standOff//t:listBibl/t:bibl/@xml:id",
            namespaces=T,
        )
    )


def unregistered_works(path: Path) -> set[str]:
    """The implicit entities of titles without @ref: works known by their words (work:slug)."""
    titles = parse_xml(path).xpath("//t:text//t:title[not(@ref)]", namespaces=T)
    return {f"work:{slug(''.join(t.itertext()))}" for t in titles}


def tei_names(path: Path, element: str) -> list[etree._Element]:
    return parse_xml(path).xpath(f"//t:text//t:{element}", namespaces=T)


@pytest.fixture(scope="module", params=TAGGED, ids=lambda p: p.stem)
def tagged(request):
    """A tagged TEI file, all its exports, and what the TEI says."""
    path = request.param
    files = export_many(parse_xml(path), ALL, path.stem)
    return path, files


# ----------------------------------------------------------------- the registry


def test_registry_lists_every_format_module():
    package = Path(__import__("teikit.export", fromlist=["x"]).__file__).parent
    modules = {p.stem for p in package.glob("*.py")}
    assert set(FORMATS) == {"csv", "json", "jsonld", "gexf", "timeline", "conll", "markdown"}
    module_of = {e.render.__module__.rsplit(".", 1)[1] for e in FORMATS.values()}
    assert module_of == modules - SHARED_MODULES, "every module that is not shared code is a format"
    for exporter in list_formats():
        assert exporter.description and "\n" not in exporter.description
        assert exporter.suffixes and all(not s.startswith(".") for s in exporter.suffixes)


def test_list_formats_is_sorted_and_unknown_format_is_a_usage_error():
    assert [e.name for e in list_formats()] == sorted(FORMATS)
    with pytest.raises(UsageError, match="no export format called 'pdf'") as caught:
        get_format("pdf")
    assert "csv" in caught.value.hint


def test_exports_import_nothing_from_the_text_pipeline():
    """TEI is the interchange: no export module reaches into read, tag or model."""
    package = REPO / "src" / "teikit" / "export"
    forbidden = {"read", "tag", "model", "convert", "tei", "build", "edition"}
    for path in sorted(package.glob("*.py")):
        assert not imports_a_stage(path, forbidden), path.name


# ----------------------------------------------------------------- the shared reading


def test_every_mention_in_the_tei_is_an_occurrence(tagged):
    path, _ = tagged
    extracted = extract(parse_xml(path), path.stem)
    assert len(extracted.occurrences) == len(tei_mentions(path))
    register = tei_register_ids(path)
    for occurrence in extracted.occurrences:
        if occurrence.type == "date":
            assert occurrence.entity is None and occurrence.date is not None
        else:  # titles the register does not hold are works known by their words (work:slug)
            assert occurrence.entity in register or occurrence.entity.startswith("work:")


def test_block_text_reads_corrections_and_leaves_notes_out():
    extracted = extract(parse_xml(TAGGED_FIXTURE), "m")
    blocks = {b.locator: b for b in extracted.blocks}
    assert "just after the 13th Congress" in blocks["p9"].text  # corr, not "after to"
    assert "[1]" not in blocks["p1"].text and [p.note for p in blocks["p1"].pieces if p.note] == ["en1", "fn1"]
    assert blocks["fn1"].note == "fn1" and not blocks["fn1"].text.startswith("[1]")
    surfaces = [o.surface for o in extracted.occurrences if o.block == blocks["en1"].index and o.type == "date"]
    assert "beginning of the 1930s" in surfaces  # a date around a choice reads the correction


@pytest.mark.parametrize(("path", "prefix"), [(FOREIGN, "/TEI/"), (TAGGED_FIXTURE, "id('")], ids=["root", "id"])
def test_locators_are_xpaths_that_find_the_element(path, prefix):
    """Without xml:id, an element is found by a path from its nearest identified ancestor, or from the root."""
    tree = parse_xml(path)
    occurrences = extract(tree, path.stem).occurrences
    assert all(o.element.startswith(prefix) for o in occurrences)
    for occurrence in occurrences:
        xpath = re.sub(r"/(\w+)", r"/t:\1", occurrence.element)
        found = tree.xpath(xpath, namespaces=T)
        assert len(found) == 1, xpath
        assert etree.QName(found[0]).localname in ("persName", "placeName", "orgName", "rs", "name", "date")
        assert " ".join("".join(found[0].itertext()).split()) == occurrence.surface or occurrence.surface.endswith(
            "1930s"
        )  # the one date around a sic/corr choice


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Read it in the International Review n°s. 8 and 9, also cited. Next one.",
            ["Read it in the International Review n°s. 8 and 9, also cited.", "Next one."],
        ),
        ("Sapranov, V. Smirnov and Ossinski. The 46 was", ["Sapranov, V. Smirnov and Ossinski.", "The 46 was"]),
        (
            "lackeys (Mensheviks, etc.) who defended it. And yet",
            ["lackeys (Mensheviks, etc.) who defended it.", "And yet"],
        ),
        ("Britain, Japan, etc. The wealth", ["Britain, Japan, etc.", "The wealth"]),
        ('(Cf. his speech). "We are ready?" He asked.', ["(Cf. his speech).", '"We are ready?"', "He asked."]),
        ("Dr. Weiss came. Mr. Smith left!", ["Dr. Weiss came.", "Mr. Smith left!"]),
        ("conversation...Nowadays it is not", ["conversation...Nowadays it is not"]),
    ],
)
def test_sentence_splitter(text, expected):
    assert [text[s.start : s.end] for s in split_sentences(text)] == expected


def test_sentence_boundary_never_cuts_an_entity():
    text = "We met Prof. X. Y. Zed at noon. Then we left."
    protected = [Span(text.index("X. Y. Zed"), text.index("X. Y. Zed") + len("X. Y. Zed"))]
    assert [text[s.start : s.end] for s in split_sentences(text, protected)] == [
        "We met Prof. X. Y. Zed at noon.",
        "Then we left.",
    ]


# ----------------------------------------------------------------- each format on the tagged TEI


def test_csv_rows_match_the_tei_and_the_register(tagged):
    path, files = tagged
    occurrences, register = READERS["csv"](files, path.stem)
    mentions = tei_mentions(path)
    assert len(occurrences) == len(mentions)
    register_ids = tei_register_ids(path) | unregistered_works(path)
    assert {row["id"] for row in register} == register_ids
    assert {row["entity_id"] for row in occurrences if row["type"] != "date"} <= register_ids
    for row, element in zip(occurrences, mentions, strict=True):
        assert (
            row["type"]
            == {
                "persName": "person",
                "orgName": "org",
                "placeName": "place",
                "title": "work",
                "rs": element.get("type"),
                "date": "date",
            }[etree.QName(element).localname]
        )
        assert row["surface"] == " ".join("".join(element.itertext()).split()) or "choice" in etree.tostring(
            element, encoding="unicode"
        )
    counts = {row["id"]: int(row["mentions"]) for row in register}
    for entity_id in tei_register_ids(path):
        refs = parse_xml(path).xpath(f"//t:text//*[@ref='#{entity_id}']", namespaces=T)
        assert counts[entity_id] == len(refs)
    if path == TAGGED_FIXTURE:
        lenin = next(row for row in register if row["id"] == "lenin")
        assert (lenin["preferred_name"], lenin["wikidata"], lenin["dates"]) == (
            "Vladimir Lenin",
            "Q1394",
            "birth 1870-04-22; death 1924-01-21",
        )
        april = next(row for row in occurrences if row["surface"] == "April-May 1923")
        assert (april["date"], april["date_kind"], april["block"], april["division"]) == (
            "1923-04/1923-05",
            "range",
            "p9",
            "section",
        )


def test_json_is_valid_against_its_schema_and_counts_match(tagged):
    path, files = tagged
    document = READERS["json"](files, path.stem)
    jsonschema.Draft202012Validator.check_schema(export_schema())
    assert len(document["occurrences"]) == len(tei_mentions(path))
    assert {e["id"] for e in document["register"]} == tei_register_ids(path) | unregistered_works(path)
    assert sum(e["mentions"] for e in document["register"]) == sum(
        1 for o in document["occurrences"] if o["type"] != "date"
    )
    for occurrence in document["occurrences"]:
        assert occurrence["surface"] in occurrence["sentence"]
    assert document["document"]["id"] == parse_xml(path).getroot().get("{http://www.w3.org/XML/1998/namespace}id")


def test_jsonld_parses_into_the_expected_triples(tagged):
    path, files = tagged
    graph = READERS["jsonld"](files, path.stem)
    # The edition is the node that mentions the entities; works of the register and the source's related
    # works are CreativeWorks too, but they mention nothing.
    documents = [
        d for d in graph.subjects(rdflib.RDF.type, SCHEMA_ORG.CreativeWork) if (d, SCHEMA_ORG.mentions, None) in graph
    ]
    assert len(documents) == 1
    document = documents[0]
    types = {
        "person": SCHEMA_ORG.Person,
        "personGrp": SCHEMA_ORG.Person,
        "org": SCHEMA_ORG.Organization,
        "place": SCHEMA_ORG.Place,
        "event": SCHEMA_ORG.Event,
    }
    tree = parse_xml(path)
    named = {ref[1:] for ref in tree.xpath("//t:text//@ref", namespaces=T)}
    # A title the register does not hold is a work known by its words only (work:slug, ':' percent-encoded).
    named |= {f"work%3A{slug(''.join(t.itertext()))}" for t in tree.xpath("//t:text//t:title[not(@ref)]", namespaces=T)}
    assert set(graph.objects(document, SCHEMA_ORG.mentions)) == {rdflib.URIRef(f"{BASE}#{i}") for i in named}
    for entity_id in tei_register_ids(path):
        node = rdflib.URIRef(f"{BASE}#{entity_id}")
        kind = etree.QName(tree.xpath(f"//t:standOff//*[@xml:id='{entity_id}']", namespaces=T)[0]).localname
        if kind == "bibl":  # a work: its type follows its title's level (Article, Periodical…)
            assert {SCHEMA_ORG.CreativeWork, SCHEMA_ORG.Article, SCHEMA_ORG.Periodical} & set(
                graph.objects(node, rdflib.RDF.type)
            )
        else:
            assert (node, rdflib.RDF.type, types[kind]) in graph
        for idno in tree.xpath(f"//*[@xml:id='{entity_id}']/t:idno[@type='Wikidata']", namespaces=T):
            assert (node, SCHEMA_ORG.sameAs, rdflib.URIRef(f"http://www.wikidata.org/entity/{idno.text}")) in graph
    if path == TAGGED_FIXTURE:
        lenin = rdflib.URIRef(f"{BASE}#lenin")
        assert (lenin, SCHEMA_ORG.name, rdflib.Literal("Vladimir Lenin")) in graph
        assert (lenin, SCHEMA_ORG.birthDate, rdflib.Literal("1870-04-22")) in graph
        assert (
            rdflib.URIRef(f"{BASE}#russia"),
            SCHEMA_ORG.sameAs,
            rdflib.URIRef("https://sws.geonames.org/2017370/"),
        ) in graph


def _blocks_naming(tree: etree._ElementTree, *ids: str) -> int:
    """How many blocks (p, item, head, note…) name every one of ``ids``, counted straight from the TEI."""
    blocks = tree.xpath(
        "//t:text//*[self::t:p or self::t:item or self::t:head or self::t:note or self::t:seg"
        " or self::t:salute or self::t:titlePart or self::t:signed or self::t:trailer]",
        namespaces=T,
    )
    return sum(1 for block in blocks if all(block.xpath(f".//*[@ref='#{i}']", namespaces=T) for i in ids))


def test_gexf_opens_in_networkx_with_the_persons_and_organisations(tagged):
    path, files = tagged
    graph = READERS["gexf"](files, path.stem)
    tree = parse_xml(path)
    expected = {ref[1:] for ref in tree.xpath("//t:text//*[self::t:persName or self::t:orgName]/@ref", namespaces=T)}
    assert set(graph.nodes) == expected
    for node, data in graph.nodes(data=True):
        assert data["type"] in ("person", "org")
        assert data["mentions"] == len(tree.xpath(f"//t:text//*[@ref='#{node}']", namespaces=T))
    for source, target, data in graph.edges(data=True):
        assert data["weight"] == _blocks_naming(tree, source, target)
    if path == TAGGED_FIXTURE:
        assert graph["miasnikov"]["workers-group"]["weight"] == 3
        assert graph.nodes["workers-group"]["label"] == "Workers' Group of the Russian Communist Party (Bolshevik)"


def test_timeline_is_valid_timelinejs_and_sorted(tagged):
    path, files = tagged
    timeline = READERS["timeline"](files, path.stem)
    dates = tei_names(path, "date")
    # The text's dated passages, the register's events with their own dates, and the header's dates (creation,
    # origDate, correspDesc), which say so.
    events = parse_xml(path).xpath("//t:listEvent/t:event[@when or @from or @notBefore]", namespaces=T)
    of_text = [e for e in timeline["events"] if "in the header" not in e["text"]["text"] and e["group"] != "Events"]
    assert len(of_text) == len(dates)
    assert sum(1 for e in timeline["events"] if e["group"] == "Events") == len(events)
    starts = [tuple(e["start_date"].get(k, 0) for k in ("year", "month", "day")) for e in timeline["events"]]
    assert starts == sorted(starts)
    for event in of_text:
        assert f"<b>{event['display_date']}</b>" in event["text"]["text"]
    if path == TAGGED_FIXTURE:
        summer = next(e for e in timeline["events"] if e["display_date"] == "summer of 1923")
        assert (summer["start_date"], summer["end_date"]) == (
            {"year": 1923, "month": 6, "day": 1},
            {"year": 1923, "month": 8, "day": 31},
        )
        assert summer["text"]["text"].startswith("In the <b>summer of 1923</b>, the first clear crisis")


def test_conll_tokens_rebuild_every_block_and_tag_every_entity(tagged):
    path, files = tagged
    sentences = READERS["conll"](files, path.stem)
    extracted = extract(parse_xml(path), path.stem)
    position = 0
    for block in extracted.blocks:
        count = len(block.sentences)
        tokens = [token for sentence in sentences[position : position + count] for token, _ in sentence]
        assert "".join(tokens) == re.sub(r"\s", "", block.text), block.locator
        position += count
    assert position == len(sentences)
    tags = [tag for sentence in sentences for _, tag in sentence]
    outermost = [
        e
        for e in tei_mentions(path)
        if not e.xpath(
            "ancestor::*[self::t:persName or self::t:orgName or self::t:placeName or self::t:date]", namespaces=T
        )
    ]
    assert sum(tag.startswith("B-") for tag in tags) == len(outermost)
    for label, element in (("PER", "persName"), ("ORG", "orgName"), ("LOC", "placeName"), ("DATE", "date")):
        assert tags.count(f"B-{label}") == len(tei_names(path, element))


def test_markdown_headings_lists_and_footnotes_resolve(tagged):
    path, files = tagged
    html, refs = READERS["markdown"](files, path.stem)
    tree = parse_xml(path)
    referenced = {t[1:] for t in tree.xpath("//t:text//t:ref/@target", namespaces=T)}
    # Notes written where they apply (the editors' notes inside a paragraph) are footnotes in Markdown too.
    in_place = set(tree.xpath("//t:text//t:p//t:note/@xml:id | //t:text//t:note//t:note/@xml:id", namespaces=T))
    notes = set(tree.xpath("//t:note/@xml:id", namespaces=T)) & referenced | in_place
    assert {label[1:] for label in refs} == notes
    page = etree.fromstring(f"<div>{html}</div>".encode(), etree.XMLParser(recover=True))
    headings = page.xpath("//h1|//h2|//h3|//h4|//h5|//h6")
    assert len(headings) == len(tree.xpath("//t:text//t:head|//t:text//t:titlePart", namespaces=T))
    assert len(page.xpath("//li[not(@class='footnote-item')]")) == len(tree.xpath("//t:text//t:item", namespaces=T))
    assert len(page.xpath("//hr[not(@class)]")) == len(tree.xpath("//t:milestone[@unit='section']", namespaces=T))
    text = " ".join("".join(page.itertext()).split())
    assert "Lenin's withdrawal from political life" in text


# ----------------------------------------------------------------- foreign TEI and the samples


def test_foreign_entities_are_grouped_by_reference_or_surface():
    extracted = extract(parse_xml(FOREIGN), "letter")
    entities = {e.id: e for e in extracted.register}
    lenin = entities["http://www.wikidata.org/entity/Q1394"]  # wd:Q1394 and …/wiki/Q1394 are one entity
    assert (lenin.name, lenin.variants, lenin.source) == ("Lenin", ("Vladimir Ilyich",), "reference")
    assert [a.uri for a in lenin.authorities] == ["http://www.wikidata.org/entity/Q1394"]
    assert entities["person:clara"].source == "surface"
    assert extracted.mention_counts()["person:clara"] == 3
    assert entities["petrograd"].type == "place"  # rs/@type, the local @ref has no entry
    assert entities["place:paris"].type == "place" and "http://www.wikidata.org/entity/Q90" in entities
    assert entities["org:zimmerwald-left"].type == "org"


@pytest.mark.parametrize("name", ALL)
def test_each_format_on_the_foreign_fixture(name):
    tree = parse_xml(FOREIGN)
    files = export(tree, name, "letter")
    result = READERS[name](files, "letter")
    mentions = len(tei_mentions(FOREIGN))
    if name == "csv":
        assert len(result[0]) == mentions and any(r["source"] == "surface" for r in result[1])
    elif name == "json":
        assert len(result["occurrences"]) == mentions
    elif name == "jsonld":
        lenin = rdflib.URIRef(BASE + "#http%3A//www.wikidata.org/entity/Q1394")
        assert (lenin, SCHEMA_ORG.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q1394")) in result
        assert (lenin, rdflib.RDF.type, SCHEMA_ORG.Person) in result
    elif name == "gexf":
        assert "http://www.wikidata.org/entity/Q1394" in result.nodes and "person:dr-weiss" in result.nodes
    elif name == "timeline":
        assert len(result["events"]) == len(tei_names(FOREIGN, "date"))
    elif name == "conll":
        tagged_tokens = [pair for sentence in result for pair in sentence]
        assert ("the", "B-LOC") in tagged_tokens and ("capital", "I-LOC") in tagged_tokens
        assert ("Commune", "O") in tagged_tokens  # "Com<pb break='no'/>mune" is one word
        assert ("Clara", "B-PER") in tagged_tokens and ("'s", "O") in tagged_tokens  # the clitic stays whole
    elif name == "markdown":
        html, refs = result
        assert len(refs) == 2 and "1. on the government of the workers;" not in html
        assert re.search(r'early May\.<sup class="footnote-ref">.*At the Salle Wagram', html, re.S)
        assert "<ol>" in html and "the police" not in html and "spring is late along the Seine,<br />" in html


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("name", ALL)
def test_each_format_on_the_samples_gives_a_readable_file_or_says_why_not(sample, name):
    path = _sample(sample)
    tree = parse_xml(path)
    exporter = get_format(name)
    mentions = tei_mentions(path)
    names = [m for m in mentions if etree.QName(m).localname != "date"]
    has_dates = any(
        m.get("when") or m.get("from") or m.get("notBefore") for m in mentions if etree.QName(m).localname == "date"
    )
    register = tree.xpath("//t:person[@xml:id] | //t:place[@xml:id] | //t:org[@xml:id]", namespaces=T)
    speakers = tree.xpath("//t:sp[@who]", namespaces=T)
    can = {
        None: True,
        "entities": bool(mentions),
        "persons or organisations": bool(names),
        "dates": has_dates,
        "entities or a register": bool(mentions or register),
        "speakers, letters or persons": bool(names or speakers),
    }
    if not can[exporter.needs]:
        with pytest.raises(InputError, match=f"cannot export {name}: the document has no"):
            export(tree, name, path.stem)
        return
    files = export(tree, name, path.stem)
    result = READERS[name](files, path.stem)
    if name == "json":
        assert len(result["occurrences"]) == len(mentions)
    if name == "markdown":
        assert (
            len(etree.fromstring(f"<div>{result[0]}</div>".encode(), etree.XMLParser(recover=True)).xpath("//p")) > 100
        )


def test_a_format_that_needs_entities_fails_clearly_on_tei_without_them():
    with pytest.raises(InputError) as caught:
        export(parse_xml(PLAIN), "csv", "plain")
    assert caught.value.path == str(PLAIN)
    assert "cannot export csv: the document has no names or dates tagged in its text" in caught.value.one_line()
    assert "persName" in caught.value.hint
    assert set(export(parse_xml(PLAIN), "markdown", "plain")) == {"plain.md"}
    assert export_many(parse_xml(PLAIN), ALL, "plain", skip_unmet=True).keys() == {
        "plain.json",
        "plain.jsonld",
        "plain.md",
    }


def test_not_tei_is_refused():
    with pytest.raises(XMLInputError, match="not a TEI P5 document"):
        export(parse_xml_bytes(b"<html><p>x</p></html>", "page.html"), "markdown", "page")


def test_markdown_escapes_what_would_be_markup():
    tei = rb"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T #</title>
    </titleStmt></fileDesc></teiHeader><text><body>
    <p>5 * 3 = 15, *stars*, snake_case_name, [a](b) &lt;b&gt;bold&lt;/b&gt; &amp;amp; `code` \[^x]</p>
    <p>1923. The year opened.</p><p># not a heading</p><p>- not an item</p><p>&gt; not a quote</p>
    </body></text></TEI>"""
    files = export(parse_xml_bytes(tei), "markdown", "t")
    html, _ = read_markdown(files["t.md"])
    page = etree.fromstring(f"<div>{html}</div>".encode())
    assert [etree.QName(e).localname for e in page] == ["h1", "p", "p", "p", "p", "p"]
    assert [" ".join("".join(e.itertext()).split()) for e in page] == [
        "T #",
        "5 * 3 = 15, *stars*, snake_case_name, [a](b) <b>bold</b> &amp; `code` \\[^x]",
        "1923. The year opened.",
        "# not a heading",
        "- not an item",
        "> not a quote",
    ]


# ----------------------------------------------------------------- determinism and the command line


@pytest.mark.parametrize("path", [TAGGED_FIXTURE, FOREIGN], ids=lambda p: p.stem)
def test_two_runs_are_byte_identical(path):
    first = export_many(parse_xml(path), ALL, path.stem)
    second = export_many(parse_xml(path), ALL, path.stem)
    assert first == second
    assert sorted(first) == sorted(f"{path.stem}.{s}" for name in ALL for s in get_format(name).suffixes)


def test_cli_list_shows_every_format():
    result = CliRunner().invoke(cli, ["export", "--list"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == sorted(FORMATS)


def test_cli_writes_the_chosen_formats(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(FOREIGN), "-f", "csv", "-f", "gexf", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "foreign-letter.document.csv",
        "foreign-letter.entities.csv",
        "foreign-letter.gexf",
        "foreign-letter.register.csv",
    ]
    assert (tmp_path / "foreign-letter.gexf").read_bytes() == export(parse_xml(FOREIGN), "gexf", "foreign-letter")[
        "foreign-letter.gexf"
    ]


def test_cli_writes_nothing_when_one_export_fails(tmp_path):
    result = CliRunner().invoke(
        cli, ["export", str(FOREIGN), str(PLAIN), "-f", "markdown", "-f", "csv", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"{PLAIN}: error: cannot export csv: the document has no names or dates tagged in its text, no register "
        "(listPerson, listPlace, listOrg) and no msDesc (tag persName, orgName, placeName, rs, name or date elements, "
        "or list persons in particDesc or standOff)"
    ]
    assert not (tmp_path / "out").exists()


def test_cli_all_skips_what_the_document_cannot_give_and_says_so(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(PLAIN), "--all", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "foreign-plain.json",
        "foreign-plain.jsonld",
        "foreign-plain.md",
    ]
    assert "csv skipped: the document has no names or dates tagged in its text" in result.output


def test_cli_usage_errors(tmp_path):
    runner = CliRunner()
    unknown = runner.invoke(cli, ["export", str(FOREIGN), "-f", "pdf", "-o", str(tmp_path)])
    assert unknown.exit_code == 2 and "no export format called 'pdf'" in unknown.output
    nothing = runner.invoke(cli, ["export", str(FOREIGN), "-o", str(tmp_path)])
    assert nothing.exit_code == 2 and "no export format chosen" in nothing.output
    both = runner.invoke(cli, ["export", str(FOREIGN), "-f", "csv", "--all"])
    assert both.exit_code == 2
    with pytest.raises(UsageError, match="both called 'foreign-letter'"):
        export_files([FOREIGN, FOREIGN], ["json"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_jsonld_tells_the_edition_from_the_article_and_the_manifesto():
    """The encoding is dated by its publication, the ICC's article by nothing (the page gives no date), the
    Manifesto by its creation (1923): the creation date no longer lands on the edition."""
    tree = parse_xml(EDITION)
    graph = {node["@id"]: node for node in json.loads(export(tree, "jsonld", "e")["e.jsonld"])["@graph"]}
    edition = graph["#workers-group-manifesto-1"]
    assert "dateCreated" not in edition
    assert edition["datePublished"] == tree.xpath("string(//t:publicationStmt/t:date/@when)", namespaces=T)
    assert edition["isBasedOn"] == ["#source"] and edition["encodingFormat"] == "application/tei+xml"
    article = graph["#source"]
    assert article["@type"] == "Article" and article["isPartOf"]["name"] == "International Review"
    assert "dateCreated" not in article and "datePublished" not in article
    manifesto = next(
        graph[key] for key in article["isBasedOn"] if graph[key].get("disambiguatingDescription") == "original"
    )
    assert manifesto["dateCreated"] == "1923" and manifesto["inLanguage"] == "ru"
    assert manifesto["author"] == [{"name": "Workers' Group of the Russian Communist Party (Bolshevik)"}]
    genoa = graph["#genoa-conference"]
    assert (genoa["@type"], genoa["startDate"], genoa["location"]) == ("Event", "1922-04", "#genoa")
    assert graph["#pravda"]["@type"] == "Periodical" and graph["#new-course"]["@type"] == "CreativeWork"

"""``gexf``: the network a document holds, for Gephi (GEXF 1.3): co-presence, correspondence or co-occurrence.

Which network depends on the genre, in this order:

* **a play** (speeches with ``sp/@who``): the co-presence network, as DraCor computes
  it: a node per character who speaks (label: the register's name; attributes: type,
  subtype, number of speeches), an undirected edge between two characters who speak in
  the same scene (a division holding speeches: a scene, or an act without scenes), its
  weight the number of such scenes;
* **letters** (``correspDesc``): the correspondence network: a node per sender and
  addressee, a directed edge from sender to addressee, its weight the number of letters;
* **any other text**: the co-occurrence network of the persons and organisations it
  names: an undirected edge between two of them for each block (paragraph, list item,
  note paragraph…) that names both, its weight the number of such blocks (attributes:
  type, subtype, number of mentions). Places, dates and names of unknown kind are not nodes.

Nodes are sorted by id and edges by their two ends, so the file is the same on every run.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from lxml import etree

from . import Exporter
from .records import Extract

GEXF_NS = "http://gexf.net/1.3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
NODE_TYPES = ("person", "org")
NODE_ATTRIBUTES = (("type", "string"), ("subtype", "string"), ("mentions", "integer"))


def co_occurrences(extracted: Extract) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Mentions per entity, and per pair of entities (sorted) the number of blocks that name both."""
    mentions: Counter[str] = Counter()
    per_block: dict[int, set[str]] = {}
    for occurrence in extracted.occurrences:
        if occurrence.type in NODE_TYPES and occurrence.entity is not None:
            mentions[occurrence.entity] += 1
            per_block.setdefault(occurrence.block, set()).add(occurrence.entity)
    pairs: Counter[tuple[str, str]] = Counter()
    for entities in per_block.values():
        pairs.update(combinations(sorted(entities), 2))
    return mentions, pairs


def co_presence(extracted: Extract) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Speeches per character, and per pair of characters (sorted) the number of scenes both speak in."""
    pairs: Counter[tuple[str, str]] = Counter()
    for scene in extracted.genres.scenes:
        pairs.update(combinations(sorted(set(scene.speakers)), 2))
    speakers = {who for scene in extracted.genres.scenes for who in scene.speakers}
    return Counter({who: extracted.genres.speeches.get(who, 0) for who in speakers}), pairs


def correspondence(extracted: Extract) -> tuple[dict[str, str], Counter[tuple[str, str]]]:
    """Every sender and addressee (id → name), and per (sender, addressee) the number of letters."""
    names: dict[str, str] = {}
    letters: Counter[tuple[str, str]] = Counter()
    for letter in extracted.genres.letters:
        for party in letter.senders + letter.addressees:
            names.setdefault(party.id or party.name, party.name)
        for sender in letter.senders:
            for addressee in letter.addressees:
                letters[(sender.id or sender.name, addressee.id or addressee.name)] += 1
    return names, letters


Nodes = dict[str, tuple[str, str | None, str | None, int]]  # id → (label, type, subtype, count)


def network(extracted: Extract) -> tuple[str, Nodes, Counter[tuple[str, str]], str]:
    """(kind, nodes: id → (label, type, subtype, count), edges: (source, target) → weight, edge type)."""
    if any(len(scene.speakers) > 1 for scene in extracted.genres.scenes):
        counts, pairs = co_presence(extracted)
        return "co-presence", {who: (*_describe(extracted, who), n) for who, n in counts.items()}, pairs, "undirected"
    if extracted.genres.letters:
        names, letters = correspondence(extracted)
        nodes: Nodes = {
            key: (_describe(extracted, key)[0] if _known(extracted, key) else name, "person", None, 0)
            for key, name in names.items()
        }
        return "correspondence", nodes, letters, "directed"
    mentions, pairs = co_occurrences(extracted)
    return "co-occurrence", {e: (*_describe(extracted, e), n) for e, n in mentions.items()}, pairs, "undirected"


def _known(extracted: Extract, entity_id: str) -> bool:
    try:
        extracted.entity(entity_id)
    except KeyError:
        return False
    return True


def _describe(extracted: Extract, entity_id: str) -> tuple[str, str | None, str | None]:
    if _known(extracted, entity_id):
        entity = extracted.entity(entity_id)
        return entity.name, entity.type, entity.subtype
    return entity_id, "person", None


DESCRIPTIONS = {
    "co-presence": "Characters on stage together (speaking in the same scene) in “{}”",
    "correspondence": "Who wrote to whom in “{}”",
    "co-occurrence": "Persons and organisations named together in the same paragraph of “{}”",
}
COUNT_TITLES = {"co-presence": "speeches", "correspondence": "letters", "co-occurrence": "mentions"}


def _element(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{GEXF_NS}}}{name}", {k: v for k, v in attributes.items()})


def render(extracted: Extract) -> dict[str, bytes]:
    kind, found, pairs, edge_type = network(extracted)
    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap={None: GEXF_NS, "xsi": XSI_NS}, version="1.3")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    meta = _element(root, "meta")
    _element(meta, "creator").text = "teikit"
    _element(meta, "description").text = DESCRIPTIONS[kind].format(extracted.document.title)
    graph = _element(root, "graph", mode="static", defaultedgetype=edge_type)
    declared = _element(graph, "attributes", **{"class": "node", "mode": "static"})
    for number, (title, type_) in enumerate(NODE_ATTRIBUTES):
        title = COUNT_TITLES[kind] if title == "mentions" else title
        _element(declared, "attribute", id=str(number), title=title, type=type_)
    nodes = _element(graph, "nodes")
    for entity_id in sorted(found):
        label, entity_type, subtype, count = found[entity_id]
        node = _element(nodes, "node", id=entity_id, label=label)
        values = _element(node, "attvalues")
        for number, value in enumerate((entity_type, subtype, str(count) if count else None)):
            if value:  # an attribute without a value is left out, not written empty
                _element(values, "attvalue", **{"for": str(number), "value": value})
    edges = _element(graph, "edges")
    for number, ((source, target), weight) in enumerate(sorted(pairs.items())):
        _element(edges, "edge", id=str(number), source=source, target=target, weight=str(weight))
    data = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return {"gexf": data}


EXPORTER = Exporter(
    name="gexf",
    description="network for Gephi (GEXF 1.3): characters on stage together, who wrote to whom, "
    "or persons and organisations named in the same paragraph",
    suffixes=("gexf",),
    needs="speakers, letters or persons",
    render=render,
)

"""``gexf``: the co-occurrence network of persons and organisations, for Gephi (GEXF 1.3).

A node per person or organisation the text names (label: the preferred name;
attributes: type, subtype, number of mentions); an undirected edge between two
of them for each block (paragraph, list item, note paragraph…) that names both,
its weight the number of such blocks. Places, dates and names of unknown kind
are not nodes. Nodes are sorted by id and edges by their two ends, so the file
is the same on every run.
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


def _element(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{GEXF_NS}}}{name}", {k: v for k, v in attributes.items()})


def render(extracted: Extract) -> dict[str, bytes]:
    mentions, pairs = co_occurrences(extracted)
    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap={None: GEXF_NS, "xsi": XSI_NS}, version="1.3")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    meta = _element(root, "meta")
    _element(meta, "creator").text = "teikit"
    _element(meta, "description").text = (
        f"Persons and organisations named together in the same paragraph of “{extracted.document.title}”"
    )
    graph = _element(root, "graph", mode="static", defaultedgetype="undirected")
    declared = _element(graph, "attributes", **{"class": "node", "mode": "static"})
    for number, (title, kind) in enumerate(NODE_ATTRIBUTES):
        _element(declared, "attribute", id=str(number), title=title, type=kind)
    nodes = _element(graph, "nodes")
    for entity_id in sorted(mentions):
        entity = extracted.entity(entity_id)
        node = _element(nodes, "node", id=entity_id, label=entity.name)
        values = _element(node, "attvalues")
        for number, value in enumerate((entity.type, entity.subtype, str(mentions[entity_id]))):
            if value:  # an attribute without a value is left out, not written empty
                _element(values, "attvalue", **{"for": str(number), "value": value})
    edges = _element(graph, "edges")
    for number, ((source, target), weight) in enumerate(sorted(pairs.items())):
        _element(edges, "edge", id=str(number), source=source, target=target, weight=str(weight))
    data = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return {"gexf": data}


EXPORTER = Exporter(
    name="gexf",
    description="co-occurrence network of persons and organisations per paragraph (Gephi, GEXF 1.3)",
    suffixes=("gexf",),
    needs="persons or organisations",
    render=render,
)

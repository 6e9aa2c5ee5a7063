"""Gather TEI files into one ``teiCorpus`` (for the scaling benchmarks): ids prefixed so that they stay unique.

Run by hand: python tests/benchmarks/teicorpus.py OUT.xml FILE... (or import :func:`write_corpus`).
Each member's xml:ids get the member's number as prefix, and every local pointer (``#id`` in any
attribute) is rewritten the same way, so the corpus is well-formed and its links still resolve.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
HEADER = f"""<teiHeader xmlns="{TEI}"><fileDesc><titleStmt><title>Corpus of {{count}} texts</title></titleStmt>
<publicationStmt><p>Gathered for a benchmark.</p></publicationStmt><sourceDesc><p>Public TEI files.</p></sourceDesc>
</fileDesc></teiHeader>"""


def _prefixed(root: etree._Element, prefix: str) -> etree._Element:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name == XML_ID:
                element.set(name, prefix + value)
            elif "#" in value:
                element.set(name, " ".join("#" + prefix + t[1:] if t.startswith("#") else t for t in value.split()))
    return root


def write_corpus(files: list[Path], out: Path) -> int:
    """Write the files as one teiCorpus to ``out``; return its size in bytes."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )
    corpus = etree.Element(f"{{{TEI}}}teiCorpus", nsmap={None: TEI})
    corpus.append(etree.fromstring(HEADER.format(count=len(files))))
    for number, path in enumerate(files, start=1):
        corpus.append(_prefixed(etree.parse(str(path), parser).getroot(), f"t{number}-"))
    out.write_bytes(etree.tostring(corpus, encoding="UTF-8", xml_declaration=True))
    return out.stat().st_size


if __name__ == "__main__":
    print(write_corpus([Path(p) for p in sys.argv[2:]], Path(sys.argv[1])))

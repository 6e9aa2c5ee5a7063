"""Differential test: teikit's verdict against tei_all equals jing's, on real TEI and on mutants of it.

The inputs are the shared samples, the committed edition, and mutants generated
here from them: an element renamed to another TEI name, a child dropped, a value
outside a closed list, a value of the wrong datatype, an unknown attribute, two
children swapped, text in element-only content. Small mutants change the files as
they are; big ones change files made bigger than 1 MB (their divisions repeated)
in their first, middle and last part, where a fast path would be likeliest to
miss them. teikit validates through its public API with its default settings
(restricted grammar, cache); jing validates every file in one JVM and reports per
file. Any disagreement fails the test, naming the file and what was changed.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from teikit import relaxng
from teikit.validate import load_schemas, validate_paths
from teikit.xmlio import parse_xml

from conftest import REPO, SAMPLES, TEI_ALL

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BIG = 1024 * 1024
SMALL_MUTANTS_PER_KIND = 12
POSITIONS = {"first": (0.0, 0.1), "middle": (0.45, 0.55), "last": (0.9, 1.0)}

pytestmark = [
    pytest.mark.skipif(not shutil.which("jing"), reason="jing is not installed (CI: apt-get install jing)"),
    pytest.mark.skipif(not TEI_ALL.is_file(), reason=f"tei_all.rng not found at {TEI_ALL}"),
]


def _sources() -> list[Path]:
    return sorted(SAMPLES.glob("*.xml")) + sorted((REPO / "edition").glob("*.xml"))


def _elements(tree: etree._ElementTree) -> list[etree._Element]:
    return [e for e in tree.iter() if isinstance(e.tag, str)]


def _grow(tree: etree._ElementTree) -> etree._ElementTree:
    """A copy of the document over 1 MB: its body's divisions (or other children) repeated, ids kept unique."""
    tree = etree.ElementTree(etree.fromstring(etree.tostring(tree)))
    body = tree.find(f".//{{{TEI}}}body")
    parts = [child for child in body if isinstance(child.tag, str)]
    copies = 0
    while len(etree.tostring(tree, encoding="UTF-8")) < BIG * 1.1:
        copies += 1
        for part in parts:
            twin = etree.fromstring(etree.tostring(part))
            for node in twin.iter():
                if isinstance(node.tag, str) and node.get(XML_ID):
                    node.set(XML_ID, f"{node.get(XML_ID)}-copy{copies}")
            body.append(twin)
    return tree


class Mutator:
    """The mutations of the issue, each on an element chosen in a given part of the document."""

    def __init__(self, models: relaxng.ContentModels, names: list[str], rnd: random.Random) -> None:
        self.models, self.names, self.rnd = models, names, rnd

    def mutate(self, tree: etree._ElementTree, kind: str, span: tuple[float, float]) -> str | None:
        elements = _elements(tree)[1:]
        low, high = int(span[0] * len(elements)), max(int(span[1] * len(elements)), int(span[0] * len(elements)) + 1)
        candidates = elements[low:high]
        self.rnd.shuffle(candidates)
        for element in candidates[:200]:
            done = getattr(self, kind)(element)
            if done:
                return f"{kind} at line {element.sourceline}: {done}"
        return None

    def rename(self, element):
        other = self.rnd.choice([n for n in self.names if n != etree.QName(element).localname])
        element.tag = f"{{{TEI}}}{other}"
        return f"renamed to {other}"

    def drop_child(self, element):
        children = [c for c in element if isinstance(c.tag, str)]
        if not children:
            return None
        child = children[0]
        element.remove(child)
        return f"dropped its first child <{etree.QName(child).localname}>"

    def closed_value(self, element):
        name = (etree.QName(element).namespace or "", etree.QName(element).localname)
        declared, _ = self.models.attribute_names(name)
        # Its own attributes first, then any it may have whose values form a closed list.
        for attribute in [*(etree.QName(a).localname for a in element.attrib), *sorted(declared)]:
            if ":" in attribute or attribute == "id":
                continue
            allowed = self.models.closed_values(name, ("", attribute))
            if allowed is not None and allowed.listed():
                element.set(attribute, "notInTheList")
                return f"@{attribute}=notInTheList (allowed: {', '.join(allowed.listed()[:5])}...)"
        return None

    def bad_datatype(self, element):
        for attribute, bad in (("when", "2001-13-45"), ("from", "yesterday"), ("cols", "x"), ("rows", "-")):
            if attribute in element.attrib:
                element.set(attribute, bad)
                return f"@{attribute}={bad}"
        if etree.QName(element).localname in ("date", "birth", "death", "docDate"):
            element.set("when", "2001-13-45")
            return "@when=2001-13-45"
        element.set(XML_LANG, "not a language")  # teidata.language: xsd:language, on every TEI element
        return "@xml:lang=not a language"

    def unknown_attribute(self, element):
        element.set("unknownAttribute", "1")
        return "@unknownAttribute"

    def swap_children(self, element):
        children = [c for c in element if isinstance(c.tag, str)]
        distinct = [(a, b) for a, b in zip(children, children[1:], strict=False) if a.tag != b.tag]
        if not distinct:
            return None
        first, second = distinct[0]
        first.addprevious(second)
        return f"<{etree.QName(second).localname}> moved before <{etree.QName(first).localname}>"

    def stray_text(self, element):
        if element.text and element.text.strip():
            return None  # already has text: likely mixed content
        children = [c for c in element if isinstance(c.tag, str)]
        if not children or any((c.tail or "").strip() for c in children):
            return None
        children[0].tail = "stray text" + (children[0].tail or "")
        return "text between its children"


KINDS = ["rename", "drop_child", "closed_value", "bad_datatype", "unknown_attribute", "swap_children", "stray_text"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[list[Path], dict[Path, str]]:
    """The real files and their mutants, on disk; what was done to each mutant."""
    folder = tmp_path_factory.mktemp("jing-differential")
    models = relaxng.ContentModels(parse_xml(TEI_ALL))
    rnd = random.Random(11)
    files: list[Path] = []
    changes: dict[Path, str] = {}
    for source in _sources():
        tree = parse_xml(source)
        names = sorted({etree.QName(e).localname for e in _elements(tree)})
        mutator = Mutator(models, names, rnd)
        copy = folder / source.name
        tree.write(str(copy), xml_declaration=True, encoding="UTF-8")
        files.append(copy)
        big = _grow(tree)
        variants = [("small", tree, POSITIONS["first"][0], 1.0, SMALL_MUTANTS_PER_KIND)]
        variants += [(f"big-{where}", big, low, high, 1) for where, (low, high) in POSITIONS.items()]
        for label, base, low, high, count in variants:
            for kind in KINDS:
                for index in range(count):
                    mutant = etree.ElementTree(etree.fromstring(etree.tostring(base)))
                    done = mutator.mutate(mutant, kind, (low, high))
                    if done is None:
                        continue
                    path = folder / f"{source.stem}.{label}.{kind}.{index}.xml"
                    mutant.write(str(path), xml_declaration=True, encoding="UTF-8")
                    files.append(path)
                    changes[path] = done
    return files, changes


def _jing_invalid(files: list[Path]) -> set[str]:
    """The files jing finds invalid (one JVM for all of them; jing names the file of each error)."""
    run = subprocess.run(["jing", str(TEI_ALL), *map(str, files)], capture_output=True, text=True, timeout=900)
    invalid = {line.split(":", 1)[0] for line in run.stdout.splitlines() if ": error:" in line or ": fatal:" in line}
    assert str(TEI_ALL) not in invalid, run.stdout[:2000]
    return invalid


def test_teikit_and_jing_agree_on_real_tei_and_its_mutants(corpus):
    files, changes = corpus
    big = [path for path in files if path.stat().st_size > BIG]
    assert len(files) >= 200 and len(big) >= 3 * len(KINDS)  # the test tests what it says
    jing_invalid = _jing_invalid(files)
    report = validate_paths(files, load_schemas(rng=[TEI_ALL]))
    disagreements = [
        f"{Path(file.path).name} ({changes.get(Path(file.path), 'unchanged')}): teikit "
        f"{'valid' if file.valid else 'invalid'}, jing {'invalid' if file.path in jing_invalid else 'valid'}"
        for file in report.files
        if file.valid == (file.path in jing_invalid)
    ]
    assert not disagreements, "\n".join(disagreements)
    assert len(jing_invalid) > len(files) // 2  # most mutants are invalid: the mutations bite

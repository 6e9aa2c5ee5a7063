"""Run compiled Schematron with SaxonC-HE (``saxonche``) and map each failure back to its line and column.

Saxon is a process-wide engine: a GraalVM native image that may be created
once per process and must not be created in a second thread (it crashes), but
whose processor may be *used* from any thread. So :func:`processor` creates it
lazily, once, under a lock; each thread compiles its own executable (a
transformer holds per-run state) and keeps it in thread-local storage. Nothing
here is created at import time, and a forked or spawned worker creates its own
on first use.

Documents reach Saxon as the serialisation of the tree teikit's safe parser
built, never as a file for Saxon's own parser to open (which would read DTDs
and external entities), and ``allowedProtocols`` is empty, so that no rule
(``doc(@target)``) makes a hostile document read files or the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
from dataclasses import dataclass

from lxml import etree

from .compile import XSL_NS, Check, CompiledSchematron, Rule, compile_schema

# How many times a compilation is retried without the rules Saxon refused before giving up.
MAX_COMPILE_ROUNDS = 8

_processor_lock = threading.Lock()
_processor = None  # created once per process, on first use (see the module's docstring)
_executables = threading.local()


class SaxonUnavailable(RuntimeError):
    """saxonche is not installed (or does not load) on this platform."""


def saxon_available() -> bool:
    """Whether saxonche can be imported here."""
    try:
        import saxonche  # noqa: F401
    except Exception:  # an ImportError, or a wheel whose native library does not load
        return False
    return True


def processor():
    """This process's Saxon processor, created on first use."""
    global _processor
    with _processor_lock:
        if _processor is None:
            try:
                import saxonche
            except Exception as exc:
                raise SaxonUnavailable(str(exc)) from None
            created = saxonche.PySaxonProcessor(license=False)
            created.set_configuration_property("http://saxon.sf.net/feature/allowedProtocols", "")
            _processor = created
        return _processor


def _api_error():
    import saxonche

    return saxonche.PySaxonApiError


def compile_xslt(xslt: str):
    """A Saxon executable for ``xslt``; raises saxonche's PySaxonApiError with Saxon's messages."""
    return processor().new_xslt30_processor().compile_stylesheet(stylesheet_text=xslt)


def executable(xslt: str, digest: str):
    """This thread's executable of ``xslt`` (compiled once per thread)."""
    cache = getattr(_executables, "by_digest", None)
    if cache is None:
        cache = _executables.by_digest = {}
    if digest not in cache:
        cache[digest] = compile_xslt(xslt)
    return cache[digest]


_ERROR_LINE = re.compile(r"on line (\d+) ")


def compile_checking_rules(schema: etree._Element, name: str) -> tuple[CompiledSchematron, list[tuple[Rule, str]]]:
    """Compile the schema's rules; rules Saxon refuses are left out and returned with Saxon's reason.

    Saxon names the line of each static error in the generated stylesheet; the
    rule whose template holds that line is the one to leave out. An error
    outside every rule's template (a broken global ``sch:let`` or ``xsl:key``)
    leaves out every rule, each with that reason.
    """
    excluded: dict[int, str] = {}
    compiled = compile_schema(schema, name)
    for _ in range(MAX_COMPILE_ROUNDS):
        try:
            compile_xslt(compiled.xslt)
            break
        except _api_error() as exc:
            blamed = _blame_rules(compiled.xslt, str(exc))
            if not blamed or set(blamed) <= set(excluded):
                reason = _first_error(str(exc))
                excluded.update({rule.index: reason for rule in compiled.rules if rule.index not in excluded})
                compiled = compile_schema(schema, name, frozenset(excluded))
                break
            excluded.update(blamed)
            compiled = compile_schema(schema, name, frozenset(excluded))
    skipped = [(compiled.rules[index], reason) for index, reason in sorted(excluded.items())]
    return compiled, skipped


def _blame_rules(xslt: str, message: str) -> dict[int, str]:
    """{rule index: Saxon's message} for each static error located inside a rule's template."""
    starts = []  # (first line, last line, rule index) of each rule template
    root = etree.fromstring(xslt.encode("utf-8"))
    ends = [element.sourceline for element in root]
    for position, element in enumerate(root):
        rule = element.get("{urn:teikit:schematron}rule")
        if rule is not None:
            last = ends[position + 1] - 1 if position + 1 < len(ends) else 10**9
            starts.append((element.sourceline, last, int(rule)))
    # The initial template applies each pattern to what its rules' contexts select, on one line each.
    selections = {
        element.sourceline: [int(r) for r in element.get("{urn:teikit:schematron}rules", "").split()]
        for element in root.iter(f"{{{XSL_NS}}}apply-templates")
        if element.get("{urn:teikit:schematron}rules")
    }
    blamed: dict[int, str] = {}
    in_selections: dict[int, str] = {}
    for block in re.split(r"\n(?=\S)", message.strip()):
        located = _ERROR_LINE.search(block)
        if not located:
            continue
        line = int(located.group(1))
        for first, last, rule in starts:
            if first <= line <= last:
                blamed.setdefault(rule, _first_error(block))
        for rule in selections.get(line, []):
            in_selections.setdefault(rule, _first_error(block))
    # A broken context fails its template too; a selection's error alone blames its pattern's rules.
    return blamed or in_selections


def _first_error(message: str) -> str:
    """Saxon's error, shortened to its code and text (``XPST0003 Unexpected token …``)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    coded = next((line for line in lines if re.match(r"[A-Z]{4}\d{4}", line)), None)
    expression = re.search(r"Error in \{(.*?)\}", message)
    text = coded or (lines[0] if lines else "Saxon refused the rule")
    if expression:  # Saxon quotes the expression as compiled: show the rule's own test
        quoted = expression.group(1)
        quoted = quoted[len("not((") :] if quoted.startswith("not((") else quoted
        text += f" in {{{quoted.removesuffix('))') if expression.group(1).startswith('not((') else quoted}}}"
    return " ".join(text.split())


@dataclass(frozen=True)
class Failure:
    """One line of the stylesheet's output: a check that failed (or a rule that raised an error) at a node."""

    check: Check | None
    rule: Rule
    node: etree._Element | None
    attribute: str | None
    message: str


PATTERNS_PARAMETER = "{urn:teikit:schematron}patterns"


def run(
    compiled: CompiledSchematron,
    digest: str,
    tree: etree._ElementTree,
    names: frozenset[str] | None = None,
    xpath1: bool = True,
) -> list[Failure]:
    """Run the compiled rules over ``tree``; one Failure per failed assert, successful report or rule error.

    ``names`` (local element names and "@"-attribute names, a superset of those
    in the tree) lets the patterns that cannot match anything be left out. With
    ``xpath1``, the patterns whose rules mean the same in XPath 1 run in lxml on
    ``tree`` itself (:mod:`.xpath1`); Saxon gets the others, and is not called at
    all when none of them can match anything in this tree.
    """
    numbers = compiled.patterns_for(names) if names is not None else list(range(1, len(compiled.patterns) + 1))
    in_lxml = [n for n in numbers if n in compiled.xpath1_patterns] if xpath1 else []
    output = ""
    if in_lxml:
        lxml_output = _run_in_lxml(compiled, digest, tree, in_lxml)
        if lxml_output is None:  # lxml refused the stylesheet: Saxon runs these patterns too
            in_lxml = []
        else:
            output = lxml_output
    in_saxon = [n for n in numbers if n not in in_lxml]
    if names is not None and in_saxon:  # Saxon's parse is dear: narrow by the names of this very tree
        present = _NamesPresent(tree)
        in_saxon = [n for n in in_saxon if any(all(map(present, need)) for need in compiled.patterns[n - 1])]
    if in_saxon:
        output += "\n" + _run_in_saxon(compiled, digest, tree, " ".join(map(str, in_saxon)))
    return _failures(compiled, tree, output)


def _run_in_saxon(compiled: CompiledSchematron, digest: str, tree: etree._ElementTree, selected: str) -> str:
    proc = processor()
    transform = executable(compiled.xslt, digest)
    document = proc.parse_xml(xml_text=_serialise(tree))
    transform.set_parameter(PATTERNS_PARAMETER, proc.make_string_value(selected))
    return transform.transform_to_string(xdm_node=document) or ""


def _run_in_lxml(compiled: CompiledSchematron, digest: str, tree: etree._ElementTree, numbers: list[int]) -> str | None:
    transform = _lxml_transform(compiled.xpath1_xslt, digest)
    if transform is None:
        return None
    selected = etree.XSLT.strparam(" ".join(map(str, numbers)))
    try:
        return str(transform(tree, **{"teikit-patterns": selected}))
    except etree.XSLTApplyError:
        return None


def _lxml_transform(xslt: str, digest: str) -> etree.XSLT | None:
    """This thread's lxml XSLT of the XPath 1 rules (None if libxslt refuses it: then Saxon runs them)."""
    cache = getattr(_executables, "lxml", None)
    if cache is None:
        cache = _executables.lxml = {}
    if digest not in cache:
        from ..xmlio import XSLT_ACCESS

        try:
            cache[digest] = etree.XSLT(etree.fromstring(xslt.encode("utf-8")), access_control=XSLT_ACCESS)
        except (etree.XSLTParseError, etree.XMLSyntaxError):
            cache[digest] = None
    return cache[digest]


class _NamesPresent:
    """Whether a local element name ("p") or attribute name ("@when") occurs in a tree; looked up once each."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.root = tree.getroot()
        self.known: dict[str, bool] = {}

    def __call__(self, name: str) -> bool:
        if name not in self.known:
            if name.startswith("@"):
                found = self.root.xpath("boolean(//@*[local-name() = $n])", n=name[1:])
            else:
                found = next(self.root.iter(f"{{*}}{name}"), None) is not None
            self.known[name] = bool(found)
        return self.known[name]


def _failures(compiled: CompiledSchematron, tree: etree._ElementTree, output: str) -> list[Failure]:
    failures = []
    for line in output.split("\n"):
        if not line:
            continue
        index, path, message = line.split("\t", 2)
        node, attribute = node_at(tree, path)
        if index.startswith("!"):
            rule = compiled.rules[int(index[1:])]
            failures.append(Failure(None, rule, node, attribute, f"the rule could not be evaluated here: {message}"))
        else:
            check = compiled.checks[int(index)]
            failures.append(Failure(check, compiled.rules[check.rule], node, attribute, message))
    return failures


def _serialise(tree: etree._ElementTree) -> str:
    """The document as text for Saxon: its root element with the comments and PIs around it, no DOCTYPE."""
    root = tree.getroot()
    before = []
    sibling = root.getprevious()
    while sibling is not None:
        before.append(etree.tostring(sibling, encoding="unicode", with_tail=False))
        sibling = sibling.getprevious()
    after = []
    sibling = root.getnext()
    while sibling is not None:
        after.append(etree.tostring(sibling, encoding="unicode", with_tail=False))
        sibling = sibling.getnext()
    body = etree.tostring(root, encoding="unicode", with_tail=False)
    return "".join(reversed(before)) + body + "".join(after)


def node_at(tree: etree._ElementTree, path: str) -> tuple[etree._Element | None, str | None]:
    """The element at a path of element positions (``1/3/2``) and the attribute it ends with, if any."""
    node: etree._Element | None = None
    attribute = None
    for step in path.split("/") if path else []:
        if step.startswith("@"):
            namespace, _, local = step[2:].partition("}")
            attribute = f"{{{namespace}}}{local}" if namespace else local
            break
        position = int(step)
        if node is None:
            node = tree.getroot()
            continue
        children = [child for child in node if isinstance(child.tag, str)]
        if position > len(children):
            return node, None
        node = children[position - 1]
    return node if node is not None else tree.getroot(), attribute


# ---------------------------------------------------------------------------
# The cache of compilations: which rules compile, and the stylesheet, by content hash
# ---------------------------------------------------------------------------


def encode_entry(key: str, compiled: CompiledSchematron, skipped: list[tuple[Rule, str]]) -> bytes:
    """A cache entry: the compilation as JSON, with the key and a hash of the content inside it."""
    payload = {
        "key": key,
        "xslt": compiled.xslt,
        "rules": [rule.__dict__ for rule in compiled.rules],
        "checks": [check.__dict__ for check in compiled.checks],
        "patterns": [[sorted(need) for need in needs] for needs in compiled.patterns],
        "xpath1_xslt": compiled.xpath1_xslt,
        "xpath1_patterns": sorted(compiled.xpath1_patterns),
        "skipped": [[rule.index, reason] for rule, reason in skipped],
    }
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return json.dumps({"sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(), "body": body}).encode("utf-8")


def decode_entry(data: bytes, key: str) -> tuple[CompiledSchematron, list[tuple[Rule, str]]] | None:
    """The compilation in a cache entry, or None unless its hash and key check out."""
    with contextlib.suppress(ValueError, KeyError, TypeError, IndexError):
        outer = json.loads(data.decode("utf-8"))
        body = outer["body"]
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != outer["sha256"]:
            return None
        payload = json.loads(body)
        if payload["key"] != key:
            return None
        rules = tuple(Rule(**rule) for rule in payload["rules"])
        checks = tuple(Check(**check) for check in payload["checks"])
        skipped = [(rules[index], reason) for index, reason in payload["skipped"]]
        patterns = tuple(tuple(frozenset(need) for need in needs) for needs in payload["patterns"])
        compiled = CompiledSchematron(
            payload["xslt"], rules, checks, patterns, payload["xpath1_xslt"], frozenset(payload["xpath1_patterns"])
        )
        return compiled, skipped
    return None

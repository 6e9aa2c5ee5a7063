"""The rules whose XPath means the same in XPath 1 and XPath 2, run by lxml on the tree already parsed.

Most of tei_all's rules are path logic: ``(ancestor::tei:l or ancestor::tei:lg) and
not(parent::tei:figure)``, ``@target and @cRef``, ``count(descendant::tei:l) > 0``.
Such an expression gives the same answer in XPath 1 and XPath 2, so libxslt can run it
over the lxml tree teikit has already built, and Saxon need not parse the document
again (Saxon's parse is most of the rules' cost). :func:`same_in_xpath1` decides that
by parsing the expression with a small grammar and typing it; it accepts only

* location paths (any axis, name tests, ``*``, ``node()``, predicates), ``.``, ``..``,
  unions, ``and``, ``or``, string and integer literals, parentheses;
* the functions ``not``, ``count``, ``current``, ``true``, ``false``, ``name``,
  ``local-name`` (``name`` and ``local-name`` of at most one node-set argument);
* ``=`` and ``!=`` between node-sets and strings (both versions compare string
  values, existentially), and the six comparisons between numbers (``count(…) > 0``).

What is outside it and why: numbers compared with node-sets (XPath 2 raises an
error where XPath 1 says false), ``<``/``>`` on strings (XPath 1 compares numbers,
XPath 2 strings), ``text()`` (libxml2 may split text nodes that XDM merges),
arithmetic, casts, other functions, variables. A rule runs here only if its
context, every test and every message part are accepted (``sch:let``,
``subject``, ``diagnostics`` and ``sch:value-of`` other than of an attribute of
the context node send it to Saxon). The tests run every rule both ways on the
fixtures, the samples and a sample of real plays and compare the findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .compile import SCH, XSL, XSL_NS, Check, Rule, candidate_expression, xpath_string

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"[^"]*"|'[^']*')
      | (?P<number>\d+(?!\.)\b)
      | (?P<axis>[A-Za-z-]+)::
      | (?P<name>(?:[^\W\d][\w.\-]*:)?(?:[^\W\d][\w.\-]*|\*)|\*)
      | (?P<op>//|!=|<=|>=|\.\.|[/\[\]()|@=<>.,])
    )""",
    re.VERBOSE,
)
_AXES = frozenset(
    {
        "ancestor",
        "ancestor-or-self",
        "attribute",
        "child",
        "descendant",
        "descendant-or-self",
        "following",
        "following-sibling",
        "parent",
        "preceding",
        "preceding-sibling",
        "self",
    }
)
# name → (result type, allowed argument counts, type every argument must have)
_FUNCTIONS = {
    "not": ("boolean", (1,), None),
    "count": ("number", (1,), "nodes"),
    "current": ("nodes", (0,), None),
    "true": ("boolean", (0,), None),
    "false": ("boolean", (0,), None),
    "name": ("string", (0, 1), "nodes"),
    "local-name": ("string", (0, 1), "nodes"),
}
_COMPARISONS = frozenset({"=", "!=", "<", ">", "<=", ">="})


class _Refused(Exception):
    """The expression is outside the subset that means the same in XPath 1 and 2."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise _Refused(text[position:])
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over the subset's grammar; each method returns the type of what it read."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.rewrites: dict[int, str] = {}  # token index → its XPath 1 spelling (eq → =)

    def xpath1(self) -> str:
        """The expression as XPath 1 writes it (the same tokens, value comparisons as general ones)."""
        text = ""
        for index, (kind, value) in enumerate(self.tokens):
            value = self.rewrites.get(index, value) + ("::" if kind == "axis" else "")
            if text and (text[-1].isalnum() or text[-1] in "_'\"") and (value[0].isalnum() or value[0] in "_'\""):
                text += " "
            text += value
        return text

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise _Refused(f"expected {value}")
        self.at += 1
        return token

    def parse(self) -> str:
        kind = self.expression()
        if self.peek()[0] != "end":
            raise _Refused("trailing tokens")
        return kind

    def expression(self) -> str:
        kind = self.conjunction()
        while self.peek() == ("name", "or"):
            self.take()
            self.conjunction()
            kind = "boolean"
        return kind

    def conjunction(self) -> str:
        kind = self.comparison()
        while self.peek() == ("name", "and"):
            self.take()
            self.comparison()
            kind = "boolean"
        return kind

    def comparison(self) -> str:
        start = self.at
        left = self.union()
        if self.peek() in (("name", "eq"), ("name", "ne")):
            # "@type eq 'x'": a value comparison of one attribute of the context node with a string
            # is the general comparison "@type = 'x'" (both false, or empty, when it is absent).
            operand = self.tokens[start : self.at]
            if len(operand) != 2 or operand[0] != ("op", "@") or operand[1][0] != "name" or "*" in operand[1][1]:
                raise _Refused("value comparison of more than one attribute")
            index = self.at
            self.rewrites[index] = "=" if self.take()[1] == "eq" else "!="
            if self.take()[0] != "string":
                raise _Refused("value comparison with a non-string")
            return "boolean"
        if self.peek()[1] in _COMPARISONS and self.peek()[0] == "op":
            operator = self.take()[1]
            right = self.union()
            textual = {"nodes", "string"}
            if operator in ("=", "!=") and left in textual and right in textual:
                return "boolean"
            if left == right == "number":
                return "boolean"
            raise _Refused(f"{left} {operator} {right}")
        return left

    def union(self) -> str:
        kind = self.path()
        while self.peek() == ("op", "|"):
            self.take()
            if kind != "nodes" or self.path() != "nodes":
                raise _Refused("union of non-nodes")
        return kind

    def path(self) -> str:
        kind, value = self.peek()
        if value in ("/", "//"):
            self.take()
            if self._starts_step():
                self.relative_path()
            elif value == "//":
                raise _Refused("// without a step")
            return "nodes"
        if self._starts_step():
            self.relative_path()
            return "nodes"
        kind = self.primary()
        while self.peek() == ("op", "["):
            if kind != "nodes":
                raise _Refused("predicate on non-nodes")
            self.predicate()
        if self.peek()[1] in ("/", "//"):
            if kind != "nodes":
                raise _Refused("path from non-nodes")
            self.take()
            self.relative_path()
        return kind

    def _starts_step(self) -> bool:
        kind, value = self.peek()
        if kind == "axis" or value in ("@", ".", ".."):
            return True
        if kind == "name" and value not in ("and", "or"):
            return self.peek(1) != ("op", "(") or value in ("node",)
        return False

    def relative_path(self) -> None:
        self.step()
        while self.peek()[1] in ("/", "//"):
            self.take()
            self.step()

    def step(self) -> None:
        kind, value = self.peek()
        if value in (".", ".."):
            self.take()
            return
        if kind == "axis":
            if value not in _AXES:
                raise _Refused(f"axis {value}")
            self.take()
        elif value == "@":
            self.take()
        kind, value = self.take()
        if kind != "name":
            raise _Refused("no name test")
        if value == "node" and self.peek() == ("op", "("):
            self.take("(")
            self.take(")")
        elif self.peek() == ("op", "("):
            raise _Refused(f"kind test {value}()")  # text(), comment(), element(): left to Saxon
        while self.peek() == ("op", "["):
            self.predicate()

    def predicate(self) -> None:
        self.take("[")
        self.expression()
        self.take("]")

    def primary(self) -> str:
        kind, value = self.take()
        if kind == "string":
            return "string"
        if kind == "number":
            return "number"
        if value == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if kind == "name" and self.peek() == ("op", "(") and value in _FUNCTIONS:
            result, counts, argument_type = _FUNCTIONS[value]
            self.take("(")
            arguments = []
            if self.peek() != ("op", ")"):
                arguments.append(self.expression())
                while self.peek() == ("op", ","):
                    self.take()
                    arguments.append(self.expression())
            self.take(")")
            if len(arguments) not in counts or (argument_type and any(a != argument_type for a in arguments)):
                raise _Refused(f"{value}() arguments")
            return result
        raise _Refused(f"{value}")


def as_xpath1(expression: str | None, want: str | None = None) -> str | None:
    """``expression`` in XPath 1 if it is in the subset XPath 1 and XPath 2 evaluate alike (of type ``want``)."""
    if expression is None or not expression.strip():
        return None
    try:
        parser = _Parser(expression)
        kind = parser.parse()
    except (_Refused, IndexError):
        return None
    if want is not None and kind != want:
        return None
    return parser.xpath1() if parser.rewrites else expression


def same_in_xpath1(expression: str | None, want: str | None = None) -> bool:
    """Whether ``expression`` is in the subset that XPath 1 and XPath 2 evaluate alike (of type ``want``)."""
    return as_xpath1(expression, want) is not None


_ATTRIBUTE_OF_CONTEXT = re.compile(r"^\s*@(?:[^\W\d][\w.\-]*:)?[^\W\d][\w.\-]*\s*$")


def rule_runs_in_xpath1(pattern: etree._Element, rule: etree._Element) -> bool:
    """Whether a whole rule (context, tests, messages) means the same in XPath 1: then lxml may run it."""
    if pattern.find(f"{SCH}let") is not None or rule.get("subject"):
        return False
    context = rule.get("context", "")
    if not same_in_xpath1(context, "nodes") or candidate_expression(context).startswith("(root() |"):
        return False
    for child in rule:
        if not isinstance(child.tag, str):
            continue
        if child.tag not in (f"{SCH}assert", f"{SCH}report"):
            return False  # sch:let, sch:extends left over, foreign elements: Saxon
        if child.get("subject") or child.get("diagnostics") or not same_in_xpath1(child.get("test")):
            return False
        for part in child.iter():
            if part is child or not isinstance(part.tag, str):
                continue
            if part.tag == f"{SCH}name" and part.get("path") and not same_in_xpath1(part.get("path"), "nodes"):
                return False
            if part.tag == f"{SCH}value-of" and not _ATTRIBUTE_OF_CONTEXT.match(part.get("select") or ""):
                return False  # XPath 2 joins every item of a sequence, XPath 1 takes the first
            if part.tag not in (f"{SCH}name", f"{SCH}value-of", f"{SCH}emph", f"{SCH}dir", f"{SCH}span"):
                return False
    return True


@dataclass(frozen=True)
class XPath1Rules:
    """An XSLT 1.0 stylesheet for the rules that run in lxml, and the pattern numbers it holds."""

    xslt: str
    patterns: frozenset[int]


def compile_xpath1(
    schema: etree._Element,
    rules: tuple[Rule, ...],
    checks: tuple[Check, ...],
    patterns: list[tuple[int, list[tuple[int, etree._Element, etree._Element]]]],
) -> XPath1Rules:
    """The XSLT 1.0 stylesheet of the given patterns ([(number, [(rule index, pattern, rule)])]).

    Its output has the lines of the XSLT 3.0 stylesheet (:mod:`.compile`), so both
    are read the same way; each pattern keeps its number, mode and rule priorities.
    """
    namespaces: dict[str | None, str] = {"xsl": XSL_NS, "tk": "urn:teikit:schematron"}
    for ns in schema.iter(f"{SCH}ns"):
        prefix, uri = ns.get("prefix"), ns.get("uri")
        if prefix and uri and prefix not in ("xsl", "tk", "xml"):
            namespaces[prefix] = uri
    stylesheet = etree.Element(f"{XSL}stylesheet", nsmap=namespaces, version="1.0")
    stylesheet.set("exclude-result-prefixes", " ".join(p for p in namespaces if p))
    etree.SubElement(stylesheet, f"{XSL}output", method="text", encoding="UTF-8")
    checks_by_rule: dict[int, list[Check]] = {}
    for check in checks:
        checks_by_rule.setdefault(check.rule, []).append(check)
    initial = etree.Element(f"{XSL}template", match="/")
    for number, members in patterns:
        mode = f"tk:p{number}"
        selections = []
        for position, (index, _pattern, rule) in enumerate(members):
            selections.append(candidate_expression(as_xpath1(rule.get("context")) or "").replace("root()", ""))
            template = etree.SubElement(
                stylesheet,
                f"{XSL}template",
                match=as_xpath1(rules[index].context) or "",
                mode=mode,
                priority=str(len(members) - position),
            )
            asserts = [c for c in rule if isinstance(c.tag, str)]
            for element, check in zip(asserts, checks_by_rule.get(index, []), strict=True):
                test = as_xpath1(check.test) or ""
                test = f"({test})" if check.kind == "report" else f"not(({test}))"
                condition = etree.SubElement(template, f"{XSL}if", test=test)
                etree.SubElement(condition, f"{XSL}text").text = f"{check.index}\t"
                etree.SubElement(condition, f"{XSL}call-template", name="tk:path")
                etree.SubElement(condition, f"{XSL}text").text = "\t"
                message = etree.SubElement(condition, f"{XSL}variable", name="tk:message")
                _message(message, element)
                etree.SubElement(condition, f"{XSL}value-of", select="normalize-space($tk:message)")
                etree.SubElement(condition, f"{XSL}text").text = "\n"
        selected = f"$teikit-patterns = '*' or contains(concat(' ', $teikit-patterns, ' '), ' {number} ')"
        run = etree.SubElement(initial, f"{XSL}if", test=selected)
        etree.SubElement(run, f"{XSL}apply-templates", select=" | ".join(selections), mode=mode)
    etree.SubElement(stylesheet, f"{XSL}param", name="teikit-patterns", select="'*'")
    stylesheet.append(initial)
    _add_path_template(stylesheet)
    return XPath1Rules(etree.tostring(stylesheet, encoding="unicode"), frozenset(n for n, _ in patterns))


def _message(target: etree._Element, element: etree._Element) -> None:
    if element.text:
        etree.SubElement(target, f"{XSL}text").text = element.text
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif child.tag == f"{SCH}name":
            path = child.get("path")
            etree.SubElement(target, f"{XSL}value-of", select=f"name({as_xpath1(path)})" if path else "name(.)")
        elif child.tag == f"{SCH}value-of":
            etree.SubElement(target, f"{XSL}value-of", select=child.get("select", ""))
        else:
            _message(target, child)
        if child.tail:
            etree.SubElement(target, f"{XSL}text").text = child.tail


def _add_path_template(stylesheet: etree._Element) -> None:
    """The node's path as element positions, as tk:path writes it in the XSLT 3.0 stylesheet."""
    template = etree.SubElement(stylesheet, f"{XSL}template", name="tk:path")
    each = etree.SubElement(template, f"{XSL}for-each", select="ancestor-or-self::*")
    separator = etree.SubElement(each, f"{XSL}if", test="position() > 1")
    etree.SubElement(separator, f"{XSL}text").text = "/"
    etree.SubElement(each, f"{XSL}value-of", select="count(preceding-sibling::*) + 1")
    attribute = etree.SubElement(template, f"{XSL}if", test="count(. | ../@*) = count(../@*)")
    etree.SubElement(attribute, f"{XSL}text").text = "/@{"
    etree.SubElement(attribute, f"{XSL}value-of", select="namespace-uri()")
    etree.SubElement(attribute, f"{XSL}text").text = "}"
    etree.SubElement(attribute, f"{XSL}value-of", select="local-name()")


__all__ = ["XPath1Rules", "as_xpath1", "compile_xpath1", "rule_runs_in_xpath1", "same_in_xpath1", "xpath_string"]

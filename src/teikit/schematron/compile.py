"""Compile a normalised ``sch:schema`` (see :mod:`.extract`) into one XSLT 3.0 stylesheet.

The shape follows ISO Schematron's processing model, written afresh for teikit:

* each ``sch:pattern`` is a **mode**; each of its ``sch:rule``s is a template in that
  mode whose ``@match`` is the rule's context, with a priority that makes the first
  rule of the pattern win, so a node fires at most one rule per pattern;
* the initial template applies each mode to the nodes its rules' contexts select
  (``//(context)``: exactly the nodes a child-and-attribute-axis pattern matches,
  found by Saxon's indexed descendant search instead of a walk of every node per
  pattern), in document order, each node once;
* ``sch:let`` becomes ``xsl:variable`` (schema-level: global; pattern-level: evaluated
  from the document root; rule-level: local, in order, before the assertions);
* an ``sch:assert`` that fails or an ``sch:report`` that succeeds returns one line
  ``INDEX<TAB>PATH<TAB>MESSAGE``: the index of the check (whose rule id, severity and
  test stay here, in :class:`Check`), the node's path as element positions
  (``1/3/2``, plus ``@{uri} name`` for an attribute) and the message with
  ``sch:name`` and ``sch:value-of`` expanded and white space normalised;
* every rule body and every check sits in ``xsl:try``: a dynamic error (``@when cast
  as xs:date`` on a bad value) becomes a line ``!RULE<TAB>PATH<TAB>ERROR`` for that
  node instead of ending the whole run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .extract import SCH, SCH_NS, XSL_NS

XSL = f"{{{XSL_NS}}}"
TK_NS = "urn:teikit:schematron"
TK = f"{{{TK_NS}}}"
ERR_NS = "http://www.w3.org/2005/xqt-errors"
XS_NS = "http://www.w3.org/2001/XMLSchema"
# Bump when the generated stylesheet changes, so that cached compilations are never reused.
COMPILER_VERSION = 3
ERROR = "error"
WARNING = "warning"
# ISO Schematron leaves @role free; these are the words schemas use for "not an error".
WARNING_ROLES = frozenset({"nonfatal", "warning", "warn", "information", "info", "informational"})


@dataclass(frozen=True)
class Check:
    """One ``sch:assert`` or ``sch:report``: what the compiled stylesheet's line INDEX refers to."""

    index: int
    rule: int  # index of its rule in CompiledSchematron.rules
    rule_id: str
    severity: str
    kind: str  # "assert" or "report"
    test: str


@dataclass(frozen=True)
class Rule:
    """One ``sch:rule``: where it comes from, for messages about the rule itself."""

    index: int
    rule_id: str
    context: str
    line: int | None


@dataclass(frozen=True)
class CompiledSchematron:
    """The XSLT of a schema's rules and what each line of its output means.

    ``patterns`` holds, for each mode ``tk:pN`` (N = position + 1), the sets of
    names one of which a document must use entirely for a rule of that pattern to
    match anything (see :func:`required_names`); an empty set means "always run".
    """

    xslt: str
    rules: tuple[Rule, ...]
    checks: tuple[Check, ...]
    patterns: tuple[tuple[frozenset[str], ...], ...] = ()
    # The patterns every rule of which means the same in XPath 1 (see .xpath1), and their XSLT 1.0.
    xpath1_xslt: str = ""
    xpath1_patterns: frozenset[int] = frozenset()

    def patterns_for(self, names: frozenset[str]) -> list[int]:
        """The numbers of the patterns that can match something in a document using only ``names``."""
        return [number for number, needs in enumerate(self.patterns, start=1) if any(need <= names for need in needs)]


def severity_of(role: str | None) -> str:
    """``warning`` for the roles that mean "not an error" (nonfatal, warning, information), else ``error``."""
    return WARNING if (role or "").strip().lower() in WARNING_ROLES else ERROR


def xpath_string(text: str) -> str:
    """``text`` as an XPath string literal."""
    return "'" + text.replace("'", "''") + "'"


def list_rules(schema: etree._Element) -> list[tuple[etree._Element, etree._Element]]:
    """(pattern, rule) for every concrete rule, in document order."""
    return [
        (pattern, rule)
        for pattern in schema.iter(f"{SCH}pattern")
        for rule in pattern.iterfind(f"{SCH}rule")
        if rule.get("abstract") != "true"
    ]


def compile_schema(schema: etree._Element, name: str, exclude: frozenset[int] = frozenset()) -> CompiledSchematron:
    """The XSLT 3.0 stylesheet of ``schema``'s rules, leaving out the rules whose index is in ``exclude``."""
    stylesheet = etree.Element(f"{XSL}stylesheet", nsmap=_namespaces(schema))
    stylesheet.set("version", "3.0")
    stylesheet.set("exclude-result-prefixes", "#all")
    etree.SubElement(stylesheet, f"{XSL}output", method="text", encoding="UTF-8")
    for element in schema:
        if element.tag in (f"{XSL}key", f"{XSL}function"):
            stylesheet.append(_copy(element))
    for let in schema.iterfind(f"{SCH}let"):
        stylesheet.append(_variable(let))
    _add_path_function(stylesheet)
    diagnostics = {d.get("id"): d for d in schema.iter(f"{SCH}diagnostic") if d.get("id")}
    rules: list[Rule] = []
    checks: list[Check] = []
    patterns: list[tuple[str, list[str], list[int]]] = []  # (mode, candidate expressions, rule indices)
    needs: list[tuple[frozenset[str], ...]] = []
    by_pattern: dict[int, list[tuple[int, etree._Element]]] = {}
    pattern_elements: dict[int, etree._Element] = {}
    for pattern, rule in list_rules(schema):
        by_pattern.setdefault(id(pattern), []).append((len(rules), rule))
        pattern_elements[id(pattern)] = pattern
        rules.append(
            Rule(len(rules), _rule_id(pattern, rule, name, len(rules)), rule.get("context", ""), rule.sourceline)
        )
    compile_xpath1, rule_runs_in_xpath1 = _xpath1_compiler()  # (xpath1 imports this module)
    in_xpath1: list[tuple[int, list[tuple[int, etree._Element, etree._Element]]]] = []
    for key, members in by_pattern.items():
        pattern = pattern_elements[key]
        mode = f"tk:p{len(patterns) + 1}"
        candidates: list[str] = []
        pattern_rules: list[int] = []
        pattern_needs: list[frozenset[str]] = []
        kept = [(index, pattern, rule) for index, rule in members if index not in exclude]
        if kept and all(rule_runs_in_xpath1(p, r) for _, p, r in kept):
            in_xpath1.append((len(patterns) + 1, kept))
        for position, (index, rule) in enumerate(members):
            if index in exclude:
                continue
            if not candidates:
                etree.SubElement(stylesheet, f"{XSL}mode", name=mode, **{"on-no-match": "deep-skip"})
            candidates.append(candidate_expression(rule.get("context", "")))
            pattern_rules.append(index)
            pattern_needs.extend(required_names(rule.get("context", "")))
            _add_rule_template(
                stylesheet, pattern, rule, rules[index], mode, len(members) - position, checks, diagnostics
            )
        if candidates:
            patterns.append((mode, candidates, pattern_rules))
            needs.append(tuple(dict.fromkeys(pattern_needs)))
    _add_initial_template(stylesheet, patterns)
    xslt = etree.tostring(stylesheet, pretty_print=True, encoding="unicode")
    xpath1 = compile_xpath1(schema, tuple(rules), tuple(checks), in_xpath1)
    return CompiledSchematron(xslt, tuple(rules), tuple(checks), tuple(needs), xpath1.xslt, xpath1.patterns)


EVERY_NODE = "(root() | root()//node() | root()//@*)"


def _xpath1_compiler():
    from .xpath1 import compile_xpath1, rule_runs_in_xpath1

    return compile_xpath1, rule_runs_in_xpath1


def candidate_expression(context: str) -> str:
    """An expression selecting (from any node of a document) every node the pattern ``context`` can match.

    An XSLT pattern made of child and attribute steps matches exactly the nodes
    that ``//pattern`` selects from the root, alternative by alternative; one that
    starts with ``/`` is an absolute path already. (Each alternative on its own,
    not ``//(a | b)``: Saxon evaluates that once per node of the document, where
    ``//a`` is one indexed scan.) Anything else (``document-node()``, ``.[…]``) gets
    every node, and the template's own ``@match`` decides.
    """
    alternatives = split_top_level(context, "|")
    if alternatives is None:
        return EVERY_NODE
    selections = []
    for alternative in alternatives:
        text = alternative.strip()
        if text == "/":
            selections.append("root()")
        elif text.startswith("/"):
            selections.append(f"({text})")
        elif not text or text.startswith((".", "document-node", "(")) or "document-node(" in text:
            return EVERY_NODE
        else:
            selections.append(f"root()//{text}")
    return " | ".join(selections)


def split_top_level(text: str, separator: str) -> list[str] | None:
    """``text`` cut at each ``separator`` outside brackets, parentheses and string literals; None if unbalanced."""
    parts, depth, quote, start = [], 0, "", 0
    for position, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and text.startswith(separator, position):
            parts.append(text[start:position])
            start = position + len(separator)
    if depth or quote:
        return None
    parts.append(text[start:])
    return parts


_NCNAME = r"[^\W\d][\w.\-]*"
_NAME_TEST = re.compile(rf"^(?:child::)?(?:{_NCNAME}:)?({_NCNAME})$")
_ATTRIBUTE_TEST = re.compile(rf"^(?:@|attribute::)(?:{_NCNAME}:)?({_NCNAME})$")
_ATTRIBUTE_PREDICATE = re.compile(rf"^\s*@(?:{_NCNAME}:)?({_NCNAME})\s*$")
_ATTRIBUTE_COMPARED = re.compile(
    rf"""^\s*@(?:{_NCNAME}:)?({_NCNAME})\s*(?:!=|<=|>=|=|<|>|\s(?:eq|ne|lt|le|gt|ge)\s)\s*(?:'[^']*'|"[^"]*"|\d+)\s*$"""
)


def required_names(context: str) -> list[frozenset[str]]:
    """For each alternative of a rule context, local names (``"p"``, ``"@when"``) a match needs in the document.

    A pattern step ``tei:ptr`` matches only an element whose local name is
    ``ptr``, ``@cRef`` only such an attribute, and a predicate that is ``@when``
    (or ``@a and @b``) holds only where those attributes are; so a document in
    which one of those names never occurs has no node the alternative matches,
    and the rule cannot fire there. Anything not of these forms requires nothing
    (an empty set: always run). So the sets only ever *under*-state what a match
    needs, and leaving out a pattern because a document lacks a needed name never
    changes what the rules report (tests/test_schematron_xpath2.py checks it too).
    """
    alternatives = split_top_level(context, "|")
    if alternatives is None:
        return [frozenset()]
    return [_names_of_path(alternative) for alternative in alternatives]


def _names_of_path(path: str) -> frozenset[str]:
    steps = split_top_level(path.strip(), "/")
    if steps is None:
        return frozenset()
    names: set[str] = set()
    for step in steps:
        step = step.strip()
        if not step:
            continue  # the empty step of "//" or of a leading "/"
        test, predicates = _test_and_predicates(step)
        if predicates is None:
            continue
        element, attribute = _NAME_TEST.match(test), _ATTRIBUTE_TEST.match(test)
        if attribute:
            names.add("@" + attribute.group(1))
        elif element and "(" not in test:
            names.add(element.group(1))
        for predicate in predicates:
            # Every conjunct of a predicate must hold: "@a", or "@a" compared with a literal (a
            # comparison with an absent attribute is false or empty), needs the attribute.
            for conjunct in split_top_level(predicate, " and ") or []:
                found = _ATTRIBUTE_PREDICATE.match(conjunct) or _ATTRIBUTE_COMPARED.match(conjunct)
                if found:
                    names.add("@" + found.group(1))
    return frozenset(names)


def _test_and_predicates(step: str) -> tuple[str, list[str] | None]:
    """A step's node test and the texts of its predicates (None when the step is not of that simple form)."""
    bracket = step.find("[")
    if bracket < 0:
        return step, []
    test, rest = step[:bracket].strip(), step[bracket:]
    predicates = []
    while rest:
        if not rest.startswith("["):
            return test, None
        depth, quote = 0, ""
        for position, char in enumerate(rest):
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    predicates.append(rest[1:position])
                    rest = rest[position + 1 :].strip()
                    break
        else:
            return test, None
    return test, predicates


def _namespaces(schema: etree._Element) -> dict[str | None, str]:
    namespaces: dict[str | None, str] = {"xsl": XSL_NS, "tk": TK_NS, "err": ERR_NS}
    for ns in schema.iter(f"{SCH}ns"):
        prefix, uri = ns.get("prefix"), ns.get("uri")
        if prefix and uri and prefix not in ("xsl", "tk", "err", "xml"):
            namespaces[prefix] = uri
    namespaces.setdefault("xs", XS_NS)
    return namespaces


def _copy(element: etree._Element) -> etree._Element:
    copied = etree.fromstring(etree.tostring(element))
    copied.tail = None
    return copied


def _variable(let: etree._Element, from_root: bool = False) -> etree._Element:
    variable = etree.Element(f"{XSL}variable", name=let.get("name", ""))
    value = let.get("value")
    if value is not None:
        variable.set("select", f"root(.) ! ({value})" if from_root else value)
    else:  # a let with element content: a temporary tree, as xsl:variable makes one
        for child in let:
            variable.append(_copy(child))
    return variable


def _rule_id(pattern: etree._Element, rule: etree._Element, name: str, index: int) -> str:
    rules_in_pattern = [r for r in pattern.iterfind(f"{SCH}rule") if r.get("abstract") != "true"]
    if rule.get("id"):
        return rule.get("id", "")
    if pattern.get("id"):
        if len(rules_in_pattern) > 1:
            return f"{pattern.get('id')}#{rules_in_pattern.index(rule) + 1}"
        return pattern.get("id", "")
    return f"{name}-rule-{index + 1}"


def _local_namespaces(rule: etree._Element, bound: dict[str | None, str]) -> dict[str, str]:
    """Prefixes in scope on the rule that the stylesheet does not bind (ODD output relies on some)."""
    return {
        prefix: uri for prefix, uri in rule.nsmap.items() if prefix and prefix not in bound and uri not in (SCH_NS,)
    }


def _add_rule_template(
    stylesheet, pattern, rule, info: Rule, mode: str, priority: int, checks: list[Check], diagnostics: dict
) -> None:
    template = etree.SubElement(stylesheet, f"{XSL}template", nsmap=_local_namespaces(rule, stylesheet.nsmap))
    template.set("match", info.context)
    template.set("mode", mode)
    template.set("priority", str(priority))
    template.set(f"{TK}rule", str(info.index))
    body = etree.SubElement(template, f"{XSL}try")
    for let in pattern.iterfind(f"{SCH}let"):
        body.append(_variable(let, from_root=True))
    for child in rule:
        if child.tag == f"{SCH}let":
            body.append(_variable(child))
        elif child.tag in (f"{SCH}assert", f"{SCH}report"):
            kind = etree.QName(child).localname
            check = Check(
                len(checks),
                info.index,
                child.get("id") or info.rule_id,
                severity_of(child.get("role") or rule.get("role")),
                kind,
                child.get("test", ""),
            )
            checks.append(check)
            body.append(_check_element(child, check, rule, diagnostics))
    catch = etree.SubElement(body, f"{XSL}catch")
    catch.set("select", f"concat('!{info.index}', $tk:tab, tk:path(.), $tk:tab, normalize-space($err:description))")


def _check_element(element: etree._Element, check: Check, rule: etree._Element, diagnostics: dict):
    test = f"({check.test})" if check.kind == "report" else f"not(({check.test}))"
    guard = etree.Element(f"{XSL}try")
    condition = etree.SubElement(guard, f"{XSL}if", test=test)
    subject = element.get("subject") or rule.get("subject")
    location = f"tk:path((({subject}), .)[1])" if subject else "tk:path(.)"
    message = _message_expression(element, diagnostics)
    etree.SubElement(
        condition,
        f"{XSL}sequence",
        select=f"concat('{check.index}', $tk:tab, {location}, $tk:tab, normalize-space({message}))",
    )
    catch = etree.SubElement(guard, f"{XSL}catch")
    catch.set("select", f"concat('!{check.rule}', $tk:tab, tk:path(.), $tk:tab, normalize-space($err:description))")
    return guard


def _message_expression(element: etree._Element, diagnostics: dict) -> str:
    parts = _message_parts(element)
    for reference in (element.get("diagnostics") or "").split():
        diagnostic = diagnostics.get(reference)
        if diagnostic is not None:
            parts += ["' ('", *_message_parts(diagnostic), "')'"]
    if not parts:
        return "''"
    return "string-join((" + ", ".join(parts) + "), '')"


def _message_parts(element: etree._Element) -> list[str]:
    """XPath expressions whose strings, joined, make the text of an assertion (or of any element inside one)."""
    parts = [xpath_string(element.text)] if element.text else []
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif child.tag == f"{SCH}name":
            path = child.get("path")
            parts.append(f"name(({path})[1])" if path else "name(.)")
        elif child.tag == f"{SCH}value-of":
            parts.append(f"string-join(for $tk:v in ({child.get('select', '.')}) return string($tk:v), ' ')")
        else:  # sch:emph, sch:dir, sch:span and foreign markup: their text, with any name or value-of inside
            parts.extend(_message_parts(child))
        if child.tail:
            parts.append(xpath_string(child.tail))
    return parts


def _add_path_function(stylesheet: etree._Element) -> None:
    # A tab separates the fields of an output line (messages are normalised, so they hold none).
    etree.SubElement(stylesheet, f"{XSL}variable", name="tk:tab", select="codepoints-to-string(9)")
    function = etree.SubElement(stylesheet, f"{XSL}function", name="tk:path", **{"as": "xs:string"})
    etree.SubElement(function, f"{XSL}param", name="node", **{"as": "node()"})
    # Element positions among element siblings, from the root element down; an attribute adds its
    # expanded name. lxml's tree has the same elements in the same order, so the path finds the node.
    etree.SubElement(
        function,
        f"{XSL}sequence",
        select=(
            "string-join(("
            "for $e in $node/ancestor-or-self::* return string(count($e/preceding-sibling::*) + 1), "
            "if ($node instance of attribute()) then concat('@{', namespace-uri($node), '}', local-name($node)) "
            "else ()), '/')"
        ),
    )


def _add_initial_template(stylesheet: etree._Element, patterns: list[tuple[str, list[str], list[int]]]) -> None:
    # The patterns to run, by number ("1 4 7"), or "*" for all: the caller leaves out those that
    # cannot match anything in the document (CompiledSchematron.patterns_for).
    etree.SubElement(stylesheet, f"{XSL}param", name="tk:patterns", select="'*'", **{"as": "xs:string"})
    template = etree.SubElement(stylesheet, f"{XSL}template", match="/")
    etree.SubElement(template, f"{XSL}variable", name="tk:all", select="$tk:patterns = '*'")
    etree.SubElement(template, f"{XSL}variable", name="tk:on", select="tokenize($tk:patterns)")
    found = etree.SubElement(template, f"{XSL}variable", name="tk:found", **{"as": "xs:string*"})
    for number, (mode, candidates, rules) in enumerate(patterns, start=1):
        run = etree.SubElement(found, f"{XSL}if", test=f"$tk:all or $tk:on = '{number}'")
        apply = etree.SubElement(run, f"{XSL}apply-templates", select=" | ".join(candidates), mode=mode)
        apply.set(f"{TK}rules", " ".join(map(str, rules)))  # whose contexts these are: see run._blame_rules
    etree.SubElement(template, f"{XSL}value-of", select="string-join($tk:found, codepoints-to-string(10))")

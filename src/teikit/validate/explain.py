"""libxml2's RELAX NG errors made readable: which element, where, and what the grammar expected there.

libxml2 stops inside a subtree at its first error and words its messages for C programmers. The content
models of the whole grammar (:class:`teikit.relaxng.ContentModels`) are replayed over an element's children
to say which child is out of place and what was expected instead, and closed lists of attribute values are
checked directly, so that the message names the value and the values allowed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence

from lxml import etree

from .. import relaxng
from .locate import Locator, local_name, split_tag
from .report import ERROR, Problem

# How many expected element names a message lists before it says "or N others".
MAX_EXPECTED = 10
# How many structural problems one file reports at most (beyond libxml2's own).
MAX_FINDINGS = 100
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _tag(node: etree._Element) -> str:
    return local_name(node)


def _split_tag(tag: str) -> tuple[str, str]:
    return split_tag(tag)


def _name(node: etree._Element) -> tuple[str, str]:
    return _split_tag(node.tag)


def _element_children(node: etree._Element) -> list[etree._Element]:
    return [child for child in node if isinstance(child.tag, str)]


def _names_list(names: Sequence[str], end_of: str | None = None) -> str:
    items = [f"<{name}>" for name in names[:MAX_EXPECTED]]
    if len(names) > MAX_EXPECTED:
        items.append(f"{len(names) - MAX_EXPECTED} other elements")
    if end_of:
        items.append(f"the end of <{end_of}>")
    if not items:
        return "nothing"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _children_finding(
    node: etree._Element, models: relaxng.ContentModels
) -> tuple[etree._Element, str] | None:
    """Replay a node's children against its content model; a (node, message) when they do not fit."""
    children = _element_children(node)
    verdict = models.check_children(_name(node), [_name(child) for child in children])
    if verdict is None or verdict.ok:
        return None
    name = _tag(node)
    if verdict.index < len(children):
        child = children[verdict.index]
        where = f"after <{_tag(children[verdict.index - 1])}>" if verdict.index else "as the first child"
        expected = _names_list(verdict.expected, name if verdict.end_allowed else None)
        return (
            child,
            f"element <{_tag(child)}> is not allowed here in <{name}> ({where}); expected {expected}",
        )
    where = f"after <{_tag(children[-1])}>" if children else "inside it"
    return node, f"element <{name}> is incomplete: expected {_names_list(verdict.expected)} {where}"


def _first_finding_below(
    node: etree._Element, models: relaxng.ContentModels
) -> tuple[etree._Element, str] | None:
    """The first element at or below ``node`` (document order) whose children do not fit its content model."""
    for element in node.iter():
        if isinstance(element.tag, str):
            finding = _children_finding(element, models)
            if finding:
                return finding
    return None


def _node_at(tree: etree._ElementTree, path: str | None) -> etree._Element | None:
    if not path:
        return None
    try:
        found = tree.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


_INVALID_ATTRIBUTE = re.compile(r"Invalid attribute (\S+) for element (\S+)")


def explain_relaxng(
    entries: list,
    tree: etree._ElementTree,
    path: str,
    models: relaxng.ContentModels,
    schema: str,
    locator: Locator | None = None,
    validator: etree.RelaxNG | None = None,
) -> list[Problem]:
    """libxml2's RELAX NG errors as Problems that name the element, where it is and what was expected.

    ``validator`` (the grammar that gave ``entries``) lets attribute values
    outside their closed lists be reported as such: libxml2 instead blames the
    ancestors it backtracked through ("the content of <body> is not valid").
    """
    problems: list[Problem] = []
    explained: set[int] = set()
    locator = locator or Locator(tree, path)

    def add(node: etree._Element | None, line: int | None, message: str, rule: str) -> None:
        where, column = locator.position(node, line)
        problems.append(Problem(locator.source_of(node), where, column, ERROR, message, rule, schema))

    outside = list(_values_outside_their_lists(tree.getroot(), models))
    for node, key, allowed in outside:
        add(node, None, _value_not_in_list_message(node, key, allowed), "relaxng-attribute")
    if outside and validator is not None:
        # libxml2's other messages are those of the document with these values corrected: the
        # ones about the same mistake go, the ones about other mistakes stay.
        entries = _entries_with_values_corrected(tree, outside, validator)
    for entry in entries:
        node = _node_at(tree, entry.path)
        kind = entry.type_name.replace("RELAXNG_ERR_", "relaxng-").lower().replace("_", "-")
        attribute = _INVALID_ATTRIBUTE.match(entry.message)
        if attribute and node is not None:
            add(node, entry.line, _attribute_message(node, attribute.group(1), models), "relaxng-attribute")
            continue
        # Which element's children to replay: the parent of an unexpected element, or the element itself.
        subject = node
        if node is not None and entry.type_name in (
            "RELAXNG_ERR_ELEMWRONG",
            "RELAXNG_ERR_ELEMNAME",
            "RELAXNG_ERR_ELEMEXTRANS",
        ):
            subject = node.getparent() if node.getparent() is not None else node
        finding = None
        if subject is not None:
            finding = _children_finding(subject, models) or _first_finding_below(subject, models)
        if finding:
            target, message = finding
            if id(target) not in explained:
                explained.add(id(target))
                add(target, entry.line, message, "relaxng-content")
            continue
        if node is not None and id(node) in explained:
            continue
        add(node, entry.line, _plain_message(entry.message, node), kind)
    # libxml2 stops inside a subtree at its first error (and says nothing at all when the
    # restricted grammar is notAllowed); replaying every element finds the others, as jing would.
    for target, message in _all_findings(tree.getroot(), models):
        if id(target) not in explained:
            explained.add(id(target))
            add(target, None, message, "relaxng-content")
    if not problems:
        root = tree.getroot()
        add(root, None, f"the document (root <{_tag(root)}>) does not match the schema", "relaxng")
    return problems


def _all_findings(root: etree._Element, models: relaxng.ContentModels, limit: int = MAX_FINDINGS):
    """Every element below ``root`` whose children do not fit its content model (at most ``limit``)."""
    found = 0
    for element in root.iter():
        if isinstance(element.tag, str):
            finding = _children_finding(element, models)
            if finding:
                yield finding
                found += 1
                if found >= limit:
                    return


def _attribute_message(node: etree._Element, attribute: str, models: relaxng.ContentModels) -> str:
    declared, any_name = models.attribute_names(_name(node))
    local = attribute.split(":")[-1]
    # libxml2 names an attribute by its local name; find it to show its prefix (xml:id, not id).
    key = (
        attribute
        if attribute in node.attrib
        else next((k for k in node.attrib if etree.QName(k).localname == local), attribute)
    )
    shown = _attribute_display_name(key, node)
    value = node.get(key)
    allowed = models.closed_values(_name(node), _split_tag(key)) if value is not None else None
    if allowed is not None and not allowed.allows(value):
        return _value_not_in_list_message(node, key, allowed)
    if local in declared or any_name:
        return f'the value "{value}" of @{shown} on <{_tag(node)}> is not valid for that attribute'
    return f"attribute @{shown} is not allowed on <{_tag(node)}>"


def _values_outside_their_lists(root: etree._Element, models: relaxng.ContentModels, limit: int = MAX_FINDINGS):
    """(element, attribute, allowed values) for every attribute value outside the closed list the grammar gives."""
    found = 0
    lists: dict[tuple[str, str], relaxng.AllowedValues | None] = {}  # (tag, attribute) → its list, if closed
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        for key, value in element.items():
            if (tag, key) not in lists:
                lists[tag, key] = models.closed_values(_split_tag(tag), _split_tag(key))
            allowed = lists[tag, key]
            if allowed is not None and not allowed.allows(value):
                yield element, key, allowed
                found += 1
                if found >= limit:
                    return


def _value_not_in_list_message(node: etree._Element, key: str, allowed: relaxng.AllowedValues) -> str:
    values = allowed.listed()
    shown = ", ".join(values[:MAX_EXPECTED])
    if len(values) > MAX_EXPECTED:
        shown += f" or {len(values) - MAX_EXPECTED} others"
    return (
        f'the value "{node.get(key)}" of @{_attribute_display_name(key, node)} on <{_tag(node)}> is not allowed; '
        f"expected one of: {shown}"
    )


def _entries_with_values_corrected(tree: etree._ElementTree, outside: list, validator: etree.RelaxNG) -> list:
    """libxml2's errors for a copy of the tree whose listed attribute values are replaced by allowed ones."""
    corrected = copy.deepcopy(tree)
    for node, key, allowed in outside:
        twin = corrected.xpath(tree.getpath(node))[0]
        twin.set(key, allowed.listed()[0])
    if validator.validate(corrected):
        return []
    return list(validator.error_log)


def _attribute_display_name(key: str, node: etree._Element) -> str:
    qname = etree.QName(key)
    if not qname.namespace:
        return qname.localname
    if qname.namespace == "http://www.w3.org/XML/1998/namespace":
        return f"xml:{qname.localname}"
    prefix = next((p for p, uri in node.nsmap.items() if uri == qname.namespace and p), None)
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


_PLAIN_MESSAGES = [
    (
        re.compile(r"Invalid attribute (\S+) for element (\S+)"),
        "attribute @{0} is not allowed on <{1}>, or its value is not valid",
    ),
    (re.compile(r"Did not expect element (\S+) there"), "element <{0}> is not allowed here"),
    (re.compile(r"Expecting element (\S+), got (\S+)"), "expected element <{0}>, found <{1}>"),
    (re.compile(r"Element (\S+) has extra content: text"), "element <{0}> may not contain text"),
    (
        re.compile(r"Element (\S+) failed to validate attributes"),
        "an attribute of <{0}> is missing or not valid",
    ),
    (re.compile(r"Element (\S+) failed to validate content"), "the content of <{0}> is not valid"),
    (
        re.compile(r"Expecting an element (\S*), got nothing"),
        "element is incomplete: a required child is missing",
    ),
    (
        re.compile(r"Element (\S+) has wrong namespace: expecting (\S+)"),
        "element <{0}> is in the wrong namespace (expected {1})",
    ),
]


def _plain_message(message: str, node: etree._Element | None) -> str:
    for pattern, template in _PLAIN_MESSAGES:
        match = pattern.match(message)
        if match:
            text = template.format(*match.groups())
            if node is not None and "<" not in text:
                text = f"<{_tag(node)}>: {text}"
            if node is not None and node.getparent() is not None and "here" in text:
                text += f" in <{_tag(node.getparent())}>"
            return text
    return message



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
# The rules of messages teikit words itself, each naming the mistake; libxml2's own kinds (relaxng-elemname,
# relaxng-extracontent…) may name an ancestor it backtracked through instead.
SPECIFIC_RULES = frozenset(
    {"relaxng-attribute", "relaxng-content", "relaxng-text", "relaxng-namespace", "relaxng-datatype", "relaxng-id"}
)
TEI_NS = "http://www.tei-c.org/ns/1.0"


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


def _children_finding(node: etree._Element, models: relaxng.ContentModels) -> tuple[etree._Element, str] | None:
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


def _first_finding_below(node: etree._Element, models: relaxng.ContentModels) -> tuple[etree._Element, str] | None:
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
    # libxml2 backtracks through the ancestors of a mistake and blames them too ("Element front has extra
    # content: docTitle" for a bad date further down): a message is kept only when teikit can confirm it (the
    # replay of a content model, an attribute, a datatype, stray text, a namespace); the unconfirmed ones
    # are shown only when nothing else explains why the document is invalid.
    unconfirmed: list[tuple[etree._Element | None, int | None, str, str]] = []
    for entry in entries:
        node = _node_at(tree, entry.path)
        kind = entry.type_name.replace("RELAXNG_ERR_", "relaxng-").lower().replace("_", "-")
        attribute = _INVALID_ATTRIBUTE.match(entry.message)
        if attribute and node is not None:
            message = _attribute_message(node, attribute.group(1), models, tree)
            rule = "relaxng-id" if message.startswith("xml:id '") else "relaxng-attribute"
            add(node, entry.line, message, rule)
            continue
        confirmed = _confirmed_message(entry, node, models)
        if confirmed is not None:
            target, message, rule, line = confirmed
            if id(target) not in explained:
                explained.add(id(target))
                if line is None:
                    add(target, entry.line, message, rule)
                else:  # text has no node of its own: its line, no column
                    problems.append(Problem(locator.source_of(target), line, None, ERROR, message, rule, schema))
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
        unconfirmed.append((node, entry.line, _unconfirmed_message(entry.message, node), kind))
    # libxml2 stops inside a subtree at its first error (and says nothing at all when the
    # restricted grammar is notAllowed); replaying every element finds the others, as jing would.
    for target, message in _all_findings(tree.getroot(), models):
        if id(target) not in explained:
            explained.add(id(target))
            add(target, None, message, "relaxng-content")
    if not problems:
        for node, line, message, kind in unconfirmed[:1]:
            add(node, line, message, kind)
    if not problems:
        root = tree.getroot()
        add(root, None, f"the document (root <{_tag(root)}>) does not match the schema", "relaxng")
    return problems


_TYPE_VALUE = re.compile(r"Type (\S+) doesn't allow value '(.*)'")
_EXTRA_CONTENT = re.compile(r"Element (\S+) has extra content: (\S+)")


def _confirmed_message(
    entry, node: etree._Element | None, models: relaxng.ContentModels
) -> tuple[etree._Element, str, str, int | None] | None:
    """(where, message, rule, line if not the node's) for the errors whose cause teikit can name exactly."""
    if node is None:
        return None
    message = entry.message
    if entry.type_name == "RELAXNG_ERR_ELEMNONS":
        expected = _expected_namespace(node, models)
        where = f'add xmlns="{expected}" to the root element' if expected else "declare its namespace"
        message = f"element <{_tag(node)}> is in no namespace, but the schema expects one ({where})"
        return node, message, "relaxng-namespace", None
    if "expect text" in message or message.endswith("has extra content: text"):
        text_node, line, text = _stray_text(node)
        shown = text if len(text) <= 40 else text[:37] + "..."
        return text_node, f'<{_tag(node)}> may not contain text here; found "{shown}"', "relaxng-text", line
    typed = _TYPE_VALUE.match(message)
    if typed:
        datatype, value = typed.groups()
        key = next((k for k, v in node.items() if v == value), None)
        where = f"@{_attribute_display_name(key, node)} on <{_tag(node)}>" if key else f"<{_tag(node)}>"
        return (
            node,
            (
                f'the value "{value}" of {where} is not valid there (the schema\'s datatype, '
                f"{datatype} or another it allows, does not accept it)"
            ),
            "relaxng-datatype",
            None,
        )
    return None


def _expected_namespace(node: etree._Element, models: relaxng.ContentModels) -> str | None:
    """The TEI namespace, when the grammar has elements of this local name there (the usual slip)."""
    return TEI_NS if models.patterns_for((TEI_NS, _tag(node))) else None


def _stray_text(node: etree._Element) -> tuple[etree._Element, int | None, str]:
    """The first non-blank text directly inside ``node``, and the line it starts on (counted from neighbours)."""
    children = list(node)
    pieces = [(node.text, None, children[0] if children else None)]
    pieces += [
        (child.tail, child, children[i + 1] if i + 1 < len(children) else None) for i, child in enumerate(children)
    ]
    for text, before, after in pieces:
        if not text or not text.strip():
            continue
        stripped = text.lstrip()
        start = len(text) - len(stripped)
        if after is not None and after.sourceline:
            line = after.sourceline - text[start:].count("\n")
        elif before is None and node.sourceline:
            line = node.sourceline + text[:start].count("\n")
        elif before is not None and before.sourceline:
            inside = etree.tostring(before, with_tail=False).count(b"\n")
            line = before.sourceline + inside + text[:start].count("\n")
        else:
            line = None
        return node, line, " ".join(stripped.split())
    return node, None, ""


def _unconfirmed_message(message: str, node: etree._Element | None) -> str:
    extra = _EXTRA_CONTENT.match(message)
    if extra and node is not None:
        parent = node.getparent()
        inside = f" in <{_tag(parent)}>" if parent is not None else ""
        values = ", ".join(f'@{_attribute_display_name(k, node)}="{v}"' for k, v in node.items())
        check = f"check the values of its attributes ({values}) and its content" if values else "check its content"
        return f"element <{_tag(node)}> may appear here{inside}, but does not match the schema as written: {check}"
    return _plain_message(message, node)


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


_NCNAME = re.compile(r"^[^\W\d][\w.-]*$")


def bad_id_message(value: str) -> str:
    """Why an xml:id is not an identifier: it must be an XML name without a colon (XML Namespaces, NCName)."""
    suggestion = re.sub(r"[^\w.-]", "_", value)
    if not re.match(r"^[^\W\d]", suggestion):
        suggestion = "id_" + suggestion
    return (
        f"xml:id '{value}' is not a valid identifier: an xml:id is a name that starts with a letter or _ "
        f"and has no colon or space (for example '{suggestion}')"
    )


def _attribute_message(
    node: etree._Element, attribute: str, models: relaxng.ContentModels, tree: etree._ElementTree | None = None
) -> str:
    """What is wrong with an attribute libxml2 calls invalid (an xml:id problem starts "xml:id '")."""
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
    namespace = etree.QName(key).namespace if key.startswith("{") else None
    if key == f"{{{XML_NS}}}id" and value is not None:
        if not _NCNAME.match(value):
            return bad_id_message(value)
        if tree is not None and len(tree.xpath("//@xml:id[. = $v]", v=value)) > 1:
            return f"xml:id '{value}' is used more than once (give every element its own xml:id)"
    if namespace and namespace != XML_NS and local in declared:
        return (
            f"attribute @{shown} is not allowed on <{_tag(node)}>: its attributes are in no namespace "
            f"(write @{local}, without a prefix)"
        )
    allowed = models.closed_values(_name(node), _split_tag(key)) if value is not None else None
    if allowed is not None and not allowed.allows(value):
        return _value_not_in_list_message(node, key, allowed)
    if (local in declared and namespace in (None, XML_NS)) or any_name:
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

"""The renderers' XSLT: compiled once per process, run with errors a person can act on.

teikit's own stylesheets and a user's (which may ``<xsl:import href="teikit:html.xsl"/>``)
are compiled through :func:`teikit.xmlio.load_xslt` (the ``teikit:`` resolver; no file
writing, no network) and cached, so a run over a thousand files compiles each once; worker
processes forked after the first compilation inherit it.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from .. import __version__
from ..errors import UsageError, XMLInputError
from ..xmlio import TEI_NS, load_xslt, packaged_xslt

GENERATOR = f"teikit {__version__}"
# Root elements that mark a TEI document written without the TEI namespace (P4 habits, hand-made files).
UNNAMESPACED_TEI_ROOTS = {"TEI", "teiCorpus", "TEI.2"}

Stylesheet: TypeAlias = str | Path | etree.XSLT | None


@functools.lru_cache(maxsize=32)
def _compiled(path: str, mtime_ns: int) -> etree.XSLT:
    # mtime in the key: a stylesheet edited between two calls in one session is compiled again.
    return load_xslt(path)


def load(stylesheet: Stylesheet, default: str) -> etree.XSLT:
    """A compiled stylesheet: the packaged ``default`` when ``stylesheet`` is None, else the user's."""
    if isinstance(stylesheet, etree.XSLT):
        return stylesheet
    path = Path(stylesheet) if stylesheet is not None else packaged_xslt(default)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise UsageError("no such stylesheet", path, hint="check the path to the XSLT file") from None
    return _compiled(str(path.resolve()), mtime)


def as_tei(tree: etree._ElementTree | etree._Element) -> etree._ElementTree:
    """The document as the stylesheets expect it: a TEI root written without namespace gets the TEI namespace.

    Any other document is passed through unchanged (the stylesheets render unknown
    vocabularies as plain text rather than failing).
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    if root.tag not in UNNAMESPACED_TEI_ROOTS:
        return root.getroottree() if isinstance(tree, etree._Element) else tree
    namespaced = copy.deepcopy(root)
    if namespaced.tag == "TEI.2":  # TEI P4's root; its header and text are where P5 has them
        namespaced.tag = "TEI"
    for element in namespaced.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{TEI_NS}}}{element.tag}"
    etree.cleanup_namespaces(namespaced, top_nsmap={None: TEI_NS})
    return namespaced.getroottree()


def run(xslt: etree.XSLT, tree: etree._ElementTree, **params: str) -> etree._XSLTResultTree:
    """Apply a stylesheet with string parameters; a failure becomes an XMLInputError."""
    try:
        return xslt(as_tei(tree), **{name: etree.XSLT.strparam(value) for name, value in params.items()})
    except etree.XSLTApplyError as exc:
        root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
        raise _apply_error(exc, xslt, root.getroottree().docinfo.URL) from None


# libxslt's words around the cause of a runtime error, which say nothing by themselves.
_GENERIC = ("runtime error", "XPath evaluation returned no result", "Evaluating user parameter")


def _apply_error(exc: etree.XSLTApplyError, xslt: etree.XSLT, document: str | None = None) -> XMLInputError:
    """One line for a failed transformation: where in the stylesheet, and the cause libxslt gave.

    libxslt logs a runtime error as several entries ("runtime error, element 'value-of'" with the
    stylesheet's line, then the cause, then "XPath evaluation returned no result"), and logs every
    ``xsl:message`` alike: taking the last entry gave "the stylesheet failed: n" for a stylesheet whose
    last message was "n". A terminating ``xsl:message`` is the exception's own text.
    """
    entries = [entry for entry in xslt.error_log if entry.message.strip()] or list(exc.error_log or [])
    located = [e for e in entries if e.filename not in (None, "<string>") and e.message.startswith("runtime error")]
    text = " ".join(str(exc).split())
    if located:
        first = located[0]
        at = entries.index(first)
        # The cause follows the located entry (an undefined variable) or, for XPath's own errors, precedes it.
        before = [entries[at - 1]] if at > 0 else []
        cause = next((e.message for e in [*entries[at + 1 :], *before] if not e.message.startswith(_GENERIC)), None)
        element = first.message.split("element", 1)[-1].strip(" '")
        message = f"runtime error in element '{element}'" + (f": {' '.join(cause.split())}" if cause else "")
        where, line = first.filename, first.line or None
    elif text and any(" ".join(e.message.split()) == text for e in entries):
        message, where, line = f"the stylesheet stopped with xsl:message: {text}", document, None
    else:
        message, where, line = text or "the transformation failed", document, None
    lowered = message.lower()
    if any(word in lowered for word in ("denied", "forbidden", "refused")):
        hint = "teikit runs stylesheets without permission to write files or use the network"
    else:
        hint = "fix the stylesheet, or render with teikit's own"
    return XMLInputError(f"the stylesheet failed: {message}", where, line, hint=hint)

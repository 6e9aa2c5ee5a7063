"""Validate a file against a RELAX NG grammar while reading it, without building a tree.

libxml2's text reader (xmlTextReader) parses and validates in one pass, in C, in
bounded memory: the tree of a 50 MB file takes half a gigabyte, the reader about
nothing. lxml does not expose the reader and links its own libxml2 statically,
so this module binds the system's shared libxml2 (libxml2.so.2) through ctypes.

Only a verdict comes out of here, never a message for the user: the caller
(:mod:`teikit.validate`) takes "valid" as the answer and sends everything else
to the tree path, which explains problems with lines, columns and the content
models. :func:`stream_validate` therefore says ``valid=True`` only when libxml2
reported nothing at all (no error, no warning) and the reader reached the end
of the document; any message, from the parser or the validator, ends the read at
once, so an invalid file costs little.

Safety is that of :func:`teikit.xmlio.parse_xml`: no network (XML_PARSE_NONET),
no entity substitution (no XML_PARSE_NOENT), no DTD loading, defaulting or
validation, libxml2's default limits (no XML_PARSE_HUGE). Documents whose prolog
declares entities or has an internal DTD subset are not for this module at all
(:func:`has_plain_prolog`): the caller refuses them on the tree path, as ever.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import weakref
from dataclasses import dataclass
from pathlib import Path

# xmlParserOption: only "no network". Never NOENT (1<<1), DTDLOAD (1<<2), DTDATTR (1<<3),
# DTDVALID (1<<4), XINCLUDE (1<<10) or HUGE (1<<19).
XML_PARSE_NONET = 1 << 11
XML_FROM_RELAXNGV = 19  # xmlErrorDomain of the RELAX NG validator
XML_ERR_WARNING = 1  # xmlErrorLevel

# The shared library's names: Linux's stable soname first (no search needed), then whatever
# ctypes finds (libxml2.2.dylib on macOS). TEIKIT_LIBXML2 names another file, or "none" to
# switch streaming off (every file then takes the tree path).
_SONAMES = ("libxml2.so.2",)


class _XMLError(ctypes.Structure):
    """libxml2's xmlError (xmlerror.h); its layout has been the same since libxml2 2.6."""

    _fields_ = [
        ("domain", ctypes.c_int),
        ("code", ctypes.c_int),
        ("message", ctypes.c_char_p),
        ("level", ctypes.c_int),
        ("file", ctypes.c_char_p),
        ("line", ctypes.c_int),
        ("str1", ctypes.c_char_p),
        ("str2", ctypes.c_char_p),
        ("str3", ctypes.c_char_p),
        ("int1", ctypes.c_int),
        ("int2", ctypes.c_int),  # the column
        ("ctxt", ctypes.c_void_p),
        ("node", ctypes.c_void_p),
    ]


_STRUCTURED_ERROR = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_XMLError))

_VOID_P = ctypes.c_void_p
# name: (restype, argtypes) of every function used; a library without one of them is not used.
_SIGNATURES = {
    "xmlRelaxNGNewMemParserCtxt": (_VOID_P, [ctypes.c_char_p, ctypes.c_int]),
    "xmlRelaxNGSetParserStructuredErrors": (None, [_VOID_P, _STRUCTURED_ERROR, _VOID_P]),
    "xmlRelaxNGParse": (_VOID_P, [_VOID_P]),
    "xmlRelaxNGFreeParserCtxt": (None, [_VOID_P]),
    "xmlRelaxNGFree": (None, [_VOID_P]),
    "xmlSetStructuredErrorFunc": (None, [_VOID_P, _STRUCTURED_ERROR]),
    "xmlReaderForFd": (_VOID_P, [ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]),
    "xmlTextReaderSetStructuredErrorHandler": (None, [_VOID_P, _STRUCTURED_ERROR, _VOID_P]),
    "xmlTextReaderRelaxNGSetSchema": (ctypes.c_int, [_VOID_P, _VOID_P]),
    "xmlTextReaderRead": (ctypes.c_int, [_VOID_P]),
    "xmlTextReaderNext": (ctypes.c_int, [_VOID_P]),
    "xmlTextReaderIsValid": (ctypes.c_int, [_VOID_P]),
    "xmlFreeTextReader": (None, [_VOID_P]),
}

_library: ctypes.CDLL | None = None
_library_tried = False


def _open_library() -> ctypes.CDLL | None:
    choice = os.environ.get("TEIKIT_LIBXML2", "")
    if choice.lower() == "none":
        return None
    names = [choice] if choice else [*_SONAMES, ctypes.util.find_library("xml2")]
    for name in names:
        if not name:
            continue
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        try:
            for function, (restype, argtypes) in _SIGNATURES.items():
                getattr(library, function).restype = restype
                getattr(library, function).argtypes = argtypes
        except AttributeError:  # built without the reader or RELAX NG
            continue
        return library
    return None


def load_libxml2() -> ctypes.CDLL | None:
    """The system's libxml2 with every function used here declared; None when there is none (loaded once)."""
    global _library, _library_tried
    if not _library_tried:
        _library_tried = True
        try:
            _library = _open_library()
        except Exception:  # a broken installation means no streaming, never a crash
            _library = None
    return _library


@_STRUCTURED_ERROR
def _ignore(_user_data, _error) -> None:
    """Swallow messages that reach libxml2's global handler, which would print them on stderr."""


# ---------------------------------------------------------------------------
# Grammars
# ---------------------------------------------------------------------------


class StreamGrammar:
    """A RELAX NG grammar compiled by the system's libxml2, for :func:`stream_validate`; free it with close()."""

    def __init__(self, library: ctypes.CDLL, handle: int) -> None:
        self._library = library
        self.handle: int | None = handle
        # Freed with the object at the latest (close() frees it sooner).
        self._free = weakref.finalize(self, library.xmlRelaxNGFree, handle)

    @classmethod
    def from_bytes(cls, data: bytes) -> StreamGrammar | None:
        """Compile a self-contained grammar (no include or externalRef); None if libxml2 cannot."""
        library = load_libxml2()
        if library is None:
            return None
        library.xmlSetStructuredErrorFunc(None, _ignore)
        parser = library.xmlRelaxNGNewMemParserCtxt(data, len(data))
        if not parser:
            return None
        try:
            # A grammar libxml2 cannot compile only means no streaming: nothing to tell the user.
            library.xmlRelaxNGSetParserStructuredErrors(parser, _ignore, None)
            handle = library.xmlRelaxNGParse(parser)
        finally:
            library.xmlRelaxNGFreeParserCtxt(parser)
        if not handle:
            return None
        return cls(library, handle)

    def close(self) -> None:
        """Free the compiled grammar (once; later calls do nothing)."""
        self._free()
        self.handle = None

    def __enter__(self) -> StreamGrammar:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


# ---------------------------------------------------------------------------
# Validating one file
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamError:
    """The first message libxml2 gave while reading: where, what, and whether it came from the grammar."""

    line: int | None
    column: int | None
    message: str
    from_grammar: bool


@dataclass(frozen=True)
class StreamResult:
    """The verdict of one streaming read: True (valid), False (the grammar refused it), None (undecided)."""

    valid: bool | None
    error: StreamError | None = None


def stream_validate(path: str | Path, grammar: StreamGrammar) -> StreamResult:
    """Read ``path`` once with libxml2's text reader, validating against ``grammar`` as it goes.

    ``valid`` is True when the reader reached the end with no message at all;
    False when the first message came from the RELAX NG validator (the file does
    not match *this* grammar); None in every other case: libxml2 missing, the
    file unreadable or not well-formed, a warning, anything unexpected.
    """
    library = grammar._library if grammar.handle else None
    if library is None:
        return StreamResult(None)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return StreamResult(None)
    try:
        return _read_with(library, grammar, fd, os.fsencode(path))
    except Exception:  # ctypes or the library misbehaving: undecided, the tree path will tell
        return StreamResult(None)
    finally:
        os.close(fd)


def _read_with(library: ctypes.CDLL, grammar: StreamGrammar, fd: int, url: bytes) -> StreamResult:
    first: list[StreamError] = []

    @_STRUCTURED_ERROR
    def on_message(_user_data, error) -> None:
        with contextlib.suppress(Exception):  # an exception must never cross into C
            if first:
                return
            found = error.contents
            first.append(
                StreamError(
                    found.line or None,
                    found.int2 or None,
                    (found.message or b"").decode("utf-8", "replace").strip(),
                    found.domain == XML_FROM_RELAXNGV and found.level != XML_ERR_WARNING,
                )
            )
            # The verdict is settled: make the rest of the file read as empty, so that the
            # parser stops at once (an early end is an error) instead of reading it all.
            _cut_off(fd)

    library.xmlSetStructuredErrorFunc(None, _ignore)
    reader = library.xmlReaderForFd(fd, url, None, XML_PARSE_NONET)
    if not reader:
        return StreamResult(None)
    try:
        library.xmlTextReaderSetStructuredErrorHandler(reader, on_message, None)
        if library.xmlTextReaderRelaxNGSetSchema(reader, grammar.handle) != 0:
            return StreamResult(None)
        # Read() reaches the first node; Next() on the root element reads and validates its whole
        # subtree inside libxml2, so a document costs a handful of calls from Python, not one per node.
        status = library.xmlTextReaderRead(reader)
        while status == 1:
            status = library.xmlTextReaderNext(reader)
        valid = library.xmlTextReaderIsValid(reader)
    finally:
        library.xmlFreeTextReader(reader)
    if first:
        error = first[0]
        return StreamResult(False if error.from_grammar else None, error)
    if status == 0 and valid == 1:
        return StreamResult(True)
    return StreamResult(None)


def _cut_off(fd: int) -> None:
    """Point ``fd`` at an empty file: libxml2's next read sees the end of the input."""
    empty = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(empty, fd)
    finally:
        os.close(empty)


def stream_valid(path: str | Path, grammar: StreamGrammar) -> bool | None:
    """True (valid), False (the grammar refuses the file) or None (undecided: use the tree path)."""
    return stream_validate(path, grammar).valid


# ---------------------------------------------------------------------------
# Which documents may be streamed
# ---------------------------------------------------------------------------

# The prolog of a document that may be streamed: an XML declaration, comments, processing
# instructions, white space and a DOCTYPE *without* an internal subset, then the root's start
# tag. Anything else (an internal subset, entity declarations, a byte-order mark of UTF-16, an
# unreadable start) sends the document to the tree path, which refuses or reads it as ever.
_PROLOG_ITEM = re.compile(
    rb"""\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s(?:"[^"]*"|'[^']*'|[^\[\]<>"'])*>""",
    re.DOTALL,
)
_ROOT_START = re.compile(rb"<[A-Za-z_:\x80-\xff]")
_UTF8_BOM = b"\xef\xbb\xbf"
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_STREAMED_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii"}


def has_plain_prolog(head: bytes) -> bool:
    """Whether a document's first bytes hold a plain prolog (no entities, no internal subset) in UTF-8.

    ``head`` must reach past the root's start tag; a prolog that does not fit is not plain.
    """
    position = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
    declared = _DECLARED_ENCODING.match(head, position)
    if declared and declared.group(1).decode("ascii").lower() not in _STREAMED_ENCODINGS:
        return False  # other encodings: the tree path, whose parser the fixtures test
    while True:
        if _ROOT_START.match(head, position):
            return True
        item = _PROLOG_ITEM.match(head, position)
        if item is None or item.end() == position:
            return False
        if b"<!ENTITY" in item.group(0):  # only a DOCTYPE could, and ours refuses "[" anyway
            return False
        position = item.end()

"""``--changed-only``: a cache of verdicts, so that a run over a big corpus checks only the files that changed.

A verdict (the problems of one file) is kept under a key that covers everything it depends on:

* the file: its path as given (problems name it) and the SHA-256 of its bytes;
* the schemas that judged it: each schema's kind, options and the SHA-256 of its bytes *and of every file it
  includes* (RELAX NG ``include``/``externalRef``, XML Schema ``include``/``import``/``redefine``, Schematron
  ``include``, followed recursively), and why these schemas were chosen (it is in the report);
* what else changes a verdict: teikit's version and the parser's size limit (``TEIKIT_MAX_XML_MB``).

So a changed file, a changed schema (or a file it includes), a new teikit or a new limit all miss the cache.
Verdicts that are no verdict (a dead worker, a file above the size limit) are never kept. ``--xinclude`` runs
are not cached: the included files are not in the key.

The cache is one JSON file (CI systems persist a file between runs): the entries and a SHA-256 of them. A file
that does not parse, has another format number or whose checksum does not match is ignored (a warning) and
replaced at the end of the run, never trusted. It is written atomically (:func:`teikit.files.write_atomic`), so
two runs writing at once leave one of their files whole, never a mix; it holds the verdicts of the last run's
files only, so it does not grow with files long gone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import astuple
from pathlib import Path

from lxml import etree

from .. import __version__
from ..files import write_atomic
from ..xmlio import max_xml_bytes, parse_xml
from .report import FileReport, Problem

FORMAT = 1
FILE_NAME = "verdicts.json"
# Elements of the schema languages that pull another file in, and the attribute naming it.
_INCLUDES = {
    "include": ("href", "schemaLocation"),
    "externalRef": ("href",),
    "import": ("schemaLocation",),
    "redefine": ("schemaLocation",),
}


def default_path() -> Path:
    """``$TEIKIT_CACHE_DIR/verdicts.json`` (default ``~/.cache/teikit``): the folder of the grammar cache."""
    from ..relaxng import cache_dir

    return cache_dir() / FILE_NAME


def file_digest(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def schema_digest(path: Path, seen: set[Path] | None = None) -> str:
    """The SHA-256 of a schema's bytes and, recursively, of the local files it includes."""
    seen = set() if seen is None else seen
    path = path.resolve()
    if path in seen:
        return "cycle"
    seen.add(path)
    digest = hashlib.sha256(path.read_bytes())
    try:
        root = parse_xml(path).getroot()
    except Exception:  # an unreadable schema fails its own load; its bytes are key enough here
        return digest.hexdigest()
    for element in root.iter(etree.Element):
        names = _INCLUDES.get(etree.QName(element).localname, ())
        for attribute in names:
            href = element.get(attribute)
            if href and "://" not in href:
                included = path.parent / href
                part = schema_digest(included, seen) if included.is_file() else f"missing:{href}"
                digest.update(f"{href}\0{part}\0".encode())
    return digest.hexdigest()


def work_key(schemas: Iterable[object], chosen_by: str | None) -> str:
    """What, besides the file, a verdict depends on (see the module's docstring)."""
    digest = hashlib.sha256(f"teikit {__version__}\0{max_xml_bytes()}\0{chosen_by}\0".encode())
    for schema in schemas:
        options = getattr(schema, "_arguments", lambda: ())()[1:]
        digest.update(f"{type(schema).__name__}\0{options}\0{_schema_content(schema)}\0".encode())
    return digest.hexdigest()


def _schema_content(schema: object) -> str:
    """What a schema's verdicts depend on: its file and the files it includes, or for the Schematron rules a
    grammar embeds (no file of their own), the digest of the stylesheet they were compiled to."""
    path = getattr(schema, "path", None)
    if path is not None:
        return schema_digest(path)
    rules = getattr(schema, "rules", None)
    return f"{getattr(schema, 'source', '')}:{getattr(rules, 'digest', '')}"


def verdict_key(path: Path, work: str) -> str:
    return hashlib.sha256(f"{path}\0{file_digest(path)}\0{work}".encode()).hexdigest()


class VerdictCache:
    """Verdicts by key, read from one file and written back (atomically) with the verdicts of this run."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.warning: str | None = None
        self._old = self._read()
        self._new: dict[str, list] = {}
        self.hits = 0

    def _read(self) -> dict[str, list]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self.warning = (
                f"{self.path}: warning: the verdict cache is not readable ({exc.strerror}); checking every file"
            )
            return {}
        try:
            document = json.loads(data)
            entries = document["entries"]
            if document.get("format") != FORMAT or document.get("sha256") != _checksum(entries):
                raise ValueError("checksum")
            if not isinstance(entries, dict):
                raise ValueError("entries")
            return entries
        except (ValueError, KeyError, TypeError, AttributeError):
            self.warning = (
                f"{self.path}: warning: the verdict cache is damaged or from another teikit; "
                "ignoring it, checking every file and writing it anew"
            )
            return {}

    def get(self, key: str, path: Path, schemas: tuple[str, ...], chosen_by: str | None) -> FileReport | None:
        """The file's report as a previous run found it, or None."""
        entry = self._old.get(key)
        if entry is None:
            return None
        try:
            problems = tuple(Problem(*fields) for fields in entry)
        except TypeError:
            return None
        self._new[key] = entry
        self.hits += 1
        return FileReport(str(path), problems, schemas, chosen_by)

    def put(self, key: str, report: FileReport) -> None:
        if report.checked:
            self._new[key] = [list(astuple(problem)) for problem in report.problems]

    def save(self) -> None:
        """Write this run's verdicts (atomically; a concurrent run's file is replaced whole)."""
        document = {"format": FORMAT, "teikit": __version__, "sha256": _checksum(self._new), "entries": self._new}
        write_atomic(self.path, json.dumps(document, separators=(",", ":"), sort_keys=True))


def _checksum(entries: object) -> str:
    return hashlib.sha256(json.dumps(entries, separators=(",", ":"), sort_keys=True).encode()).hexdigest()

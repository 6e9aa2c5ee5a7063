"""Exports of any TEI document to the formats of other tools: one module per format behind one registry.

Each format is a module of this package that defines ``EXPORTER``, an
:class:`Exporter`; the registry finds them by itself, so a new format is one new
file. Every exporter reads the same :class:`~teikit.export.occurrences.Extract`
(the TEI walked once) and returns bytes per file suffix; nothing here touches
the disk except :func:`export_files`, which writes only when every export
succeeded. Exports read TEI, never teikit's document model: they work on
anyone's TEI as well as on teikit's editions.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import InputError, TeikitError, UsageError
from ..files import write_atomic
from ..parallel import map_in_order
from ..xmlio import parse_tei_tolerant
from .occurrences import extract
from .records import Extract


@dataclass(frozen=True)
class Exporter:
    """One export format: its name, what it is for, the files it writes and what the TEI must contain."""

    name: str
    description: str
    suffixes: tuple[str, ...]  # each output file is <source name>.<suffix>
    needs: str | None  # a key of NEEDS, or None when any TEI will do
    render: Callable[[Extract], dict[str, bytes]]  # suffix → file content


@dataclass(frozen=True)
class Need:
    """What a format requires of the TEI, and what to tell the user when it is missing."""

    test: Callable[[Extract], bool]
    missing: str
    hint: str


NEEDS = {
    "entities": Need(
        lambda ex: bool(ex.occurrences),
        "has no names or dates tagged in its text",
        "tag persName, orgName, placeName, rs, name or date elements in the text; teikit build does this for its seeds",
    ),
    "persons or organisations": Need(
        lambda ex: any(o.type in ("person", "org") for o in ex.occurrences),
        "has no persons or organisations tagged in its text",
        "tag persName and orgName elements (or rs/name with @type person or org) in the text",
    ),
    "speakers, letters or persons": Need(
        lambda ex: (
            any(o.type in ("person", "org") for o in ex.occurrences)
            or any(len(scene.speakers) > 1 for scene in ex.genres.scenes)
            or bool(ex.genres.letters)
        ),
        "has no persons or organisations tagged in its text, no speeches (sp/@who) and no correspDesc",
        "tag persName and orgName elements in the text, give speeches @who, or describe letters in correspDesc",
    ),
    "entities or a register": Need(
        lambda ex: bool(ex.occurrences) or bool(ex.register) or bool(ex.genres.manuscript),
        "has no names or dates tagged in its text, no register (listPerson, listPlace, listOrg) and no msDesc",
        "tag persName, orgName, placeName, rs, name or date elements, or list persons in particDesc or standOff",
    ),
    "dates": Need(
        lambda ex: any(o.date is not None and o.date.earliest for o in ex.occurrences) or bool(ex.genres.header_dates),
        "has no normalised dates in its text or its header (origDate, correspDesc, creation)",
        "give the text's date elements @when, @from/@to or @notBefore/@notAfter",
    ),
}


def _discover() -> dict[str, Exporter]:
    """Every module of this package that defines EXPORTER, by format name."""
    found: dict[str, Exporter] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        exporter = getattr(module, "EXPORTER", None)
        if isinstance(exporter, Exporter):
            if exporter.name in found:
                raise RuntimeError(f"two export modules call their format '{exporter.name}'")
            if exporter.needs is not None and exporter.needs not in NEEDS:
                raise RuntimeError(f"export format '{exporter.name}' needs an unknown thing: {exporter.needs}")
            found[exporter.name] = exporter
    return found


def list_formats() -> tuple[Exporter, ...]:
    """Every registered format, by name."""
    return tuple(FORMATS[name] for name in sorted(FORMATS))


def get_format(name: str) -> Exporter:
    """The exporter called ``name``; a UsageError listing the formats when there is none."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(
            f"no export format called '{name}'", hint=f"choose one of: {', '.join(sorted(FORMATS))}"
        ) from None


def _source_path(tree: etree._ElementTree | etree._Element, source_name: str) -> str:
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    return root.getroottree().docinfo.URL or source_name


def unmet_need(extracted: Extract, exporter: Exporter) -> Need | None:
    """What the format needs and the document lacks (None when it can be exported)."""
    if exporter.needs is None:
        return None
    need = NEEDS[exporter.needs]
    return None if need.test(extracted) else need


def _render(extracted: Extract, exporter: Exporter, source_name: str, path: str) -> dict[str, bytes]:
    need = unmet_need(extracted, exporter)
    if need is not None:
        raise InputError(f"cannot export {exporter.name}: the document {need.missing}", path, hint=need.hint)
    files = exporter.render(extracted)
    if set(files) != set(exporter.suffixes):
        raise RuntimeError(f"export format '{exporter.name}' wrote {sorted(files)}, not {list(exporter.suffixes)}")
    return {f"{source_name}.{suffix}": files[suffix] for suffix in exporter.suffixes}


def export(tree: etree._ElementTree | etree._Element, format: str, source_name: str) -> dict[str, bytes]:
    """One format of one TEI tree: file name → bytes (``<source_name>.<suffix>``)."""
    return export_many(tree, [format], source_name)


def export_many(
    tree: etree._ElementTree | etree._Element,
    formats: Iterable[str],
    source_name: str,
    *,
    skip_unmet: bool = False,
) -> dict[str, bytes]:
    """Several formats of one TEI tree, read once; all or nothing.

    With ``skip_unmet`` a format whose needs the TEI does not meet (no
    entities, no dates) is left out instead of failing the whole export.
    """
    held = [tree]
    del tree  # so that a tree parsed for this call is freed before the exporters run (see _export)
    files, _ = _export(held, formats, source_name, skip_unmet)
    return files


def _export(
    held: list, formats: Iterable[str], source_name: str, skip_unmet: bool
) -> tuple[dict[str, bytes], list[str]]:
    """Export the one tree in ``held``, which is emptied once the tree is read: the exporters read only the
    extract, so a tree nobody else holds is freed before they run (an export holds one tree, then none)."""
    exporters = [get_format(name) for name in dict.fromkeys(formats)]
    tree = held.pop()
    path = _source_path(tree, source_name)
    extracted = extract(tree, source_name)
    del tree
    files: dict[str, bytes] = {}
    skipped: list[str] = []
    for exporter in exporters:
        need = unmet_need(extracted, exporter)
        if skip_unmet and need is not None:
            skipped.append(f"{path}: {exporter.name} skipped: the document {need.missing}")
            continue
        files.update(_render(extracted, exporter, source_name, path))
    return files, skipped


@dataclass(frozen=True)
class ExportResult:
    """The files an export wrote, and the formats it left out (with the reason) when asked to skip."""

    written: tuple[Path, ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True)
class ExportFiles:
    """The work of an export run for :mod:`teikit.parallel`: picklable; each file's exports, or its error."""

    formats: tuple[str, ...]
    skip_unmet: bool

    def prepare(self) -> Callable[[Path], tuple[dict[str, bytes], list[str]] | TeikitError]:
        return self.export_one

    def export_one(self, path: Path) -> tuple[dict[str, bytes], list[str]] | TeikitError:
        try:
            tree, id_warnings = parse_tei_tolerant(path)  # bad xml:ids are warnings for export, as for render
            held = [tree]
            del tree  # _export frees the tree once it is read
            exported, left_out = _export(held, self.formats, path.stem, self.skip_unmet)
            warnings = [str(warning).replace(": error: ", ": warning: ", 1) for warning in id_warnings]
            return exported, warnings + left_out
        except TeikitError as exc:  # returned, not raised: the run reports the first in file order
            return exc


def _export_crashed(path: Path, reason: str) -> TeikitError:
    error = TeikitError(
        f"internal error: {reason}; nothing was exported", str(path), hint="please report it to teikit's maintainers"
    )
    error.exit_code = 2
    return error


# Starting a worker process costs about what exporting a megabyte of TEI does: no more workers than megabytes.
_BYTES_PER_WORKER = 1024 * 1024


def _default_jobs(paths: list[Path]) -> int:
    from ..parallel import default_jobs

    total = sum(path.stat().st_size for path in paths if path.is_file())
    return max(1, min(default_jobs(), -(-total // _BYTES_PER_WORKER)))


def export_files(
    paths: Iterable[str | Path],
    formats: Iterable[str],
    out_dir: str | Path,
    *,
    skip_unmet: bool = False,
    jobs: int | None = None,
    executor: Executor | None = None,
) -> ExportResult:
    """Export TEI files into ``out_dir`` as ``<file stem>.<suffix>``.

    Everything is made in memory first and written (each file atomically) only
    when every export succeeded, so a failure writes nothing. The files are exported
    through :func:`teikit.parallel.map_in_order`: ``jobs`` worker processes (default:
    at most one per megabyte of input; 1: this process), or the caller's ``executor``.
    """
    formats = list(formats)
    if not formats:
        raise UsageError("no export format chosen", hint="give --format NAME or --all; teikit export --list shows them")
    files = [Path(p) for p in paths]
    if not files:
        raise UsageError("no TEI file given", hint="name the TEI files to export")
    planned: dict[Path, bytes] = {}
    skipped: list[str] = []
    sources: dict[str, Path] = {}
    for path in files:
        name = path.stem
        if name in sources:
            raise UsageError(
                f"two input files are both called '{name}'",
                path,
                hint=f"its exports would overwrite those of {sources[name]}; export them one at a time",
            )
        sources[name] = path
    for name in formats:
        get_format(name)  # an unknown format is a usage error before any file is read
    work = ExportFiles(tuple(formats), skip_unmet)
    if jobs is None and executor is None:
        jobs = _default_jobs(files)
    results = map_in_order([(work, path) for path in files], jobs=jobs, executor=executor, on_crash=_export_crashed)
    for outcome in results:
        if isinstance(outcome, TeikitError):
            raise outcome
        exported, left_out = outcome
        skipped.extend(left_out)
        planned.update({Path(out_dir) / filename: data for filename, data in exported.items()})
    written = tuple(write_atomic(target, data) for target, data in planned.items())
    return ExportResult(written=written, skipped=tuple(skipped))


FORMATS: dict[str, Exporter] = _discover()

__all__ = [
    "FORMATS",
    "NEEDS",
    "ExportFiles",
    "ExportResult",
    "Exporter",
    "Need",
    "export",
    "export_files",
    "export_many",
    "get_format",
    "list_formats",
    "unmet_need",
]

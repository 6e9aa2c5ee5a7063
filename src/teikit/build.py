"""``teikit build``: every seed text → ``edition/`` (TEI) and ``output/`` (renderings, exports).

Everything is made in memory first and written only when every text has
converted and validated, each file atomically; so a failed build leaves the
previous edition and output exactly as they were. Editors may correct files in
``edition/`` by hand: ``edition/SHA256SUMS`` records what teikit wrote, and a
file that no longer matches is not overwritten unless ``force`` is given.

A build can be killed at any moment and the next one still recognises every file as its own: before any
edition file is replaced, ``SHA256SUMS`` is replaced by one that lists both the old and the new fingerprint
of each file about to change; only when every file is in place is it replaced by the new fingerprints alone.
So at every instant each edition file matches a line of ``SHA256SUMS``. The write phase holds a lock on
the edition and output folders (:func:`teikit.files.folder_lock`), so two builds never write at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .convert import Conversion, convert, edition_for, left_as_text_warnings, register_path
from .edition import Edition
from .errors import InputError, OverwriteRefused, UsageError
from .export import export_many, list_formats
from .files import DEFAULT_LOCK_WAIT, folder_lock, refuse_output_over_input, remove_stale_temporaries, write_atomic
from .render import IndexEntry, render_html, render_index, render_text
from .validate import FileReport, SchemaSet, load_schemas, validate_tree
from .validate.explain import SPECIFIC_RULES
from .xmlio import parse_xml_bytes, serialize

FINGERPRINTS = "SHA256SUMS"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote (or found already up to date), per folder."""

    conversions: tuple[Conversion, ...]
    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    notes: tuple[str, ...] = ()


@dataclass
class _Plan:
    """Files to write: path → bytes, collected before anything touches the disk."""

    files: dict[Path, bytes] = field(default_factory=dict)

    def add(self, path: Path, data: bytes | str) -> None:
        self.files[path] = data.encode("utf-8") if isinstance(data, str) else data


def seed_sources(seeds_dir: Path) -> list[Path]:
    """The source texts of a seeds folder, in name order."""
    if not seeds_dir.is_dir():
        raise UsageError("no such seeds folder", seeds_dir, hint="pass the folder that holds the .txt sources")
    sources = sorted(seeds_dir.glob("*.txt"))
    if not sources:
        raise UsageError("no .txt source texts in the seeds folder", seeds_dir)
    return sources


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_fingerprints(edition_dir: Path) -> dict[str, set[str]]:
    """The recorded fingerprints: file name → the SHA-256 digests teikit wrote under that name.

    A name has two digests only in the file an interrupted build left (the version before and after it).
    """
    path = edition_dir / FINGERPRINTS
    if not path.is_file():
        return {}
    fingerprints: dict[str, set[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise InputError("not a SHA256SUMS line", path, number, hint="delete the file; the next build rewrites it")
        fingerprints.setdefault(name, set()).add(digest)
    return fingerprints


def _fingerprint_lines(digests: dict[str, set[str]]) -> str:
    return "".join(f"{digest}  {name}\n" for name in sorted(digests) for digest in sorted(digests[name]))


def check_hand_edits(edition_dir: Path, planned: dict[Path, bytes], force: bool) -> None:
    """Refuse to overwrite an edition file that changed since teikit wrote it (unless forced)."""
    if force:
        return
    recorded = read_fingerprints(edition_dir)
    for path, data in sorted(planned.items()):
        if path.parent != edition_dir or not path.is_file() or path.name == FINGERPRINTS:
            continue
        current = _sha256(path.read_bytes())
        if current == _sha256(data):
            continue
        if current not in recorded.get(path.name, set()):
            raise OverwriteRefused(
                "was changed by hand since teikit generated it; not overwritten",
                path,
                hint="move the correction into seeds/ (edition file or register), or rerun with --force",
            )


def build(
    seeds_dir: str | Path = "seeds",
    edition_dir: str | Path = "edition",
    output_dir: str | Path = "output",
    *,
    force: bool = False,
    lock_wait: float = DEFAULT_LOCK_WAIT,
) -> BuildResult:
    """Convert every seed text and write the edition and the outputs.

    ``lock_wait`` is how long to wait for another build writing into the same folders.
    """
    seeds_dir, edition_dir, output_dir = Path(seeds_dir), Path(edition_dir), Path(output_dir)
    sources = seed_sources(seeds_dir)
    conversions = tuple(convert(source, edition_for(source)) for source in sources)
    _check_distinct_ids(conversions)
    plan = _Plan()
    schemas = load_schemas()  # the project's grammar and rules, compiled once for every text
    entries = []
    for conversion in conversions:
        entries.append(_plan_edition(plan, conversion, edition_dir, output_dir, schemas))
    plan.add(output_dir / "index.html", render_index(entries, title="teikit editions"))
    edition_files = {path: data for path, data in plan.files.items() if path.parent == edition_dir}
    plan.add(
        edition_dir / FINGERPRINTS,
        _fingerprint_lines({path.name: {_sha256(data)} for path, data in edition_files.items()}),
    )
    refuse_output_over_input(plan.files, _inputs(seeds_dir, conversions))
    with folder_lock([edition_dir, output_dir], wait=lock_wait, purpose="teikit build"):
        check_hand_edits(edition_dir, plan.files, force)
        return _write(plan, conversions, edition_dir)


def _inputs(seeds_dir: Path, conversions: tuple[Conversion, ...]) -> list[Path]:
    """Every file a build reads: the seeds folder's files and the edition files and registers it used."""
    found = [p for p in seeds_dir.iterdir() if p.is_file()]
    for conversion in conversions:
        found.append(Path(conversion.edition.path))
        register = register_path(conversion.edition, Path(conversion.edition.path))
        if register is not None:
            found.append(register)
    return found


def _plan_edition(
    plan: _Plan, conversion: Conversion, edition_dir: Path, output_dir: Path, schemas: SchemaSet
) -> IndexEntry:
    """The TEI of one text, validated, and everything made from it, as files to write.

    Renderings and exports are made from the TEI as written (parsed back from its bytes), so that they
    equal what ``teikit render`` and ``teikit export`` make from ``edition/`` later.
    """
    ident = conversion.edition.id
    tei_path = edition_dir / f"{ident}.xml"
    data = serialize(conversion.tree)
    plan.add(tei_path, data)
    tei = parse_xml_bytes(data, str(tei_path))
    check_valid(validate_tree(tei, schemas, str(tei_path)), conversion.edition)
    exports = export_many(tei, [e.name for e in list_formats()], ident)
    # The page links to its own TEI and exports, relative to itself (output/ beside edition/).
    downloads = [("TEI", f"../edition/{ident}.xml"), ("text", f"{ident}.txt")]
    downloads += [(name[len(ident) + 1 :], name) for name in sorted(exports)]
    plan.add(output_dir / f"{ident}.html", render_html(tei, downloads=downloads))
    plan.add(output_dir / f"{ident}.txt", render_text(tei))
    for name, payload in exports.items():
        plan.add(output_dir / name, payload)
    return IndexEntry.from_tree(tei, f"{ident}.html", f"{ident}.txt", f"../edition/{ident}.xml")


# The grammar rules teikit words itself name the mistake; libxml2's own kinds (relaxng-contentvalid,
# relaxng-elemname, ...) often name an ancestor it backtracked through instead.
SPECIFIC_GRAMMAR_RULES = SPECIFIC_RULES


def _is_generic(rule: str | None) -> bool:
    return rule is not None and rule.startswith("relaxng-") and rule not in SPECIFIC_GRAMMAR_RULES


def check_valid(report: FileReport, edition: Edition) -> None:
    """Fail the build on the first problem the project's schemas find in a converted text."""
    if report.valid:
        return
    errors = [p for p in report.problems if p.severity == "error"]
    # libxml2 repeats one fault as "content not valid" on every ancestor: name the most specific problem.
    first = min(errors, key=lambda p: (_is_generic(p.rule), p.line or 0))
    more = f" (and {report.errors - 1} more)" if report.errors > 1 else ""
    raise InputError(
        f"the converted TEI is invalid: {first.message} [{first.rule}]{more}",
        first.path,
        first.line,
        first.column,
        hint=f"fix the declarations in {edition.path}, or run teikit validate on the TEI for every problem",
    )


def _check_distinct_ids(conversions: tuple[Conversion, ...]) -> None:
    seen: dict[str, str] = {}
    for conversion in conversions:
        edition = conversion.edition
        if edition.id in seen:
            raise InputError(
                f"edition id '{edition.id}' is also used by {seen[edition.id]}",
                edition.path,
                hint="give each edition file its own id",
            )
        seen[edition.id] = edition.path


def _write(plan: _Plan, conversions: tuple[Conversion, ...], edition_dir: Path) -> BuildResult:
    # A build killed while writing leaves temporaries behind (never a half-written file): clear them.
    for folder in sorted({path.parent for path in plan.files}):
        remove_stale_temporaries(folder)
    fingerprints = edition_dir / FINGERPRINTS
    changed = {path: data for path, data in plan.files.items() if not _same_bytes(path, data)}
    unchanged = sorted(path for path in plan.files if path not in changed)
    edition_changes = [path for path in changed if path.parent == edition_dir and path != fingerprints]
    if edition_changes:
        # First the journal: old and new fingerprints of what is about to change, so a kill anywhere below
        # leaves each edition file matching a line.
        try:
            both = read_fingerprints(edition_dir)
        except InputError:  # a broken SHA256SUMS only gets this far with --force: start afresh
            both = {}
        for path in edition_changes:
            digests = both.setdefault(path.name, set())
            digests.add(_sha256(plan.files[path]))
            if path.is_file():  # recorded already, or a hand edit that --force is replacing
                digests.add(_sha256(path.read_bytes()))
        write_atomic(fingerprints, _fingerprint_lines(both))
        changed[fingerprints] = plan.files[fingerprints]  # the journal is never the last word
    written = []
    for path, data in sorted(changed.items(), key=lambda item: (item[0] == fingerprints, item[0])):
        write_atomic(path, data)  # the fingerprints last: only once every file they name is in place
        written.append(path)
    notes = tuple(line for conversion in conversions for line in left_as_text_warnings(conversion.document))
    return BuildResult(conversions=conversions, written=tuple(written), unchanged=tuple(unchanged), notes=notes)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False

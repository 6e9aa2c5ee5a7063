"""``teikit build``: every seed text → ``edition/`` (TEI) and ``output/`` (renderings, exports).

Everything is made in memory first and written only when every text has
converted and validated, each file atomically; so a failed build leaves the
previous edition and output exactly as they were. Editors may correct files in
``edition/`` by hand: ``edition/SHA256SUMS`` records what teikit wrote, and a
file that no longer matches is not overwritten unless ``force`` is given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .convert import Conversion, convert, edition_for
from .edition import Edition
from .errors import InputError, OverwriteRefused, UsageError
from .export import export_many, list_formats
from .files import remove_stale_temporaries, write_atomic
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


def read_fingerprints(edition_dir: Path) -> dict[str, str]:
    """The recorded fingerprints: file name → SHA-256 of what teikit wrote."""
    path = edition_dir / FINGERPRINTS
    if not path.is_file():
        return {}
    fingerprints = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise InputError("not a SHA256SUMS line", path, number, hint="delete the file; the next build rewrites it")
        fingerprints[name] = digest
    return fingerprints


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
        if recorded.get(path.name) != current:
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
) -> BuildResult:
    """Convert every seed text and write the edition and the outputs."""
    seeds_dir, edition_dir, output_dir = Path(seeds_dir), Path(edition_dir), Path(output_dir)
    conversions = tuple(convert(source, edition_for(source)) for source in seed_sources(seeds_dir))
    _check_distinct_ids(conversions)
    plan = _Plan()
    schemas = load_schemas()  # the project's grammar and rules, compiled once for every text
    entries = []
    for conversion in conversions:
        entries.append(_plan_edition(plan, conversion, edition_dir, output_dir, schemas))
    plan.add(output_dir / "index.html", render_index(entries, title="teikit editions"))
    edition_files = {path: data for path, data in plan.files.items() if path.parent == edition_dir}
    plan.add(edition_dir / FINGERPRINTS, "".join(
        f"{_sha256(data)}  {path.name}\n" for path, data in sorted(edition_files.items())
    ))
    check_hand_edits(edition_dir, plan.files, force)
    return _write(plan, conversions)


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
    plan.add(output_dir / f"{ident}.html", render_html(tei))
    plan.add(output_dir / f"{ident}.txt", render_text(tei))
    for name, payload in export_many(tei, [e.name for e in list_formats()], ident).items():
        plan.add(output_dir / name, payload)
    return IndexEntry.from_tree(tei, f"{ident}.html", f"{ident}.txt", f"../edition/{ident}.xml")


# The grammar rules teikit words itself name the mistake; libxml2's own kinds (relaxng-contentvalid,
# relaxng-elemname, ...) often name an ancestor it backtracked through instead.
SPECIFIC_GRAMMAR_RULES = SPECIFIC_RULES


def _is_generic(rule: str | None) -> bool:
    return bool(rule) and rule.startswith("relaxng-") and rule not in SPECIFIC_GRAMMAR_RULES


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
        first.path, first.line, first.column,
        hint=f"fix the declarations in {edition.path}, or run teikit validate on the TEI for every problem",
    )


def _check_distinct_ids(conversions: tuple[Conversion, ...]) -> None:
    seen: dict[str, str] = {}
    for conversion in conversions:
        edition = conversion.edition
        if edition.id in seen:
            raise InputError(f"edition id '{edition.id}' is also used by {seen[edition.id]}", edition.path,
                             hint="give each edition file its own id")
        seen[edition.id] = edition.path


def _write(plan: _Plan, conversions: tuple[Conversion, ...]) -> BuildResult:
    # A build killed while writing leaves temporaries behind (never a half-written file): clear them.
    for folder in sorted({path.parent for path in plan.files}):
        remove_stale_temporaries(folder)
    written, unchanged = [], []
    for path, data in sorted(plan.files.items()):
        if path.is_file() and path.read_bytes() == data:
            unchanged.append(path)
            continue
        write_atomic(path, data)
        written.append(path)
    return BuildResult(conversions=conversions, written=tuple(written), unchanged=tuple(unchanged))

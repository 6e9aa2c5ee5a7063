"""Many TEI files → HTML pages and reading texts, in parallel, each written atomically.

The files run through :func:`teikit.parallel.map_in_order`, the same map validation uses: in this
process with one job, else in worker processes that each compile the stylesheets once (or in the
caller's executor). Every file is parsed with teikit's safe parser, rendered in every requested
format and written through :func:`teikit.files.write_atomic`; a file that fails is reported (its
error pickles, see teikit.errors) and the others go on, even when its worker process dies.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import parallel
from ..errors import TeikitError, UsageError
from ..files import write_atomic
from ..validate.collect import collect_files
from ..xmlio import check_tei_root, parse_tei_tolerant
from . import stylesheets
from .html import IndexEntry, render_html, render_index
from .stylesheets import Stylesheet
from .text import render_text


@dataclass(frozen=True)
class RenderOptions:
    """What to make of each file; the same for every file of a run (and picklable, for the workers)."""

    formats: tuple[str, ...] = ("html", "text")
    html_stylesheet: str | None = None
    text_stylesheet: str | None = None
    notes: bool = True
    width: int | None = None
    leiden: str = "auto"  # the Leiden conventions of EpiDoc: auto, yes, no


@dataclass(frozen=True)
class OutputFormat:
    """One kind of output: the file suffix and how to make it from a TEI tree."""

    suffix: str
    render: Callable[[etree._ElementTree, RenderOptions], str]
    stylesheet: Callable[[RenderOptions], tuple[Stylesheet, str]]


# The output formats, by the name the CLI's --format uses. A new format is one entry.
FORMATS: dict[str, OutputFormat] = {
    "html": OutputFormat(
        ".html",
        lambda tree, o: render_html(tree, stylesheet=o.html_stylesheet, notes=o.notes, leiden=o.leiden),
        lambda o: (o.html_stylesheet, "html.xsl"),
    ),
    "text": OutputFormat(
        ".txt",
        lambda tree, o: render_text(tree, notes=o.notes, width=o.width, stylesheet=o.text_stylesheet, leiden=o.leiden),
        lambda o: (o.text_stylesheet, "text.xsl"),
    ),
}


@dataclass(frozen=True)
class FileResult:
    """What became of one input file."""

    source: Path
    written: tuple[Path, ...] = ()
    size: int = 0
    entry: IndexEntry | None = None
    error: TeikitError | None = None
    warnings: tuple[TeikitError, ...] = ()  # bad xml:ids: rendered all the same


@dataclass(frozen=True)
class RenderReport:
    """A run over many files: what was written, what failed, how much was read and how long it took."""

    results: tuple[FileResult, ...]
    seconds: float
    jobs: int
    index: Path | None = None
    written: tuple[Path, ...] = field(default=())

    @property
    def failures(self) -> tuple[TeikitError, ...]:
        return tuple(result.error for result in self.results if result.error is not None)

    @property
    def warnings(self) -> tuple[TeikitError, ...]:
        return tuple(warning for result in self.results for warning in result.warnings)

    @property
    def bytes_read(self) -> int:
        return sum(result.size for result in self.results)


def tei_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to render: each file as given, each folder's *.xml files (recursively, as validate), sorted."""
    return collect_files(paths)


def _check_distinct_outputs(files: Sequence[Path]) -> None:
    seen: dict[str, Path] = {}
    for path in files:
        if path.stem in seen and seen[path.stem].resolve() != path.resolve():
            raise UsageError(
                f"has the same name as {seen[path.stem]}, so their outputs would collide",
                path,
                hint="render them into different output folders",
            )
        seen[path.stem] = path


@dataclass(frozen=True, eq=False)
class RenderFiles:
    """The work of a render run: picklable, its stylesheets compiled once per worker (see teikit.parallel)."""

    options: RenderOptions
    out_dir: Path
    index: bool
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __hash__(self) -> int:
        return hash(self.token)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RenderFiles) and other.token == self.token

    def prepare(self) -> Callable[[Path], FileResult]:
        for name in self.options.formats:
            stylesheets.load(*FORMATS[name].stylesheet(self.options))
        return self.render

    def render(self, source: Path) -> FileResult:
        options, out_dir = self.options, self.out_dir
        try:
            size = source.stat().st_size
            tree, id_warnings = parse_tei_tolerant(source)  # bad xml:ids do not stop a rendering
            check_tei_root(tree, str(source), unnamespaced=True)
            written = []
            for name in options.formats:
                output_format = FORMATS[name]
                target = out_dir / f"{source.stem}{output_format.suffix}"
                write_atomic(target, output_format.render(tree, options))
                written.append(target)
            entry = None
            if self.index and "html" in options.formats:
                text = f"{source.stem}.txt" if "text" in options.formats else None
                entry = IndexEntry.from_tree(tree, f"{source.stem}.html", text)
            return FileResult(source, tuple(written), size, entry, warnings=tuple(id_warnings))
        except TeikitError as exc:
            if exc.path is None:
                exc.path = str(source)
            return FileResult(source, error=exc)


def _crashed(source: Path, reason: str) -> FileResult:
    error = TeikitError(
        f"internal error: {reason}; nothing was written for this file",
        source,
        hint="please report it to teikit's maintainers",
    )
    error.exit_code = 2
    return FileResult(source, error=error)


def render_many(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    *,
    formats: Sequence[str] = ("html", "text"),
    html_stylesheet: str | Path | None = None,
    text_stylesheet: str | Path | None = None,
    notes: bool = True,
    width: int | None = None,
    jobs: int | None = None,
    index: bool = False,
    leiden: str = "auto",
    executor: Executor | None = None,
) -> RenderReport:
    """Render TEI files (or folders of them) into ``out_dir`` as NAME.html and NAME.txt, in parallel."""
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}'", hint=f"choose from {', '.join(FORMATS)}")
    files = tei_files(paths)
    _check_distinct_outputs(files)
    options = RenderOptions(
        formats=tuple(dict.fromkeys(formats)),
        html_stylesheet=str(html_stylesheet) if html_stylesheet else None,
        text_stylesheet=str(text_stylesheet) if text_stylesheet else None,
        notes=notes,
        width=width,
        leiden=leiden,
    )
    out_dir = Path(out_dir)
    jobs = max(1, min(jobs or parallel.default_jobs(), len(files)))
    started = time.perf_counter()
    work = RenderFiles(options, out_dir, index)
    # Largest files first, so that no worker is left with a run of big ones at the end; results in file order.
    results = parallel.map_in_order(
        [(work, path) for path in files], jobs=jobs, executor=executor, on_crash=_crashed, order=_size
    )
    index_path = None
    if index and "html" in options.formats:
        entries = [result.entry for result in results if result.entry is not None]
        index_path = write_atomic(out_dir / "index.html", render_index(entries))
    written = tuple(path for result in results for path in result.written) + ((index_path,) if index_path else ())
    return RenderReport(tuple(results), time.perf_counter() - started, jobs, index_path, written)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0

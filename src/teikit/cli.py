"""The ``teikit`` command: options in, one library call, a report out, an exit code.

Every TeikitError becomes one line on stderr and its exit code in
:class:`TeikitGroup`, the one place errors are formatted; commands never
print tracebacks.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import click

from . import __version__
from .errors import TeikitError, UsageError

# Each command imports the library it calls when it runs, not when the CLI loads: `teikit validate` in a
# pre-commit hook or a CI step should not pay for compiling the tagger's and the exporters' patterns.


def _usage_line(exc: click.UsageError, command_name: str | None = None) -> str:
    """Click's usage error as teikit's one line: ``teikit CMD: error: message (try 'teikit CMD --help')``.

    ``command_name`` is the command being parsed, for the errors click raises without a context.
    """
    names: list[str] = []
    ctx = exc.ctx
    while ctx is not None:
        names.append((ctx.info_name or "") if ctx.parent is not None else "teikit")
        ctx = ctx.parent
    if len(names) < 2 and command_name:
        names = [command_name, "teikit"]
    command = " ".join(reversed(names)) or "teikit"
    message = " ".join(exc.format_message().split()).rstrip(".")
    return f"{command}: error: {message} (try '{command} --help')"


class TeikitGroup(click.Group):
    """A click group that turns every error into one line and an exit code: the one place errors are formatted.

    TeikitError gives its own line and code; click's usage errors (unknown option, bad value, missing
    argument, unknown command), raised while the group or a command parses its arguments, give
    ``teikit CMD: error: … (try 'teikit CMD --help')`` and exit code 2 instead of click's four-line block.
    """

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            click.echo(_usage_line(exc), err=True)
            raise click.exceptions.Exit(2) from None

    def invoke(self, ctx: click.Context):
        words = [*getattr(ctx, "_protected_args", []), *ctx.args]
        command_name = words[0] if words and words[0] in self.commands else None
        try:
            return super().invoke(ctx)
        except TeikitError as exc:
            if isinstance(exc, UsageError) and exc.path is None:
                # A wrong combination of options is about the command, not a file: name the command.
                exc.path = f"teikit {command_name}" if command_name else "teikit"
            click.echo(exc.one_line(), err=True)
            ctx.exit(exc.exit_code)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            click.echo(_usage_line(exc, command_name), err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            # A bug of teikit's, not of the input: still one line, unless the user asks for the traceback.
            if os.environ.get("TEIKIT_DEBUG"):
                raise
            click.echo(
                f"teikit: internal error: {type(exc).__name__}: {exc} (this is a bug in teikit: "
                "rerun with TEIKIT_DEBUG=1 to see where, and report it)",
                err=True,
            )
            ctx.exit(2)


@click.group(cls=TeikitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="teikit")
def cli() -> None:
    """teikit: plain text → TEI P5 editions, validated, rendered and exported.

    Exit codes: 0 success; 1 invalid or failed input; 2 usage or environment error.
    """


main = cli


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the TEI here (atomically) instead of to standard output.",
)
@click.option(
    "--edition",
    "edition_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The edition file (default: SOURCE with .toml, if it exists).",
)
def convert(source: Path, output: Path | None, edition_file: Path | None) -> None:
    """Convert one plain-text SOURCE into TEI P5.

    \b
    Example:
      teikit convert seeds/workers-group-manifesto-1.txt -o /tmp/manifesto.xml
    """
    from .convert import DEFAULT_REGISTER, edition_for, left_as_text_warnings, register_path, undeclared_furniture
    from .convert import convert as convert_text
    from .edition import load_edition
    from .files import check_input, refuse_output_over_input, write_atomic
    from .xmlio import serialize

    check_input(source, "source text")
    if output is not None:  # before anything is read: the source, its edition file, the register beside it
        refuse_output_over_input(
            [output], [source, edition_file or source.with_suffix(".toml"), source.parent / DEFAULT_REGISTER]
        )
    edition = load_edition(edition_file) if edition_file else edition_for(source)
    register = register_path(edition, source)
    if output is not None and register is not None:  # the register the edition file names
        refuse_output_over_input([output], [register])
    result = convert_text(source, edition)
    # Not silently: a furniture line nobody declared became text (a heading, likely). Say so, and how to declare it.
    for line in undeclared_furniture(source, result.edition):
        click.echo(
            f"{source}:{line.line}: warning: {line.text!r} looks like web-page furniture ({line.reason}); "
            f"kept as text (declare it: teikit suggest {source} --furniture)",
            err=True,
        )
    for warning in left_as_text_warnings(result.document):
        click.echo(warning, err=True)
    data = serialize(result.tree)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_atomic(output, data)
        click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("seeds_dir", default="seeds", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--edition-dir",
    default="edition",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the TEI files go.",
)
@click.option(
    "--output-dir",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where renderings and exports go.",
)
@click.option("--force", is_flag=True, help="Overwrite edition files even if they were changed by hand.")
@click.option(
    "--wait",
    "lock_wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another build writing into the same folders.",
)
def build(seeds_dir: Path, edition_dir: Path, output_dir: Path, force: bool, lock_wait: float) -> None:
    """Convert every text in SEEDS_DIR (default: seeds/) into edition/ and output/.

    Nothing is written unless every text converts and validates; each file is
    written atomically. An edition file changed by hand since the last build is
    not overwritten without --force.

    \b
    Example:
      teikit build seeds
    """
    from .build import build as build_all

    result = build_all(seeds_dir, edition_dir, output_dir, force=force, lock_wait=lock_wait)
    for line in result.notes:
        click.echo(line, err=True)
    for path in result.written:
        click.echo(f"wrote {path}")
    click.echo(
        f"{_count(len(result.conversions), 'text')}, {_count(len(result.written), 'file')} written, "
        f"{len(result.unchanged)} unchanged"
    )


@cli.command()
@click.argument("tei_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the text here (atomically) instead of to standard output.",
)
@click.option("--lossless", is_flag=True, help="Regenerate the exact source text from teikit's encoding conventions.")
@click.option("--no-notes", is_flag=True, help="Leave notes and note markers out of the reading text.")
@click.option("--width", type=click.IntRange(min=10), help="Wrap the reading text to this many columns.")
@click.option(
    "--stylesheet",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your XSLT for the reading text (it may import teikit:text.xsl).",
)
@click.option(
    "--leiden",
    type=click.Choice(["auto", "yes", "no"]),
    default="auto",
    show_default=True,
    help="Leiden conventions of EpiDoc editions: auto, yes or no.",
)
def text(
    tei_file: Path,
    output: Path | None,
    lossless: bool,
    no_notes: bool,
    width: int | None,
    stylesheet: Path | None,
    leiden: str,
) -> None:
    """Turn a TEI file into plain text: the reading text, or with --lossless the exact source.

    The reading text has headings, paragraphs and list items separated by blank lines,
    the edited readings (corrections, expansions), and notes as numbered endnotes with
    their markers in the text. With --lossless the result is the source text exactly,
    minus the furniture lines the edition file declares: the proof that encoding lost
    nothing.

    \b
    Examples:
      teikit text edition/workers-group-manifesto-1.xml --width 72
      teikit text --lossless edition/workers-group-manifesto-1.xml
    """
    from .files import check_input, refuse_output_over_input, write_atomic
    from .render.lossless import render_lossless
    from .render.text import render_text
    from .xmlio import check_tei_root, parse_tei_tolerant

    if lossless and (no_notes or width or stylesheet):
        raise UsageError(
            "--lossless regenerates the source exactly and takes no other option",
            hint="drop --no-notes, --width and --stylesheet, or drop --lossless",
        )
    check_input(tei_file, "TEI file")
    if stylesheet is not None:
        check_input(stylesheet, "stylesheet")
    if output is not None:
        refuse_output_over_input([output], [tei_file, *([stylesheet] if stylesheet else [])])
    tree, id_warnings = parse_tei_tolerant(tei_file)  # bad xml:ids are warnings for reading, errors for validate
    check_tei_root(tree, str(tei_file), unnamespaced=True)
    for warning in id_warnings:
        click.echo(warning.one_line().replace(": error: ", ": warning: ", 1), err=True)
    if lossless:
        result = render_lossless(tree)
    else:
        result = render_text(tree, notes=not no_notes, width=width, stylesheet=stylesheet, leiden=leiden)
    if output is None:
        click.echo(result, nl=False)
    else:
        write_atomic(output, result)


@cli.command("export")
@click.argument("tei_files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT",
    help="An export format (repeat for several); see --list.",
)
@click.option(
    "--all",
    "all_formats",
    is_flag=True,
    help="Every format the document can give (formats that need entities it lacks are skipped, and said so).",
)
@click.option(
    "-o",
    "--output-dir",
    "out_dir",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the files (<file stem>.<suffix>).",
)
@click.option("--list", "list_only", is_flag=True, help="List the export formats and exit.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Worker processes (default: all cores, at most one per MB of input; 1: no worker process).",
)
@click.option(
    "--executor",
    default="local",
    show_default=True,
    metavar="local|dask|dask://HOST:PORT",
    help="Where files are exported: local worker processes, a local Dask cluster on 127.0.0.1, or the "
    "Dask scheduler at HOST:PORT (pip install 'teikit[dask]'); workers read the files by path "
    "(a shared file system), the exports come back here and are written here.",
)
def export(
    tei_files: tuple[Path, ...],
    formats: tuple[str, ...],
    all_formats: bool,
    out_dir: Path,
    list_only: bool,
    jobs: int | None,
    executor: str,
) -> None:
    """Export TEI files (teikit's or anyone's) for other tools: CSV, JSON, JSON-LD, GEXF, TimelineJS, CoNLL, Markdown.

    Nothing is written unless every export succeeds; a format that needs tagged
    entities fails with a message on a TEI file that has none.

    \b
    Examples:
      teikit export --list
      teikit export edition/workers-group-manifesto-1.xml --format csv --format gexf -o /tmp/exports
      teikit export edition/*.xml --all -o output
    """
    from .export import export_files, list_formats

    if list_only:
        exporters = list_formats()
        width = max(len(e.name) for e in exporters)
        for exporter in exporters:
            files = ", ".join(f".{suffix}" for suffix in exporter.suffixes)
            needs = f" (needs {exporter.needs})" if exporter.needs else ""
            click.echo(f"{exporter.name:<{width}}  {exporter.description}; writes {files}{needs}")
        return
    from .export import get_format
    from .files import check_input, refuse_output_over_input

    if all_formats and formats:
        raise UsageError("give --format or --all, not both")
    chosen = [e.name for e in list_formats()] if all_formats else list(formats)
    for path in tei_files:
        check_input(path, "TEI file")
    suffixes = [suffix for name in chosen for suffix in get_format(name).suffixes]
    refuse_output_over_input([out_dir / f"{p.stem}.{suffix}" for p in tei_files for suffix in suffixes], tei_files)
    from .executors import check_spec, open_executor

    check_spec(executor)
    with open_executor(executor, jobs) as pool:
        result = export_files(tei_files, chosen, out_dir, skip_unmet=all_formats, jobs=jobs, executor=pool)
    for line in result.skipped:
        click.echo(line, err=True)
    for path in result.written:
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--min-count", default=1, show_default=True, help="Only phrases seen at least this often.")
@click.option("--contexts", default=1, show_default=True, help="How many contexts to show per phrase.")
@click.option(
    "--toml",
    "as_toml",
    is_flag=True,
    help="Print typed register entries as TOML (append to the register, or review and `register add`).",
)
@click.option(
    "--furniture",
    is_flag=True,
    help="Print the lines that look like web-page furniture, as [[furniture]] TOML for the text's edition file.",
)
@click.option("--no-gazetteer", is_flag=True, help="Type places from context cues only (no GeoNames look-up).")
def suggest(source: Path, min_count: int, contexts: int, as_toml: bool, furniture: bool, no_gazetteer: bool) -> None:
    """Propose register entries for the names of SOURCE the register lacks.

    Each proposal has a type (person, org, place; UNSURE with the reason when no cue decided), an id
    that no entry and no id of the text's TEI uses, the forms seen, and the evidence: lines, contexts
    and the cue. Places get a GeoNames id and coordinates only when the gazetteer match is unique.
    Phrases that contain a registered name but are longer are listed as "longer than a registered name".

    \b
    Examples:
      teikit suggest seeds/workers-group-manifesto-1.txt
      teikit suggest new-text.txt --toml >> seeds/register.toml
      teikit suggest new-text.txt --furniture >> new-text.toml
    """
    from .convert import bracketed_numbers_left, propose_entries
    from .edition import default_edition
    from .files import check_input
    from .tag.propose import furniture_toml, proposals_toml

    check_input(source, "source text")
    edition_file = source.with_suffix(".toml")
    # `suggest new.txt --furniture > new.toml` creates new.toml (empty) before suggest runs: no edition yet.
    new_edition = not edition_file.is_file() or not edition_file.read_bytes().strip()
    proposals = propose_entries(source, default_edition(source) if new_edition else None, gazetteer=not no_gazetteer)
    for note in proposals.notes:
        click.echo(f"teikit suggest: {note}", err=True)
    if furniture:
        if new_edition:  # a new edition file: it names its source
            click.echo(
                f"# The edition file of {source.name} (proposed by teikit suggest --furniture).\n"
                f'source = "{source.name}"\n'
            )
        click.echo(furniture_toml(proposals.furniture), nl=False)
        click.echo(f"{len(proposals.furniture)} furniture lines proposed", err=True)
        return
    entries = [p for p in proposals.entries if p.count >= min_count]
    if as_toml:
        click.echo(proposals_toml(replace(proposals, entries=tuple(entries))), nl=False)
    else:
        for item in entries:
            lines = ",".join(map(str, item.lines[:8])) + ("…" if len(item.lines) > 8 else "")
            verdict = f"UNSURE: {item.unsure}" if item.unsure else item.cue
            click.echo(f"{item.count:4d}  {item.type:<6}  {item.name}  (id {item.id}; {verdict}; line {lines})")
            for context in item.contexts[:contexts]:
                click.echo(f"        {context}")
        for longer in proposals.longer:
            lines = ",".join(map(str, longer.lines[:8]))
            click.echo(
                f"{longer.count:4d}  longer  {longer.phrase}  (longer than a registered name: "
                f"{', '.join(longer.contains)}; line {lines})"
            )
        for line in proposals.furniture:
            click.echo(f"   -  furniture  {line.text!r}  (line {line.line}: {line.reason}; teikit suggest --furniture)")
    unsure = sum(1 for p in entries if p.unsure)
    click.echo(
        f"{len(entries)} proposed entries ({unsure} unsure), {len(proposals.longer)} longer than a registered "
        f"name, {len(proposals.furniture)} furniture lines",
        err=True,
    )
    try:
        left = bracketed_numbers_left(source)
    except TeikitError as exc:  # the proposals above need no blocks; say why the numbers could not be listed
        click.echo(f"bracketed numbers not listed: {exc.one_line()}", err=True)
        left = []
    for number_line, text in left:
        click.echo(f"   -  {text}  (line {number_line}): left as text, no note has its number")
    if left:
        click.echo(f"{_count(len(left), 'bracketed number')} left as text, not note references", err=True)


@cli.group(cls=TeikitGroup)
def register() -> None:
    """Keep the entity register: check it, sort it, add reviewed entries.

    \b
    Examples:
      teikit register check seeds/register.toml
      teikit register sort seeds/register.toml
      teikit register add reviewed.toml --register seeds/register.toml
    """


@register.command("check")
@click.argument("register_file", default="seeds/register.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("texts", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def register_check(register_file: Path, texts: tuple[Path, ...]) -> None:
    """Report what clashes in REGISTER_FILE, naming both sides: an entry's id and an id of a text's TEI,
    a form two entries share, a note that cites one text's line numbers.

    TEXTS default to the *.txt beside the register that use it. Exit 1 if an error (a clash that stops
    the TEI) is found; warnings alone exit 0.
    """
    from .register_edit import check_register

    clashes = check_register(register_file, texts or None)
    for clash in clashes:
        click.echo(clash.one_line(str(register_file)))
    errors = sum(clash.severity == "error" for clash in clashes)
    click.echo(f"{register_file}: {_count(errors, 'error')}, {_count(len(clashes) - errors, 'warning')}", err=True)
    if errors:
        click.get_current_context().exit(1)


@register.command("sort")
@click.argument("register_file", default="seeds/register.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--check", "check_only", is_flag=True, help="Only say whether the file is in canonical order (exit 1 if not)."
)
def register_sort(register_file: Path, check_only: bool) -> None:
    """Rewrite REGISTER_FILE in canonical order (persons, orgs, places, each by id), atomically.

    Any order loads; the canonical one keeps diffs small. Comments move with the entry below them.
    """
    from .files import read_input
    from .register_edit import sort_register_file, sorted_register_text

    if check_only:
        text = read_input(register_file, "register file").decode("utf-8")
        if sorted_register_text(text, str(register_file)) != text:
            click.echo(f"{register_file}: not in canonical order (run: teikit register sort {register_file})", err=True)
            click.get_current_context().exit(1)
        return
    changed = sort_register_file(register_file)
    click.echo(f"{'sorted' if changed else 'already sorted:'} {register_file}", err=True)


register.add_command(register_sort, "fmt")


@register.command("add")
@click.argument("entries_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--register",
    "register_file",
    default="seeds/register.toml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The register to add the entries to.",
)
def register_add(entries_file: Path, register_file: Path) -> None:
    """Add the entries of ENTRIES_FILE (say, reviewed `teikit suggest --toml` output) to the register.

    The result is checked as a whole and written atomically in canonical order; an id that is already
    taken stops it.
    """
    from .register_edit import add_entries

    added = add_entries(register_file, entries_file)
    noun = "entry" if len(added) == 1 else "entries"
    click.echo(f"added {len(added)} {noun} to {register_file}: {', '.join(added)}", err=True)


def _validated_files(paths) -> list[Path]:
    """The files validate reads from these paths (folders: their *.xml files, recursively)."""
    found: list[Path] = []
    for path in map(Path, paths):
        found.extend(sorted(path.rglob("*.xml")) if path.is_dir() else [path])
    return found


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


_executor_option = click.option(
    "--executor",
    default="local",
    show_default=True,
    metavar="local|dask|dask://HOST:PORT",
    help="Where files are checked: local worker processes (--jobs), a local Dask cluster of --jobs workers on "
    "127.0.0.1, or the Dask scheduler at HOST:PORT (needs pip install 'teikit[dask]'). Dask workers read the "
    "files by path (a shared file system) unless --send-bytes.",
)
_send_bytes_option = click.option(
    "--send-bytes",
    is_flag=True,
    help="Send each file's bytes to the workers instead of its path (workers without this file system; "
    "schemas are still read by path on the workers).",
)


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where NAME.html and NAME.txt go.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["html", "text", "both"]),
    default="both",
    show_default=True,
    help="What to write for each file.",
)
@click.option(
    "--stylesheet",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your XSLT (importing teikit:html.xsl, or teikit:text.xsl with --format text).",
)
@click.option("--no-notes", is_flag=True, help="Leave notes and their markers out.")
@click.option("--width", type=click.IntRange(min=10), help="Wrap the reading text to this many columns.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--index", is_flag=True, help="Also write OUTPUT_DIR/index.html listing the editions.")
@click.option(
    "--leiden",
    type=click.Choice(["auto", "yes", "no"]),
    default="auto",
    show_default=True,
    help="Leiden conventions ([restored], (expanded), ⟦erased⟧ …): auto uses them in EpiDoc editions.",
)
@click.option(
    "--executor",
    default="local",
    show_default=True,
    metavar="local|dask|dask://HOST:PORT",
    help="Where files are rendered: local worker processes (--jobs), a local Dask cluster on 127.0.0.1, "
    "or the Dask scheduler at HOST:PORT (pip install 'teikit[dask]'). Dask workers read the files and "
    "write OUTPUT_DIR by path: a shared file system.",
)
def render(
    sources: tuple[Path, ...],
    output_dir: Path,
    output_format: str,
    stylesheet: Path | None,
    no_notes: bool,
    width: int | None,
    jobs: int | None,
    index: bool,
    leiden: str,
    executor: str,
) -> None:
    """Render TEI files (or folders of *.xml) as HTML reading editions and reading texts.

    Any TEI P5 works, teikit's or anyone's: elements the stylesheets do not know keep
    their text. Each NAME.xml becomes OUTPUT_DIR/NAME.html (one self-contained page) and
    OUTPUT_DIR/NAME.txt, written atomically, rendered in parallel.

    \b
    Examples:
      teikit render edition/workers-group-manifesto-1.xml -o /tmp/out
      teikit render edition ../shared/tei/samples --format html --index
      teikit render hamlet.xml --stylesheet my-edition.xsl
    """
    from .executors import check_spec, open_executor
    from .files import check_input, refuse_output_over_input
    from .render.batch import FORMATS, render_many, tei_files

    formats = tuple(FORMATS) if output_format == "both" else (output_format,)
    check_spec(executor)
    for path in sources:
        check_input(path, "TEI file", folder_ok=True)
    if stylesheet is not None:
        check_input(stylesheet, "stylesheet")
    files = tei_files(sources)
    planned = [output_dir / f"{p.stem}{FORMATS[name].suffix}" for p in files for name in formats]
    refuse_output_over_input(
        [*planned, *([output_dir / "index.html"] if index else [])], [*files, *([stylesheet] if stylesheet else [])]
    )
    with open_executor(executor, jobs) as pool:
        report = render_many(
            files,
            output_dir,
            formats=formats,
            html_stylesheet=stylesheet if "html" in formats else None,
            text_stylesheet=stylesheet if formats == ("text",) else None,
            notes=not no_notes,
            width=width,
            jobs=jobs,
            index=index,
            leiden=leiden,
            executor=pool,
        )
    for path in report.written:
        click.echo(f"wrote {path}")
    for warning in report.warnings:
        click.echo(warning.one_line().replace(": error: ", ": warning: ", 1), err=True)
    for failure in report.failures:
        click.echo(failure.one_line(), err=True)
    megabytes = report.bytes_read / 1e6
    click.echo(
        f"{_count(len(report.results), 'file')} ({megabytes:.1f} MB) rendered in {report.seconds:.2f} s "
        f"with {_count(report.jobs, 'job')}: {len(report.written)} written, {len(report.failures)} failed"
    )
    if report.failures:
        click.get_current_context().exit(max(failure.exit_code for failure in report.failures))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--schema",
    "grammars",
    multiple=True,
    metavar="FILE",
    help="RELAX NG (.rng, XML syntax), XML Schema (.xsd) or Schematron (.sch) to validate every file against; "
    "repeatable. teikit:NAME names a schema shipped with teikit.",
)
@click.option(
    "--schematron",
    "schematrons",
    multiple=True,
    metavar="FILE",
    help="ISO Schematron schema (queryBinding xslt/exslt through lxml, xslt2/xslt3 through Saxon); repeatable.",
)
@click.option("--tei-all", "tei_all", metavar="FILE", help="The official tei_all.rng (a shortcut for --schema FILE).")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json", "junit", "github"]),
    default="text",
    show_default=True,
    help="Report format: text for people, json for scripts, junit for CI dashboards, github for annotations.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("--output", "-o", metavar="FILE", help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line and no output at all when every file is valid.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the caches (restricted grammars; --changed-only verdicts: check all).",
)
@click.option(
    "--full-grammar",
    is_flag=True,
    help="Compile RELAX NG grammars whole instead of restricted to the names in use.",
)
@click.option(
    "--xinclude",
    is_flag=True,
    help="Expand xi:include of local files inside the folders validated; problems at their own lines.",
)
@click.option("--allow-empty", is_flag=True, help="Finding no .xml file is not an error.")
@_executor_option
@_send_bytes_option
@click.option(
    "--changed-only",
    is_flag=True,
    help="Check only files whose bytes or schemas changed since the last run; report every file "
    "(verdicts kept in --verdict-cache).",
)
@click.option(
    "--verdict-cache",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The verdict cache of --changed-only (default: $TEIKIT_CACHE_DIR/verdicts.json); persist it between CI runs.",
)
@click.option(
    "--no-schematron",
    is_flag=True,
    help="Do not run the Schematron rules embedded in RELAX NG grammars (tei_all's, an ODD's) nor XPath 2 .sch files.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also list the Schematron rules that could not be compiled and the grammars compiled whole "
    "instead of restricted, and why.",
)
def validate(
    paths,
    grammars,
    schematrons,
    tei_all,
    format_name,
    jobs,
    output,
    quiet,
    no_cache,
    full_grammar,
    xinclude,
    allow_empty,
    executor,
    send_bytes,
    changed_only,
    verdict_cache,
    no_schematron,
    verbose,
):
    """Validate TEI files and folders (*.xml, recursively) against RELAX NG, XML Schema and Schematron.

    Each file's schemas, first that applies: --schema, --schematron or --tei-all
    (for every file); the file's <?xml-model?> lines (local files or teikit:NAME;
    remote schemas are never fetched); schemas = [...] under [tool.teikit.validate]
    in a pyproject.toml (or [validate] in a teikit.toml) beside or above the file;
    teikit's own schemas for teikit's own editions. Otherwise: an error.

    Exit status: 0 all files valid; 1 some file invalid or malformed; 2 usage
    error (unknown option, missing path or schema, no file found, unreadable
    file) or a file that could not be checked.
    """
    from .files import check_input, refuse_output_over_input, write_atomic
    from .validate import load_schemas, validate_paths
    from .validate.formats import format_file_text, format_report

    for path in paths:
        check_input(path, "file", folder_ok=True)
    given = list(grammars) + ([tei_all] if tei_all else [])
    if output:
        refuse_output_over_input(
            [output], _validated_files(paths) + [s for s in [*given, *schematrons] if not s.startswith("teikit:")]
        )
    schemas = None
    if given or schematrons:
        schemas = load_schemas(
            schemas=given,
            schematron=schematrons,
            restrict=not full_grammar,
            use_cache=not no_cache,
            schematron_rules=not no_schematron,
        )
    # Text on stdout streams file by file, so a long run shows its problems as they are found; text and
    # github list only files with problems, so the run keeps only those (the others are counted): the memory
    # of a million-file run does not grow with its valid files. json and junit list every file.
    stream = format_name == "text" and not output
    keep = (lambda file_report: bool(file_report.problems)) if format_name in ("text", "github") else None

    def echo_file(file_report):
        if stream and file_report.problems:
            progress.echo(format_file_text(file_report))

    from .executors import check_spec, open_executor
    from .progress import Progress
    from .validate.verdicts import VerdictCache

    check_spec(executor)
    verdicts = VerdictCache(verdict_cache) if changed_only and not no_cache else None
    if verdicts is not None and verdicts.warning:
        click.echo(verdicts.warning, err=True)
    progress = Progress(enabled=not quiet)

    def each_file(file_report):
        progress.done(file_report.path)
        echo_file(file_report)

    with open_executor(executor, jobs) as pool, progress:
        report = validate_paths(
            paths,
            schemas,
            jobs=jobs,
            on_file=each_file,
            xinclude=xinclude,
            allow_empty=allow_empty,
            restrict=not full_grammar,
            use_cache=not no_cache,
            chosen_by="option",
            executor=pool,
            send_bytes=send_bytes,
            verdicts=verdicts,
            on_plan=progress.start,
            keep=keep,
            schematron_rules=not no_schematron,
        )
    if verdicts is not None:
        verdicts.save()
    # What the user should know about the checks themselves (saxonche missing; with --verbose, rules
    # that did not compile and grammars compiled whole): on stderr, so that reports stay parseable.
    for line in report.notices + (report.details if verbose else ()):
        click.echo(line, err=True)
    if stream:
        if not quiet:
            judged = report.judged_by()
            if judged:
                click.echo(judged)
            click.echo(report.summary())
    else:
        text = format_report(report, format_name)
        if output:
            write_atomic(output, text)
            if not quiet:
                click.echo(report.summary(), err=True)
        elif not (quiet and report.valid):
            click.echo(text, nl=False)
    click.get_current_context().exit(report.exit_code)

"""The ``teikit`` command: options in, one library call, a report out, an exit code.

Every TeikitError becomes one line on stderr and its exit code in
:class:`TeikitGroup`, the one place errors are formatted; commands never
print tracebacks.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from . import __version__
from .errors import TeikitError, UsageError

# Each command imports the library it calls when it runs, not when the CLI loads: `teikit validate` in a
# pre-commit hook or a CI step should not pay for compiling the tagger's and the exporters' patterns.


class TeikitGroup(click.Group):
    """A click group that turns TeikitError into one line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TeikitError as exc:
            click.echo(exc.one_line(), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            # A bug of teikit's, not of the input: still one line, unless the user asks for the traceback.
            if os.environ.get("TEIKIT_DEBUG"):
                raise
            click.echo(f"teikit: internal error: {type(exc).__name__}: {exc} (this is a bug in teikit: "
                       "rerun with TEIKIT_DEBUG=1 to see where, and report it)", err=True)
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
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the TEI here (atomically) instead of to standard output.")
@click.option("--edition", "edition_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The edition file (default: SOURCE with .toml, if it exists).")
def convert(source: Path, output: Path | None, edition_file: Path | None) -> None:
    """Convert one plain-text SOURCE into TEI P5.

    \b
    Example:
      teikit convert seeds/workers-group-manifesto-1.txt -o /tmp/manifesto.xml
    """
    from .convert import convert as convert_text
    from .edition import load_edition
    from .files import write_atomic
    from .xmlio import serialize

    edition = load_edition(edition_file) if edition_file else None
    result = convert_text(source, edition)
    data = serialize(result.tree)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_atomic(output, data)
        click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("seeds_dir", default="seeds", type=click.Path(file_okay=False, path_type=Path))
@click.option("--edition-dir", default="edition", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where the TEI files go.")
@click.option("--output-dir", default="output", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where renderings and exports go.")
@click.option("--force", is_flag=True, help="Overwrite edition files even if they were changed by hand.")
def build(seeds_dir: Path, edition_dir: Path, output_dir: Path, force: bool) -> None:
    """Convert every text in SEEDS_DIR (default: seeds/) into edition/ and output/.

    Nothing is written unless every text converts and validates; each file is
    written atomically. An edition file changed by hand since the last build is
    not overwritten without --force.

    \b
    Example:
      teikit build seeds
    """
    from .build import build as build_all

    result = build_all(seeds_dir, edition_dir, output_dir, force=force)
    for path in result.written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(result.conversions)} texts, {len(result.written)} files written, "
               f"{len(result.unchanged)} unchanged")


@cli.command()
@click.argument("tei_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the text here (atomically) instead of to standard output.")
@click.option("--lossless", is_flag=True,
              help="Regenerate the exact source text from teikit's encoding conventions.")
@click.option("--no-notes", is_flag=True, help="Leave notes and note markers out of the reading text.")
@click.option("--width", type=click.IntRange(min=10), help="Wrap the reading text to this many columns.")
@click.option("--stylesheet", type=click.Path(dir_okay=False, path_type=Path),
              help="Your XSLT for the reading text (it may import teikit:text.xsl).")
def text(tei_file: Path, output: Path | None, lossless: bool, no_notes: bool, width: int | None,
         stylesheet: Path | None) -> None:
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
    from .files import write_atomic
    from .render.lossless import render_lossless
    from .render.text import render_text
    from .xmlio import parse_xml

    if lossless and (no_notes or width or stylesheet):
        raise UsageError("--lossless regenerates the source exactly and takes no other option",
                         hint="drop --no-notes, --width and --stylesheet, or drop --lossless")
    tree = parse_xml(tei_file)
    if lossless:
        result = render_lossless(tree)
    else:
        result = render_text(tree, notes=not no_notes, width=width, stylesheet=stylesheet)
    if output is None:
        click.echo(result, nl=False)
    else:
        write_atomic(output, result)


@cli.command("export")
@click.argument("tei_files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, metavar="FORMAT",
              help="An export format (repeat for several); see --list.")
@click.option("--all", "all_formats", is_flag=True,
              help="Every format the document can give (formats that need entities it lacks are skipped, and said so).")
@click.option("-o", "--output-dir", "out_dir", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where to write the files (<file stem>.<suffix>).")
@click.option("--list", "list_only", is_flag=True, help="List the export formats and exit.")
def export(tei_files: tuple[Path, ...], formats: tuple[str, ...], all_formats: bool, out_dir: Path,
           list_only: bool) -> None:
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
    if all_formats and formats:
        raise UsageError("give --format or --all, not both")
    chosen = [e.name for e in list_formats()] if all_formats else list(formats)
    result = export_files(tei_files, chosen, out_dir, skip_unmet=all_formats)
    for line in result.skipped:
        click.echo(line, err=True)
    for path in result.written:
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--min-count", default=1, show_default=True, help="Only phrases seen at least this often.")
@click.option("--contexts", default=1, show_default=True, help="How many contexts to show per phrase.")
def suggest(source: Path, min_count: int, contexts: int) -> None:
    """List capitalised, name-like phrases of SOURCE that the register does not cover.

    Each line gives the count, the phrase, the source lines and a short context, so an editor can
    add the missing entities to the register, or list the phrase under not_names once reviewed.

    \b
    Example:
      teikit suggest seeds/workers-group-manifesto-1.txt
    """
    from .convert import suggest_names

    found = suggest_names(source, min_count=min_count)
    for item in found:
        lines = ",".join(map(str, item.lines[:8])) + ("…" if len(item.lines) > 8 else "")
        click.echo(f"{item.count:4d}  {item.phrase}  (line {lines})")
        for context in item.contexts[:contexts]:
            click.echo(f"        {context}")
    click.echo(f"{len(found)} phrases not in the register", err=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output-dir", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where NAME.html and NAME.txt go.")
@click.option("--format", "output_format", type=click.Choice(["html", "text", "both"]), default="both",
              show_default=True, help="What to write for each file.")
@click.option("--stylesheet", type=click.Path(dir_okay=False, path_type=Path),
              help="Your XSLT (importing teikit:html.xsl, or teikit:text.xsl with --format text).")
@click.option("--no-notes", is_flag=True, help="Leave notes and their markers out.")
@click.option("--width", type=click.IntRange(min=10), help="Wrap the reading text to this many columns.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--index", is_flag=True, help="Also write OUTPUT_DIR/index.html listing the editions.")
def render(sources: tuple[Path, ...], output_dir: Path, output_format: str, stylesheet: Path | None,
           no_notes: bool, width: int | None, jobs: int | None, index: bool) -> None:
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
    from .render.batch import FORMATS, render_many

    formats = tuple(FORMATS) if output_format == "both" else (output_format,)
    report = render_many(
        sources, output_dir, formats=formats,
        html_stylesheet=stylesheet if "html" in formats else None,
        text_stylesheet=stylesheet if formats == ("text",) else None,
        notes=not no_notes, width=width, jobs=jobs, index=index,
    )
    for path in report.written:
        click.echo(f"wrote {path}")
    for failure in report.failures:
        click.echo(failure.one_line(), err=True)
    megabytes = report.bytes_read / 1e6
    click.echo(f"{_count(len(report.results), 'file')} ({megabytes:.1f} MB) rendered in {report.seconds:.2f} s "
               f"with {_count(report.jobs, 'job')}: {len(report.written)} written, {len(report.failures)} failed")
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
@click.option(
    "--tei-all", "tei_all", metavar="FILE", help="The official tei_all.rng (a shortcut for --schema FILE)."
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json", "junit", "github"]),
    default="text",
    show_default=True,
    help="Report format: text for people, json for scripts, junit for CI dashboards, github for annotations.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option(
    "--output", "-o", metavar="FILE", help="Write the report to FILE (atomically) instead of stdout."
)
@click.option(
    "--quiet", "-q", is_flag=True, help="No summary line and no output at all when every file is valid."
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache of restricted grammars.")
@click.option(
    "--full-grammar",
    is_flag=True,
    help="Compile RELAX NG grammars whole instead of restricted to the names in use.",
)
@click.option("--xinclude", is_flag=True,
              help="Expand xi:include of local files inside the folders validated; problems at their own lines.")
@click.option("--allow-empty", is_flag=True, help="Finding no .xml file is not an error.")
@click.option("--no-schematron", is_flag=True,
              help="Do not run the Schematron rules embedded in RELAX NG grammars (tei_all's, an ODD's) "
              "nor XPath 2 .sch files.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also list the Schematron rules that could not be compiled and the grammars compiled whole "
              "instead of restricted, and why.")
def validate(paths, grammars, schematrons, tei_all, format_name, jobs, output, quiet, no_cache, full_grammar,
             xinclude, allow_empty, no_schematron, verbose):
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
    from .files import write_atomic
    from .validate import load_schemas, validate_paths
    from .validate.formats import format_file_text, format_report

    given = list(grammars) + ([tei_all] if tei_all else [])
    schemas = None
    if given or schematrons:
        schemas = load_schemas(schemas=given, schematron=schematrons, restrict=not full_grammar,
                               use_cache=not no_cache, schematron_rules=not no_schematron)
    # Text on a terminal streams file by file, so a long run shows progress.
    stream = format_name == "text" and not output

    def echo_file(file_report):
        if stream and file_report.problems:
            click.echo(format_file_text(file_report), nl=False)

    report = validate_paths(paths, schemas, jobs=jobs, on_file=echo_file, xinclude=xinclude,
                            allow_empty=allow_empty, restrict=not full_grammar, use_cache=not no_cache,
                            chosen_by="option", schematron_rules=not no_schematron)
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

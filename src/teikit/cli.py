"""The ``teikit`` command: options in, one library call, a report out, an exit code.

Every TeikitError becomes one line on stderr and its exit code in
:class:`TeikitGroup`, the one place errors are formatted; commands never
print tracebacks.
"""

from __future__ import annotations

import click

from . import __version__
from .errors import TeikitError


class TeikitGroup(click.Group):
    """A click group that turns TeikitError into one line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TeikitError as exc:
            click.echo(exc.one_line(), err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=TeikitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="teikit")
def cli() -> None:
    """teikit: plain text → TEI P5 editions, validated, rendered and exported.

    Exit codes: 0 success; 1 invalid or failed input; 2 usage or environment error.
    """


main = cli


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--schema",
    "grammars",
    multiple=True,
    metavar="FILE",
    help="RELAX NG (.rng, XML syntax) or XML Schema (.xsd) to validate against; repeatable. "
    "teikit:NAME names a schema shipped with teikit.",
)
@click.option(
    "--schematron",
    "schematrons",
    multiple=True,
    metavar="FILE",
    help="ISO Schematron (XPath 1) schema; repeatable.",
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
def validate(paths, grammars, schematrons, tei_all, format_name, jobs, output, quiet, no_cache, full_grammar):
    """Validate TEI files and folders (*.xml, recursively) against RELAX NG and Schematron.

    Without --schema, --schematron or --tei-all, teikit's own schemas are used
    (teikit:teikit.rng and teikit:teikit.sch). Any of those options replaces the
    defaults; name a shipped schema to keep it, e.g. --schematron teikit:teikit.sch.

    Exit status: 0 all files valid; 1 some file invalid or malformed; 2 usage
    error (unknown option, missing path or schema, unreadable file).
    """
    from .files import write_atomic
    from .report import format_file_text, format_report
    from .validate import load_schemas, validate_paths

    rng = list(grammars) + ([tei_all] if tei_all else [])
    schemas = load_schemas(
        rng=[g for g in rng if not g.endswith(".xsd")],
        xsd=[g for g in rng if g.endswith(".xsd")],
        schematron=schematrons,
        restrict=not full_grammar,
        use_cache=not no_cache,
    )
    # Text on a terminal streams file by file, so a long run shows progress.
    stream = format_name == "text" and not output

    def echo_file(file_report):
        if stream and file_report.problems:
            click.echo(format_file_text(file_report), nl=False)

    report = validate_paths(paths, schemas, jobs=jobs, on_file=echo_file)
    if stream:
        if not quiet:
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

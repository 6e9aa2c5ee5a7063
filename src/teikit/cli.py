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

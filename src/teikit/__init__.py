"""teikit: plain text → TEI P5 → validation, reading editions and exports.

The functions here are what a notebook user imports; each imports its stage when called, so that
``import teikit`` (and the command line) stays fast. Their names differ from the modules' (``convert_file``,
not ``convert``), because importing ``teikit.convert`` binds the module to that name in this package.

    >>> import teikit
    >>> edition = teikit.convert_file("seeds/workers-group-manifesto-1.txt")
    >>> teikit.validate_files(["edition/"]).summary()
    '1 file, 0 invalid, 0 errors'
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__version__ = "0.1.0"


def convert_file(source: str | Path):
    """Convert one plain-text source (with its edition file and register) into TEI: a ``Conversion``."""
    from .convert import convert as convert_source

    return convert_source(source)


def build_all(
    seeds_dir: str | Path = "seeds",
    edition_dir: str | Path = "edition",
    output_dir: str | Path = "output",
    *,
    force: bool = False,
    lock_wait: float = 10.0,
):
    """Convert, validate, render and export every seed text, as ``teikit build`` does: a ``BuildResult``.

    ``lock_wait``: seconds to wait for another build writing into the same folders.
    """
    from .build import build

    return build(seeds_dir, edition_dir, output_dir, force=force, lock_wait=lock_wait)


def parse(path: str | Path):
    """Parse a TEI (or any XML) file with teikit's safe parser: an lxml ElementTree."""
    from .xmlio import parse_xml

    return parse_xml(path)


def validate_files(
    paths: Iterable[str | Path],
    rng: Iterable[str] = (),
    schematron: Iterable[str] = (),
    jobs: int | None = None,
    *,
    executor=None,
    xinclude: bool = False,
    schematron_rules: bool = True,
):
    """Validate files and folders against RELAX NG and Schematron: a ``Report``.

    Without ``rng`` or ``schematron``, each file's schemas are chosen as ``teikit validate`` does (its
    ``xml-model`` lines, the project's configuration, teikit's own schemas for teikit editions).
    ``executor``: any ``concurrent.futures.Executor`` to run the checks in. ``schematron_rules=False``
    leaves out the XPath 2 Schematron rules grammars embed (``--no-schematron``).
    """
    from .validate import load_schemas, validate_paths

    rng, schematron = tuple(rng), tuple(schematron)
    schemas = (
        load_schemas(rng=rng, schematron=schematron, schematron_rules=schematron_rules) if rng or schematron else None
    )
    return validate_paths(
        list(paths),
        schemas,
        jobs=jobs,
        executor=executor,
        xinclude=xinclude,
        chosen_by="given",
        schematron_rules=schematron_rules,
    )


def render_html(tree, stylesheet: str | Path | None = None) -> str:
    """The HTML reading edition of a TEI tree (teikit's or anyone's)."""
    from .render import render_html as render

    return render(tree, stylesheet=stylesheet)


def render_text(tree, *, notes: bool = True, width: int | None = None) -> str:
    """The reading text of a TEI tree."""
    from .render import render_text as render

    return render(tree, notes=notes, width=width)


def export_tree(tree, formats: Iterable[str], name: str) -> dict[str, bytes]:
    """Export a TEI tree in the given formats (see ``teikit export --list``): {file name: bytes}."""
    from .export import export_many

    return export_many(tree, list(formats), name)


__all__ = [
    "__version__",
    "build_all",
    "convert_file",
    "export_tree",
    "parse",
    "render_html",
    "render_text",
    "validate_files",
]

"""The public API a notebook user imports, and the line between the stages: TEI is the interchange."""

from __future__ import annotations

import subprocess
import sys

import teikit

from conftest import REPO, SEED_TEXT, imports_a_stage

SRC = REPO / "src" / "teikit"
TEXT_PIPELINE = {"read", "tag", "model", "edition", "tei", "convert", "register"}


def test_the_public_functions_work_end_to_end(tmp_path):
    conversion = teikit.convert_file(SEED_TEXT)
    assert conversion.tree.getroot().get("{http://www.w3.org/XML/1998/namespace}id") == "workers-group-manifesto-1"
    report = teikit.validate_files([REPO / "edition"])
    assert report.valid and report.summary() == "1 file, 0 invalid, 0 errors"
    tree = teikit.parse(REPO / "edition" / "workers-group-manifesto-1.xml")
    assert "<h1" in teikit.render_html(tree)
    assert teikit.render_text(tree, width=60).startswith("The Communist Left in Russia")
    assert set(teikit.export_tree(tree, ["json", "gexf"], "m")) == {"m.json", "m.gexf"}


def test_the_api_survives_importing_the_stage_modules():
    import teikit.build
    import teikit.convert
    import teikit.export
    import teikit.validate  # noqa: F401

    assert all(callable(getattr(teikit, name)) for name in teikit.__all__ if name != "__version__")


def test_importing_teikit_loads_no_stage():
    code = "import sys, teikit; print(sorted(m for m in sys.modules if m.startswith('teikit.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_validation_reads_only_tei():
    for path in [*sorted((SRC / "validate").glob("*.py")), SRC / "relaxng.py", SRC / "parallel.py"]:
        assert not imports_a_stage(path, TEXT_PIPELINE), path.name


def test_the_import_check_sees_every_name_and_every_level():
    """The check must not be fooled by the forms an import can take (``from .. import read, model``)."""
    place = SRC / "render" / "batch.py"  # the code below is read as if it were there
    cases = {
        "from .. import read, model": {"teikit.read", "teikit.model"},
        "from .. import files, tag": {"teikit.tag"},
        "from ..tag import names": {"teikit.tag"},
        "from . import html": set(),
        "import teikit.register": {"teikit.register"},
        "from teikit.convert import convert": {"teikit.convert"},
    }
    for code, expected in cases.items():
        assert imports_a_stage(place, TEXT_PIPELINE, code) == expected, code

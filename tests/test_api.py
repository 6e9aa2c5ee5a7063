"""The public API a notebook user imports, and the line between the stages: TEI is the interchange."""

from __future__ import annotations

import ast
import subprocess
import sys

import teikit

from conftest import REPO, SEED_TEXT

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


def _teikit_imports(path) -> set[str]:
    """The teikit modules a source file imports (relative imports resolved to their first component)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            package = path.parent.relative_to(SRC).parts
            base = list(package[: len(package) - (node.level - 1)]) if node.level > 1 else list(package)
            module = (base + (node.module.split(".") if node.module else []))
            found.add(module[0] if module else (node.names[0].name))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("teikit."):
            found.add(node.module.split(".")[1])
    return found


def test_validation_reads_only_tei():
    for name in ("validate.py", "relaxng.py", "report.py"):
        assert not (_teikit_imports(SRC / name) & TEXT_PIPELINE), name

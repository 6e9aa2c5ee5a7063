"""Shared fixtures: where things are, the official TEI schema compiled once, the golden-file switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_TEXT = SEEDS / "workers-group-manifesto-1.txt"
# shared/ sits beside the repository (CI's clone); a git worktree of it sits one level deeper.
SHARED = next(
    (p for p in (REPO.parent / "shared", REPO.parent.parent / "shared") if p.is_dir()), REPO.parent / "shared"
)
TEI_ALL = SHARED / "tei" / "tei_all.rng"
SAMPLES = SHARED / "tei" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output (read the diff before committing!)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory):
    """Every test run uses a fresh grammar cache, never the user's ~/.cache/teikit."""
    path = tmp_path_factory.mktemp("teikit-cache")
    old = os.environ.get("TEIKIT_CACHE_DIR")
    os.environ["TEIKIT_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        del os.environ["TEIKIT_CACHE_DIR"]
    else:
        os.environ["TEIKIT_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def tei_all_schema():
    """The official tei_all RELAX NG schema, compiled once per test session (it takes several seconds).

    Every test that needs the whole grammar compiled uses this one fixture."""
    if not TEI_ALL.is_file():
        pytest.skip(f"official TEI schema not found at {TEI_ALL}")
    from lxml import etree

    from teikit.xmlio import parse_xml

    return etree.RelaxNG(parse_xml(TEI_ALL))


def teikit_imports(path: Path, text: str | None = None) -> set[str]:
    """Every teikit module a source file imports, dotted (``teikit.read``), whatever the import's form.

    ``import teikit.x``, ``from teikit.x import y``, ``from . import a, b`` and ``from ..x import y`` at any
    relative level: each name of a ``from … import`` may itself be a module, so each is counted.
    ``text`` is the code to read as if it were at ``path`` (default: the file's own text).
    """
    import ast

    src = REPO / "src"
    package = list(path.relative_to(src).parent.parts)  # a module's package; an __init__'s package is itself
    found: set[str] = set()
    code = path.read_text(encoding="utf-8") if text is None else text
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "teikit"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
            else:
                base = []
            module = base + (node.module.split(".") if node.module else [])
            if not module or module[0] != "teikit":
                continue
            found.add(".".join(module))
            found |= {".".join([*module, alias.name]) for alias in node.names}
    return found


def imports_a_stage(path: Path, stages: set[str], text: str | None = None) -> set[str]:
    """The imports of ``path`` that reach one of teikit's ``stages`` (first-level module names): ``teikit.read``…"""
    reached = {".".join(name.split(".")[:2]) for name in teikit_imports(path, text) if len(name.split(".")) > 1}
    return {name for name in reached if name.split(".")[1] in stages}

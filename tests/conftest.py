"""Shared fixtures: where things are, the official TEI schema compiled once, the golden-file switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_TEXT = SEEDS / "workers-group-manifesto-1.txt"
# shared/ sits beside the repository (CI's clone); a git worktree of it sits one level deeper.
SHARED = next((p for p in (REPO.parent / "shared", REPO.parent.parent / "shared") if p.is_dir()),
              REPO.parent / "shared")
TEI_ALL = SHARED / "tei" / "tei_all.rng"
SAMPLES = SHARED / "tei" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden files from the current output (read the diff before committing!)")


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

"""The version is written in one form everywhere: pyproject, the package, and the tag the docs tell users to pin."""

from __future__ import annotations

import re
import tomllib

import teikit

from conftest import REPO


def test_the_package_and_pyproject_agree():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == teikit.__version__


def test_the_documented_rev_is_the_release_tag_of_this_version():
    tag = f"v{teikit.__version__}"
    for name in ("README.md", ".pre-commit-hooks.yaml"):
        revs = re.findall(r"rev: (\S+)", (REPO / name).read_text(encoding="utf-8"))
        assert revs and set(revs) == {tag}, f"{name} pins {revs}, this version is tagged {tag} (docs/releasing.md)"
    assert tag in (REPO / "docs" / "releasing.md").read_text(encoding="utf-8")

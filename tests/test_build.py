"""The committed edition/ and output/ are exactly what `teikit build` makes from seeds/."""

from __future__ import annotations

from conftest import REPO
from teikit.build import build


def test_committed_files_match_a_fresh_build(tmp_path):
    result = build(REPO / "seeds", tmp_path / "edition", tmp_path / "output")
    assert result.written
    for folder in ("edition", "output"):
        built_dir = tmp_path / folder
        fresh = {p.relative_to(built_dir): p.read_bytes() for p in built_dir.rglob("*") if p.is_file()}
        committed_dir = REPO / folder
        committed = {p.relative_to(committed_dir): p.read_bytes() for p in committed_dir.rglob("*")
                     if p.is_file() and p.name != ".gitkeep"}
        assert sorted(fresh) == sorted(committed), f"{folder}/ lists different files: run `teikit build`"
        drifted = [str(name) for name in fresh if fresh[name] != committed[name]]
        assert not drifted, f"{folder}/ drifted from the build: {drifted}; run `teikit build` and commit"

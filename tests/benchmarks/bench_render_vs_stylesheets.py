"""Benchmark: teikit's HTML + reading text against the TEI Stylesheets' HTML on Saxon-HE, side by side, one run.

Run by hand (it is not a test), with nice on a shared machine:
    nice python tests/benchmarks/bench_render_vs_stylesheets.py [--plays N] [--jobs N] [--rounds N]

The sample: every tenth FreDraCor play (sorted by name), 194 plays, about 24 MB. The TEI Stylesheets
(/work/data/stylesheets, profiles/default/html/to.xsl) run as their users run them on a folder: one JVM for
the whole folder (Saxon-HE's -s:DIR -o:DIR), with the Debian package's Saxon-HE 9.9
(/usr/share/java/Saxon-HE.jar, `apt-get install libsaxonhe-java`; JVM start-up and compilation included, as
for a user). teikit renders the same folder to HTML and plain text with `teikit render --format both`'s library
call (render_many, all cores). Each side runs --rounds times, alternating, and the best round counts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from teikit.render import render_many  # noqa: E402

DATA = Path(os.environ.get("TEIKIT_TEI_DATA", "/work/data"))
SAXON = Path("/usr/share/java/Saxon-HE.jar")
TO_HTML = DATA / "stylesheets" / "profiles" / "default" / "html" / "to.xsl"


def sample(folder: Path, count: int, into: Path) -> float:
    """Copy every tenth play of ``folder`` (``count`` of them) into ``into``; return their MB."""
    plays = sorted(folder.glob("*.xml"))[::10][:count]
    for play in plays:
        shutil.copy(play, into / play.name)
    return sum(play.stat().st_size for play in plays) / 1e6


def run_saxon(source: Path, out: Path) -> float:
    out.mkdir()  # Saxon wants the output folder to exist when the input is one
    started = time.perf_counter()
    subprocess.run(
        ["java", "-jar", str(SAXON), f"-s:{source}", f"-o:{out}", f"-xsl:{TO_HTML}"], check=True, capture_output=True
    )
    return time.perf_counter() - started


def run_teikit(source: Path, out: Path, jobs: int) -> float:
    started = time.perf_counter()
    report = render_many([source], out, formats=("html", "text"), jobs=jobs)
    assert not report.failures, report.failures[:3]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plays", type=int, default=194)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not (SAXON.is_file() and TO_HTML.is_file() and shutil.which("java")):
        sys.exit("needs java, Saxon-HE (/usr/share/java/Saxon-HE.jar) and the TEI Stylesheets in " + str(TO_HTML))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "tei"
        source.mkdir()
        megabytes = sample(DATA / "fredracor" / "tei", args.plays, source)
        files = len(list(source.glob("*.xml")))
        print(f"{files} FreDraCor plays, {megabytes:.1f} MB, {os.cpu_count()} cores")
        saxon, teikit = [], []
        for number in range(args.rounds):
            saxon.append(run_saxon(source, Path(tmp) / f"saxon-{number}"))
            teikit.append(run_teikit(source, Path(tmp) / f"teikit-{number}", args.jobs))
            print(
                f"round {number + 1}: TEI Stylesheets on Saxon-HE {saxon[-1]:6.2f} s;"
                f" teikit HTML + text ({args.jobs} jobs) {teikit[-1]:6.2f} s"
            )
        best_saxon, best_teikit = min(saxon), min(teikit)
        print(
            f"best: Stylesheets {best_saxon:.2f} s ({megabytes / best_saxon:.1f} MB/s, HTML only);"
            f" teikit {best_teikit:.2f} s ({megabytes / best_teikit:.1f} MB/s, HTML + text);"
            f" teikit is {best_saxon / best_teikit:.1f}x faster"
        )


if __name__ == "__main__":
    main()

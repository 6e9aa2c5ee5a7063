"""Benchmark: render 1,000 TEI files to HTML and reading text, serially and in parallel.

Run by hand (it is not a test): .venv/bin/python tests/benchmarks/bench_render.py [--files N] [--jobs N]

The files are variants of teikit's edition, the tagged and feature fixtures and, when
../shared/tei/samples is there, Hamlet (drama, 580 kB) and Jerome (a novel, 145 kB): each copy
gets its own title so no two files are the same. Figures are files/s and MB/s of TEI read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from teikit.render import render_many, stylesheets  # noqa: E402

from conftest import FIXTURES, SAMPLES  # noqa: E402

# (source, share of the files)
MIX = [
    (REPO / "edition" / "workers-group-manifesto-1.xml", 0.45),
    (FIXTURES / "render" / "manifesto-tagged.xml", 0.25),
    (FIXTURES / "render" / "features.xml", 0.15),
    (SAMPLES / "ENG19011_Jerome.xml", 0.10),
    (SAMPLES / "hamlet.xml", 0.05),
]


def make_corpus(folder: Path, count: int) -> int:
    """Write ``count`` variants of the mix into ``folder``; return their total size in bytes."""
    sources = [(path.read_text(encoding="utf-8"), share) for path, share in MIX if path.is_file()]
    total_share = sum(share for _, share in sources)
    written = 0
    number = 0
    for text, share in sources:
        for _ in range(round(count * share / total_share)):
            number += 1
            if number > count:
                break
            variant = text.replace("<title", f"<!-- variant {number} --><title", 1)
            path = folder / f"tei-{number:04d}.xml"
            path.write_text(variant, encoding="utf-8")
            written += path.stat().st_size
    return written


def run(files: list[Path], out: Path, jobs: int, formats: tuple[str, ...]) -> float:
    started = time.perf_counter()
    report = render_many(files, out, formats=formats, jobs=jobs)
    assert not report.failures, report.failures[:3]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    started = time.perf_counter()
    for name in ("html.xsl", "text.xsl"):
        stylesheets.load(None, name)
    print(f"compiling the stylesheets: {time.perf_counter() - started:.3f} s (once per run)")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "tei"
        corpus.mkdir()
        size = make_corpus(corpus, args.files)
        files = sorted(corpus.glob("*.xml"))
        megabytes = size / 1e6
        print(f"{len(files)} files, {megabytes:.1f} MB of TEI, {os.cpu_count()} cores")
        print(f"{'formats':<10} {'jobs':>4} {'seconds':>8} {'files/s':>8} {'MB/s':>6}")
        for formats in (("html", "text"), ("html",), ("text",)):
            for jobs in sorted({1, args.jobs}):
                seconds = run(files, Path(tmp) / f"out-{jobs}", jobs, formats)
                print(
                    f"{'+'.join(formats):<10} {jobs:>4} {seconds:>8.2f} {len(files) / seconds:>8.1f} "
                    f"{megabytes / seconds:>6.2f}"
                )


if __name__ == "__main__":
    main()

"""Benchmark: does rendering and exporting cost what the input costs? teiCorpus files of 1, 2, 4 … 64 plays.

Run by hand (it is not a test), with nice on a shared machine:
    nice python tests/benchmarks/bench_render_scaling.py [--plays /work/data/fredracor/tei] [--max 64] [--big]

Builds teiCorpus files from the first 1, 2, 4 … N plays of the folder (sorted by name) whose markup density
(tags per kB) is within 10 % of the folder's median, so that the s/MB column measures the cost of size and not
of the mix (ids prefixed per member, see teicorpus.py), then for each one parses it, renders HTML and the
reading text and exports every format (each step timed alone, in this process, one core), and prints CPU
seconds per MB of TEI. Linear cost means a
flat column: the largest corpus's s/MB within 1.5x of the smallest's. With --big it also gathers plays up to
~50 MB (the size of a corpus project's dump) and renders and exports that, with its peak memory measured in
a child process (resource.getrusage), as a multiple of the file's size.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from teicorpus import write_corpus  # noqa: E402

from teikit.export import FORMATS, export_many  # noqa: E402
from teikit.render import render_html, render_text, stylesheets  # noqa: E402
from teikit.xmlio import parse_xml  # noqa: E402

DATA = Path(os.environ.get("TEIKIT_TEI_DATA", "/work/data"))


def timed(step, *args, **kwargs) -> float:
    started = time.process_time()
    step(*args, **kwargs)
    return time.process_time() - started


def measure(path: Path) -> dict[str, float]:
    """CPU seconds of each step on one file."""
    started = time.process_time()
    tree = parse_xml(path)
    seconds = {"parse": time.process_time() - started}
    seconds["html"] = timed(render_html, tree)
    seconds["text"] = timed(render_text, tree)
    seconds["export"] = timed(export_many, tree, sorted(FORMATS), "corpus", skip_unmet=True)
    return seconds


CHILD = """
import resource, sys, time
sys.path.insert(0, {src!r})
from teikit.render import render_html, render_text
from teikit.export import FORMATS, export_many
from teikit.xmlio import parse_xml
step, path = sys.argv[1], sys.argv[2]
started = time.process_time()
if step == "export":
    export_many(parse_xml(path), sorted(FORMATS), "corpus", skip_unmet=True)
else:
    (render_html if step == "html" else render_text)(parse_xml(path))
print(time.process_time() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def in_child(step: str, path: Path) -> tuple[float, float]:
    """(CPU seconds, peak resident bytes) of one step run alone in a fresh process (ru_maxrss is in KiB)."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(src=str(REPO / "src")), step, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]) * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plays", type=Path, default=DATA / "fredracor" / "tei")
    parser.add_argument("--max", type=int, default=64)
    parser.add_argument("--big", action="store_true", help="also the ~50 MB corpus (a few minutes)")
    args = parser.parse_args()
    plays = sorted(args.plays.glob("*.xml"))
    density = {play: play.read_bytes().count(b"<") / play.stat().st_size for play in plays}
    median = sorted(density.values())[len(density) // 2]
    typical = [play for play in plays if abs(density[play] - median) <= 0.1 * median]
    everything, plays = plays, typical
    if len(plays) < args.max:
        sys.exit(f"need {args.max} plays in {args.plays}")
    for name in ("html.xsl", "text.xsl"):
        stylesheets.load(None, name)
    print(
        f"{'plays':>5} {'MB':>6} "
        + " ".join(f"{s + ' s/MB':>12}" for s in ("parse", "html", "text", "export"))
        + f" {'total s/MB':>11}"
    )
    per_mb = []
    with tempfile.TemporaryDirectory() as tmp:
        count = 1
        while count <= args.max:
            path = Path(tmp) / f"corpus-{count}.xml"
            megabytes = write_corpus(plays[:count], path) / 1e6
            seconds = measure(path)
            total = sum(seconds.values()) / megabytes
            per_mb.append(total)
            print(
                f"{count:>5} {megabytes:>6.2f} "
                + " ".join(f"{seconds[s] / megabytes:>12.3f}" for s in seconds)
                + f" {total:>11.3f}"
            )
            count *= 2
        print(f"largest / smallest s/MB: {per_mb[-1] / per_mb[0]:.2f} (linear: within 1.5)")
        if args.big:
            chosen, size = [], 0
            for play in everything:
                if size > 49e6:
                    break
                chosen.append(play)
                size += play.stat().st_size
            path = Path(tmp) / "corpus-big.xml"
            size = write_corpus(chosen, path)
            megabytes = size / 1e6
            print(f"\n{len(chosen)} plays in one teiCorpus, {megabytes:.1f} MB; each step in a child process:")
            for step in ("html", "text", "export"):
                cpu, peak = in_child(step, path)
                print(
                    f"{step:>7}: {cpu:6.1f} s CPU ({megabytes / cpu:5.1f} MB/s), peak memory {peak / 1e6:6.0f} MB"
                    f" = {peak / size:4.1f} x the file (Python and teikit's imports included)"
                )


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()

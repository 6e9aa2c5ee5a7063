"""Benchmark: corpora beyond one machine — Dask against the process pool, memory and --changed-only at scale.

Two parts, each command a separate process (``python -m teikit`` from this checkout), timed by wall clock:

``cluster``  FreDraCor plays (``$TEIKIT_TEI_DATA/fredracor/tei/*.xml``, the first ``--plays`` of them) against
             tei_all: teikit in one process (-j 1) and its pool of 2 worker processes, a Dask LocalCluster
             of 1 and 2 workers (``--executor dask``), and the cluster's start alone (a run of one play).
             Throughput, the cluster's overhead (cluster time / local time at the same
             number of workers) and the speed-up from 1 to 2 workers. The grammar cache is warmed first.
``simulated`` ``--files`` small generated TEI files (in a temporary folder, removed after) against tei_all:
             the client's peak memory (max RSS, ``-j 1`` so that the client is the only process) at several
             sizes, with the text report; then a full ``--changed-only`` run (which fills the verdict cache),
             10 files touched, and the rerun.

    nice python tests/benchmarks/bench_scale.py cluster --plays 300
    nice python tests/benchmarks/bench_scale.py simulated --files 100000

Prints markdown. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("TEIKIT_TEI_DATA", "/work/data"))
TEI_ALL = Path("/work/shared/tei/tei_all.rng")
SMALL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n'
    "<teiHeader><fileDesc><titleStmt><title>Text {n}</title></titleStmt>"
    "<publicationStmt><p>Synthetic.</p></publicationStmt><sourceDesc><p>Generated.</p></sourceDesc>"
    "</fileDesc></teiHeader>\n<text><body>\n{body}</body></text>\n</TEI>\n"
)
WORDS = ["the", "workers", "group", "manifesto", "party", "comrades", "october", "revolution", "soviet", "power"]


def run(args: list[str]) -> tuple[float, int, int]:
    """(wall seconds, exit status, peak RSS in MB of the process itself and the children it waited for)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "teikit", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    process.stderr.close() if process.stderr else None
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"teikit {' '.join(args)} failed ({code}): {stderr[-2000:]}")
    return seconds, code, usage.ru_maxrss // 1024


def cluster(plays: int, repeat: int) -> None:
    sources = sorted((DATA / "fredracor" / "tei").glob("*.xml"))[:plays]
    if not sources:
        raise SystemExit("no FreDraCor plays found")
    size = sum(path.stat().st_size for path in sources) / 1e6
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        corpus = Path(folder) / "plays"
        corpus.mkdir()
        for source in sources:
            os.symlink(source, corpus / source.name)
        base = [
            "validate",
            str(corpus),
            "--tei-all",
            str(TEI_ALL),
            "--format",
            "json",
            "-o",
            str(Path(folder) / "report.json"),
            "-q",
        ]
        run([*base, "-j", "1"])  # warms the grammar cache
        cases = {
            "one process (-j 1)": ["-j", "1"],
            "pool, 2 jobs": ["-j", "2"],
            "Dask LocalCluster, 1 worker": ["-j", "1", "--executor", "dask"],
            "Dask LocalCluster, 2 workers": ["-j", "2", "--executor", "dask"],
        }
        times: dict[str, float] = {}
        start = ["validate", str(sources[0]), "--tei-all", str(TEI_ALL), "-q", "--executor", "dask", "-j", "2"]
        for _ in range(repeat):
            seconds, _, _ = run(start)
            times["Dask LocalCluster start, 2 workers (one play)"] = min(
                times.get("Dask LocalCluster start, 2 workers (one play)", seconds), seconds
            )
        for _ in range(repeat):  # the cases take turns, so that a change of load hits all of them
            for name, extra in cases.items():
                seconds, _, _ = run([*base, *extra])
                times[name] = min(times.get(name, seconds), seconds)
    start_seconds = times.pop("Dask LocalCluster start, 2 workers (one play)")
    print(f"{len(sources)} FreDraCor plays, {size:.1f} MB, against tei_all (best of {repeat}):\n")
    print("whole commands (process, imports and cluster start included):\n")
    print("| run | wall s | files/s | MB/s |\n|---|---:|---:|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {seconds:.1f} | {len(sources) / seconds:.1f} | {size / seconds:.2f} |")
    print(f"| `--executor dask -j 2` on one play (the cluster's start) | {start_seconds:.1f} | | |")
    one, two = times["one process (-j 1)"], times["pool, 2 jobs"]
    dask_one, dask_two = times["Dask LocalCluster, 1 worker"], times["Dask LocalCluster, 2 workers"]
    print(f"\nDask overhead (cluster time / local time): 1 worker {dask_one / one:.2f}, 2 workers {dask_two / two:.2f}")
    print(f"speed-up 1 → 2 workers: local {one / two:.2f}, Dask {dask_one / dask_two:.2f}")
    steady(sources, size, repeat)


def steady(sources: list[Path], size: float, repeat: int) -> None:
    """The same runs as a library call into a cluster (or pool) already started: the cost per file."""
    sys.path.insert(0, str(ROOT / "src"))
    import distributed

    from teikit.validate import load_schemas, validate_paths

    schemas = load_schemas(schemas=[TEI_ALL])
    expected = validate_paths(sources, schemas, jobs=1)
    times: dict[str, float] = {}

    def best(name: str, call) -> None:
        for _ in range(repeat):
            started = time.perf_counter()
            assert call() == expected
            seconds = time.perf_counter() - started
            times[name] = min(times.get(name, seconds), seconds)

    best("one process (jobs=1)", lambda: validate_paths(sources, schemas, jobs=1))
    best("pool, 2 jobs (its start included)", lambda: validate_paths(sources, schemas, jobs=2))
    for workers in (1, 2):
        with (
            distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                silence_logs=50,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            executor = client.get_executor()
            best(
                f"LocalCluster, {workers} worker{'s' if workers > 1 else ''} (started)",
                lambda: validate_paths(sources, schemas, executor=executor),
            )
    print("\nlibrary calls (validate_paths), the cluster already started, reports equal to jobs=1:\n")
    print("| run | s | files/s | MB/s | ms per file |\n|---|---:|---:|---:|---:|")
    for name, seconds in times.items():
        print(
            f"| {name} | {seconds:.2f} | {len(sources) / seconds:.1f} | {size / seconds:.2f} | "
            f"{1000 * seconds / len(sources):.2f} |"
        )
    one, dask_one = times["one process (jobs=1)"], times["LocalCluster, 1 worker (started)"]
    dask_two = times["LocalCluster, 2 workers (started)"]
    print(f"\nDask overhead at 1 worker {dask_one / one:.2f}; speed-up 1 → 2 workers {dask_one / dask_two:.2f}")


def make_corpus(folder: Path, count: int) -> list[Path]:
    rng = random.Random(17)
    files = []
    for n in range(count):
        paragraphs = "".join(
            f"<p>{' '.join(rng.choices(WORDS, k=rng.randint(5, 30)))}</p>\n" for _ in range(rng.randint(1, 4))
        )
        path = folder / f"d{n // 1000:03d}" / f"t{n:06d}.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SMALL.format(n=n, body=paragraphs))
        files.append(path)
    return files


def simulated(count: int, sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        root = Path(folder)
        files = make_corpus(root / "corpus", count)
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        print(f"{count} generated TEI files, {megabytes:.1f} MB, against tei_all\n")
        print("client peak memory (-j 1, text report):\n\n| files | wall s | max RSS MB |\n|---:|---:|---:|")
        for size in sizes:
            folders = [str(path) for path in sorted((root / "corpus").iterdir())[: max(1, size // 1000)]]
            seconds, _, rss = run(["validate", *folders, "--tei-all", str(TEI_ALL), "-j", "1", "-q"])
            print(f"| {size} | {seconds:.1f} | {rss} |")
        cache = root / "verdicts.json"
        base = [
            "validate",
            str(root / "corpus"),
            "--tei-all",
            str(TEI_ALL),
            "-q",
            "--changed-only",
            "--verdict-cache",
            str(cache),
        ]
        full, _, _ = run(base)
        for path in random.Random(3).sample(files, 10):
            path.write_text(path.read_text().replace("<p>", "<p>changed ", 1))
        rerun, _, _ = run(base)
        unchanged, _, _ = run(base)
        print(
            f"\n--changed-only: full run {full:.1f} s (fills the cache, {cache.stat().st_size / 1e6:.1f} MB); "
            f"10 files touched: {rerun:.2f} s ({100 * rerun / full:.2f} % of the full run); "
            f"nothing changed: {unchanged:.2f} s"
        )
        shutil.rmtree(root / "corpus")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    one = sub.add_parser("cluster")
    one.add_argument("--plays", type=int, default=1940)
    one.add_argument("--repeat", type=int, default=2)
    two = sub.add_parser("simulated")
    two.add_argument("--files", type=int, default=100_000)
    two.add_argument("--sizes", default="10000,30000,100000")
    args = parser.parse_args()
    if args.part == "cluster":
        cluster(args.plays, args.repeat)
    else:
        simulated(args.files, [int(size) for size in args.sizes.split(",") if int(size) <= args.files])


if __name__ == "__main__":
    main()

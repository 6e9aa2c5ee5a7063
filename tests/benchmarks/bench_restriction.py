"""Benchmark the grammar restriction: its size, its cost and the whole validation, before and after a change.

Run by hand (from the repository, with nice on a shared machine):

    nice .venv/bin/python tests/benchmarks/bench_restriction.py --tei-all ../shared/tei/tei_all.rng \\
        [--before /path/to/other/checkout/src] [--repeat 3]

For three sets of files (the committed edition; 1,000 FreDraCor plays; TEIC/TEI's Guidelines sources and
test files, under $TEIKIT_TEI_DATA, default /work/data) and for each source tree (this checkout's src and,
with --before, another one): the names in use, the restricted grammar's size (bytes of XML) and the time
to derive it, the time to compile it (in a child process, so that a crash is reported, not suffered), and
the whole `teikit validate --tei-all` command with an empty grammar cache (cold) and again (warm):
median wall seconds of --repeat runs, and the exit status (139 = killed by SIGSEGV).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("TEIKIT_TEI_DATA", "/work/data"))

DERIVE = r"""
import json, sys, time
from lxml import etree
from teikit import relaxng
from teikit.xmlio import parse_xml
schema, listing = sys.argv[1], sys.argv[2]
files = open(listing).read().split("\n")
names = frozenset().union(*(relaxng.element_names_in_file(f) for f in files))
tree = parse_xml(schema)
start = time.perf_counter()
if hasattr(relaxng, "restrict"):
    grammar = relaxng.restrict(tree, names, schema).grammar
else:
    grammar = relaxng.restrict_grammar(tree, names)
derive = time.perf_counter() - start
data = etree.tostring(grammar) if grammar is not None else b""
open(sys.argv[3], "wb").write(data)
print(json.dumps({"names": len(names), "bytes": len(data), "derive": derive}))
"""

COMPILE = r"""
import sys, time
from lxml import etree
start = time.perf_counter()
etree.RelaxNG(etree.parse(sys.argv[1]))
print(time.perf_counter() - start)
"""


def datasets() -> dict[str, list[Path]]:
    teic = DATA / "tei" / "P5"
    return {
        "edition": sorted((REPO / "edition").glob("*.xml")),
        "1,000 FreDraCor plays": sorted((DATA / "fredracor" / "tei").glob("*.xml"))[:1000],
        "104 TEIC/TEI sources": sorted((teic / "Source" / "Guidelines" / "en").glob("*.xml"))
        + sorted((teic / "Test").glob("*.xml")),
    }


def _run(src: Path, args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    environment = {**os.environ, "PYTHONPATH": str(src), **(env or {})}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=environment)
    return time.perf_counter() - start, done.returncode, done.stdout


def measure(src: Path, schema: Path, files: list[Path], repeat: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "files.txt"
        listing.write_text("\n".join(map(str, files)))
        grammar = Path(folder) / "restricted.rng"
        _, status, out = _run(src, ["-c", DERIVE, str(schema), str(listing), str(grammar)])
        result = json.loads(out) if status == 0 else {"derive-status": status}
        seconds, status, out = _run(src, ["-c", COMPILE, str(grammar)])
        result["compile"] = float(out) if status == 0 else f"exit {status}"
        command = ["-m", "teikit", "validate", "--quiet", "--tei-all", str(schema), *map(str, files)]
        for kind in ("cold", "warm"):
            times, statuses = [], set()
            for _ in range(repeat):
                cache = Path(folder) / "cache"
                if kind == "cold":
                    subprocess.run(["rm", "-rf", str(cache)], check=True)
                seconds, status, _ = _run(src, command, {"TEIKIT_CACHE_DIR": str(cache)})
                times.append(seconds)
                statuses.add(status)
            result[kind] = (statistics.median(times), sorted(statuses))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tei-all", type=Path, required=True)
    parser.add_argument("--before", type=Path, help="the src folder of the version to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    sources = {"after": REPO / "src"}
    if options.before:
        sources = {"before": options.before, **sources}
    print("| files | version | names | restricted grammar | derive | compile | validate, cold | validate, warm |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, files in datasets().items():
        if not files:
            continue
        for version, src in sources.items():
            r = measure(src, options.tei_all, files, options.repeat)
            compile_ = r["compile"] if isinstance(r["compile"], str) else f"{r['compile']:.2f} s"
            runs = [f"{r[k][0]:.2f} s (exit {', '.join(map(str, r[k][1]))})" for k in ("cold", "warm")]
            print(
                f"| {label} | {version} | {r.get('names', '?')} | {r.get('bytes', 0) / 1e6:.2f} MB | "
                f"{r.get('derive', 0):.2f} s | {compile_} | {runs[0]} | {runs[1]} |",
                flush=True,
            )


if __name__ == "__main__":
    main()

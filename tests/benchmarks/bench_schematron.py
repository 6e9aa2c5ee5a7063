"""Benchmark: tei_all's grammar alone, grammar + its 89 embedded Schematron checks, and today's alternative.

    python tests/benchmarks/bench_schematron.py --tei-all ../shared/tei/tei_all.rng \
        --plays /work/data/fredracor/tei --sizes 100 300 1000 --repeat 3

For each size N (the first N plays, sorted by name, linked into a temporary folder) it times whole
commands, process start included, wall seconds, median of --repeat runs (after one warm-up run that
fills teikit's caches):

* ``teikit validate --tei-all --no-schematron`` (the grammar alone);
* ``teikit validate --tei-all`` (the grammar and the embedded rules);
* the same with ``TEIKIT_SCHEMATRON_XPATH1=0``: every rule in Saxon, none in lxml;
* the alternative a user has today: ``jing`` for the grammar, then Saxon running the rules compiled
  to XSLT over every file. Saxon's command line is played by saxonche's own ``transform`` in one
  Python process (``PySaxonProcessor`` + ``compile_stylesheet`` once, ``transform_to_string`` per
  file: no JVM start per file, so the alternative is measured at its best), with the stylesheet
  teikit's compiler writes (the ISO skeleton would be slower, not faster: it walks every node once per
  pattern). Saxon parses each file itself there, as the command line does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ALTERNATIVE = r"""
import sys, saxonche
xslt = open(sys.argv[1], encoding="utf-8").read()
proc = saxonche.PySaxonProcessor(license=False)
executable = proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=xslt)
failures = 0
for path in sys.argv[2:]:
    output = executable.transform_to_string(xdm_node=proc.parse_xml(xml_file_name=path))
    failures += len([line for line in (output or "").split("\n") if line])
print(failures, "failures")
"""


def cpu_seconds(files: list[Path], tei_all: str, rules: bool) -> float:
    """CPU seconds of validating ``files`` in this process (one job): steadier than wall time on a busy machine."""
    from teikit.validate import load_schemas, validate_paths

    schemas = load_schemas(rng=[tei_all], schematron_rules=rules)
    validate_paths(files[:20], schemas, jobs=1)  # warm: grammar compiled, Saxon and lxml stylesheets ready
    start = time.process_time()
    validate_paths(files, schemas, jobs=1)
    return time.process_time() - start


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tei-all", default=str(REPO.parent / "shared" / "tei" / "tei_all.rng"))
    parser.add_argument("--plays", default="/work/data/fredracor/tei")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    plays = sorted(Path(args.plays).glob("*.xml"))
    sys.path.insert(0, str(REPO / "src"))
    from teikit.schematron import EmbeddedRules

    rules = EmbeddedRules.from_schema(args.tei_all)
    with tempfile.TemporaryDirectory() as tmp:
        xslt = Path(tmp) / "tei_all-rules.xsl"
        xslt.write_text(rules.compiled.xslt, encoding="utf-8")
        print(
            "| plays | MB | grammar alone | grammar + rules | ratio | rules all in Saxon | jing + Saxon "
            "| CPU: grammar / + rules (ratio) |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for size in args.sizes:
            folder = Path(tmp) / f"plays-{size}"
            folder.mkdir()
            chosen = plays[:size]
            for play in chosen:
                (folder / play.name).symlink_to(play)
            megabytes = sum(p.stat().st_size for p in chosen) / 1e6
            teikit = [sys.executable, "-m", "teikit", "validate", "--tei-all", args.tei_all, str(folder)]
            commands = {
                "grammar": [*teikit, "--no-schematron"],
                "rules": teikit,
            }
            alternative = (
                ["jing", args.tei_all, *map(str, chosen)],
                [sys.executable, "-c", ALTERNATIVE, str(xslt), *map(str, chosen)],
            )
            saxon_env = dict(env, TEIKIT_SCHEMATRON_XPATH1="0")
            for command in commands.values():
                timed(command, env)  # warm-up: caches filled
            times: dict[str, list[float]] = {name: [] for name in [*commands, "saxon", "alternative"]}
            for _ in range(args.repeat):
                for name, command in commands.items():
                    times[name].append(timed(command, env))
                times["saxon"].append(timed(teikit, saxon_env))
                times["alternative"].append(sum(timed(c, env) for c in alternative))
            median = {name: statistics.median(values) for name, values in times.items()}
            cpu_grammar = cpu_seconds(chosen, args.tei_all, rules=False)
            cpu_rules = cpu_seconds(chosen, args.tei_all, rules=True)
            print(
                f"| {size} | {megabytes:.0f} | {median['grammar']:.2f} | {median['rules']:.2f} | "
                f"{median['rules'] / median['grammar']:.2f} | {median['saxon']:.2f} | {median['alternative']:.2f} "
                f"| {cpu_grammar:.2f} / {cpu_rules:.2f} ({cpu_rules / cpu_grammar:.2f}) |",
                flush=True,
            )


if __name__ == "__main__":
    main()

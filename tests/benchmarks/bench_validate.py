"""Benchmark: `teikit validate` against jing, end to end, on the runs users make.

Three cases, all against the same official tei_all.rng's grammar (``--no-schematron``: jing does not run
its Schematron rules; bench_schematron.py measures those):
  1. one small file (a teikit edition);
  2. a folder of 1,000 files (synthetic TEI of varied shape, plus the real samples);
  3. one 50 MB file (Hamlet's body repeated, ids made unique).

teikit runs cold (empty grammar cache) and warm (cache filled by the cold run);
jing (Debian package `jing`) runs when it is on PATH, taking turns with teikit.
Each command runs as a separate process, timed by wall clock, the median of
--repeat runs; its peak memory (max RSS) comes from os.wait4 (the largest of the
process and the worker processes it waited for). Every file is parsed into a tree
and validated there by lxml. The corpus is generated in a temporary folder
outside the repository. teikit runs from this checkout (``python -m teikit`` with
``src`` on PYTHONPATH), so it needs no installation.

    python tests/benchmarks/bench_validate.py [--tei-dir ../shared/tei] [--repeat 3] [--jobs N]

Prints a markdown table. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SMALL_FILE = ROOT / "tests" / "fixtures" / "validate" / "valid" / "edition.xml"

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n'
    "<teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt>"
    "<publicationStmt><p>Synthetic benchmark file.</p></publicationStmt>"
    "<sourceDesc><p>Generated.</p></sourceDesc></fileDesc></teiHeader>\n<text><body>\n"
)
FOOTER = "</body></text>\n</TEI>\n"
WORDS = [
    "the",
    "workers",
    "group",
    "manifesto",
    "party",
    "comrades",
    "october",
    "revolution",
    "soviet",
    "power",
    "council",
]


def synthetic_document(rng: random.Random, index: int) -> str:
    """A valid TEI document whose shape varies with the seed: prose, lists, verse, drama, names, dates."""
    parts = []
    for section in range(rng.randint(2, 8)):

        def words(n: int) -> str:
            return " ".join(rng.choice(WORDS) for _ in range(n))

        kind = rng.choice(["prose", "list", "verse", "drama", "names"])
        parts.append(f'<div type="section" n="{section + 1}"><head>{words(3)}</head>')
        if kind == "prose":
            parts.extend(f"<p>{words(40)} <hi rend='italic'>{words(2)}</hi> {words(20)}</p>" for _ in range(4))
        elif kind == "list":
            items = "".join(f"<item>{words(8)}</item>" for _ in range(6))
            parts.append(f"<list rend='bulleted'>{items}</list>")
        elif kind == "verse":
            lines = "".join(f"<l n='{n}'>{words(7)}</l>" for n in range(1, 9))
            parts.append(f"<lg type='stanza'>{lines}</lg>")
        elif kind == "drama":
            parts.append(f"<sp><speaker>{words(1)}</speaker><p>{words(25)}</p></sp><stage>{words(5)}</stage>")
        else:
            parts.append(
                f"<p><persName>{words(2)}</persName> met <orgName>{words(2)}</orgName> in "
                f"<placeName>{words(1)}</placeName> on "
                f"<date when='1923-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}'>"
                f"{words(2)}</date>.</p>"
            )
        parts.append("</div>\n")
    return HEADER.format(title=f"Synthetic {index}") + "".join(parts) + FOOTER


def make_corpus(folder: Path, samples: Path, count: int = 1000) -> None:
    rng = random.Random(1923)
    folder.mkdir(parents=True)
    reals = sorted(samples.glob("hamlet.xml")) if samples.is_dir() else []
    for real in reals:
        shutil.copy(real, folder / real.name)
    for index in range(count - len(reals)):
        sub = folder / f"vol{index % 10:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc{index:04d}.xml").write_text(synthetic_document(rng, index), encoding="utf-8")


def make_big_file(target: Path, samples: Path, megabytes: int = 50) -> None:
    """Hamlet's body repeated until the file reaches ``megabytes``; every copy's xml:ids get a suffix."""
    hamlet = samples / "hamlet.xml"
    if hamlet.is_file():
        tree = etree.parse(str(hamlet), etree.XMLParser(resolve_entities=False, no_network=True))
        body = tree.getroot().find(f"{{{TEI}}}text/{{{TEI}}}body")
        chunk_tree = etree.fromstring(etree.tostring(body))
        originals = [(e, e.get(XML_ID)) for e in chunk_tree.iter() if isinstance(e.tag, str) and e.get(XML_ID)]
        for element, _ in originals:
            del element.attrib[XML_ID]
        template = etree.tostring(chunk_tree, encoding="unicode")
        children = list(body)
        for child in children:
            body.remove(child)
        head = etree.tostring(tree, encoding="unicode").split("<body")[0]
        with open(target, "w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + head + "<body>\n")
            size, copy = 0, 0
            inner = template[template.index(">") + 1 : template.rindex("</")]
            while size < megabytes * 1_000_000:
                block = f'<div type="copy" n="{copy}">{inner}</div>\n'
                out.write(block)
                size += len(block.encode())
                copy += 1
            out.write("</body></text></TEI>\n")
        return
    rng = random.Random(50)
    with open(target, "w", encoding="utf-8") as out:
        text = synthetic_document(rng, 0)
        out.write(text[: text.index("</body>")])
        while out.tell() < megabytes * 1_000_000:
            part = synthetic_document(rng, 1)
            out.write(part[part.index("<body>") + 6 : part.index("</body>")])
        out.write(FOOTER)


@dataclass(frozen=True)
class Run:
    """One command run: wall seconds, peak memory (max RSS, MB) and exit code."""

    seconds: float
    megabytes: float
    code: int


def run_once(command: list[str], env: dict) -> Run:
    """Run a command as its own process; os.wait4 gives that process's own peak memory."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(elapsed, usage.ru_maxrss / 1024, process.returncode)


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), statistics.median(r.megabytes for r in runs), runs[-1].code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tei-dir", default=str(ROOT / ".." / "shared" / "tei"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    tei_dir = Path(args.tei_dir).resolve()
    tei_all = tei_dir / "tei_all.rng"
    if not tei_all.is_file():
        sys.exit(f"no tei_all.rng in {tei_dir}")
    teikit = [sys.executable, "-m", "teikit"]  # this checkout's teikit (src/ on PYTHONPATH, below)
    jing = shutil.which("jing")
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []

    with tempfile.TemporaryDirectory(prefix="teikit-bench-") as temp:
        temp = Path(temp)
        corpus, big = temp / "corpus", temp / "big.xml"
        make_corpus(corpus, tei_dir / "samples")
        make_big_file(big, tei_dir / "samples")
        cases = [
            ("one small file (7 KB)", [str(SMALL_FILE)], [str(SMALL_FILE)]),
            ("1,000 files (folder)", [str(corpus)], [str(p) for p in sorted(corpus.rglob("*.xml"))]),
            (f"one {big.stat().st_size / 1e6:.0f} MB file", [str(big)], [str(big)]),
        ]
        rows = []
        for label, teikit_paths, jing_paths in cases:
            cache = temp / f"cache-{len(rows)}"
            env = dict(os.environ, TEIKIT_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT / "src"))
            # --no-schematron: the grammar only, what jing checks (tei_all's Schematron rules: bench_schematron.py).
            command = [
                *teikit,
                "validate",
                "--tei-all",
                str(tei_all),
                "--no-schematron",
                *jobs,
                "--quiet",
                *teikit_paths,
            ]
            cold = run_once(command, env)  # only the first run is cold (empty grammar cache)
            # teikit and jing take turns, so that load from elsewhere on the machine hits both alike.
            warm, by_jing = [], []
            for _ in range(args.repeat):
                warm.append(run_once(command, env))
                if jing:
                    by_jing.append(run_once([jing, str(tei_all), *jing_paths], dict(os.environ)))
            rows.append((label, cold, median_run(warm), median_run(by_jing) if by_jing else None))
        full_command = [
            *teikit,
            "validate",
            "--tei-all",
            str(tei_all),
            "--no-schematron",
            "--full-grammar",
            "--quiet",
            str(SMALL_FILE),
        ]
        full = run_once(full_command, dict(os.environ, PYTHONPATH=str(ROOT / "src")))
        load = os.getloadavg()[0]

    print(f"\ntei_all.rng, {os.cpu_count()} cores, median of {args.repeat} runs (cold: 1 run), wall seconds")
    print(f"(load average at the end: {load:.2f})\n")
    print("| run | teikit, cold cache | teikit, warm cache | jing | peak memory, teikit / jing |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, cold, warm, by_jing in rows:
        jing_cell = f"{by_jing.seconds:.2f}" if by_jing else "(no jing)"
        memory = f"{warm.megabytes:.0f} MB / " + (f"{by_jing.megabytes:.0f} MB" if by_jing else "-")
        print(f"| {label} | {cold.seconds:.2f} | {warm.seconds:.2f} | {jing_cell} | {memory} |")
    print(f"\nteikit --full-grammar (no restriction), one small file: {full.seconds:.2f} s")
    codes = [(cold.code, warm.code, by_jing.code if by_jing else None) for _, cold, warm, by_jing in rows]
    print("exit codes (teikit cold, warm; jing):", codes, full.code)


if __name__ == "__main__":
    main()

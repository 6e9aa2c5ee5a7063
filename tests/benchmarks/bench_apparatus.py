"""Benchmark: how the apparatus criticus's cost grows with the number of variants.

Run by hand (it is not a test): PYTHONPATH=src .venv/bin/python tests/benchmarks/bench_apparatus.py [--sizes 500,1000]

Each document is N verse lines with one app each (a lemma and two readings from a listWit
of three witnesses). Timed: the page and the reading text as teikit renders them (the
entries numbered in Python, teikit.render.prepare) and with number_apparatus=False (the
stylesheet's own xsl:number, which walks every preceding node for each app). Median of 3.
"""

from __future__ import annotations

import argparse
import statistics
import time

from teikit.render import render_html, render_text
from teikit.xmlio import parse_xml_bytes


def document(lines: int) -> bytes:
    apps = "".join(
        f'<l n="{i}">word {i} <app><lem wit="#A">alpha{i}</lem><rdg wit="#B #C">beta{i}</rdg>'
        f'<rdg wit="#C"/></app> end</l>'
        for i in range(1, lines + 1)
    )
    return (
        f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>'
        f'<sourceDesc><listWit><witness xml:id="A">Codex A</witness><witness xml:id="B">Codex B</witness>'
        f'<witness xml:id="C">Codex C</witness></listWit></sourceDesc></fileDesc></teiHeader>'
        f"<text><body><div><lg>{apps}</lg></div></body></text></TEI>"
    ).encode()


def median_seconds(call, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,4000", help="numbers of apps, comma-separated")
    args = parser.parse_args()
    print("| apps | html | html, xsl:number | text | text, xsl:number |")
    print("|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        tree = parse_xml_bytes(document(size))
        cells = [
            median_seconds(lambda: render(tree, **options))
            for render in (render_html, render_text)
            for options in ({}, {"number_apparatus": False})
        ]
        print(f"| {size:,} | " + " | ".join(f"{c:.2f} s" for c in cells) + " |")


if __name__ == "__main__":
    main()

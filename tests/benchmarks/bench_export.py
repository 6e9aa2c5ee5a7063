"""Benchmark (run by hand, prints figures): reading TEI for export and writing every format.

    .venv/bin/python tests/benchmarks/bench_export.py [TEI_FILE...]

Without arguments it measures the tagged fixture and the shared samples (hamlet, Jerome) when present.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from teikit.export import FORMATS, get_format, unmet_need
from teikit.export.occurrences import extract
from teikit.xmlio import parse_xml

REPO = Path(__file__).resolve().parents[2]
DEFAULT = [
    REPO / "tests" / "fixtures" / "export" / "tagged-manifesto.xml",
    REPO.parent / "shared" / "tei" / "samples" / "hamlet.xml",
    REPO.parent / "shared" / "tei" / "samples" / "ENG19011_Jerome.xml",
]


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main(paths: list[Path]) -> None:
    for path in paths:
        if not path.is_file():
            print(f"{path}: not found, skipped")
            continue
        tree = parse_xml(path)
        extracted = extract(tree, path.stem)
        print(
            f"{path.name}: {path.stat().st_size / 1e3:.0f} kB, {len(extracted.blocks)} blocks, "
            f"{len(extracted.occurrences)} occurrences, {len(extracted.register)} entities"
        )
        print(f"  parse      {best_of(5, lambda: parse_xml(path)) * 1e3:8.1f} ms")
        print(f"  extract    {best_of(5, lambda: extract(tree, path.stem)) * 1e3:8.1f} ms")
        for name in sorted(FORMATS):
            exporter = get_format(name)
            if unmet_need(extracted, exporter) is not None:
                print(f"  {name:<10} (needs {exporter.needs})")
                continue
            size = sum(len(data) for data in exporter.render(extracted).values())
            seconds = best_of(5, lambda exporter=exporter: exporter.render(extracted))
            print(f"  {name:<10} {seconds * 1e3:8.1f} ms  {size / 1e3:8.1f} kB")


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]] or DEFAULT)

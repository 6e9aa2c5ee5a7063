"""Benchmark the whole conversion, stage by stage: read, tag (names and dates), TEI, serialise.

Run by hand:  .venv/bin/python tests/benchmarks/bench_convert.py [--forms 10000] [--megabytes 10]
A synthetic register of --forms name forms and a synthetic text of --megabytes in the seed's style
(title, headings, paragraphs with names and dates sprinkled in, footnotes); prints seconds and MB/s per
stage (best of --repeat runs) and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_names import synthetic_register, synthetic_text  # noqa: E402

from teikit.edition import default_edition  # noqa: E402
from teikit.read import check_notes, decode, read_document  # noqa: E402
from teikit.register import parse_register  # noqa: E402
from teikit.tag.document import tag_document  # noqa: E402
from teikit.tag.names import NameMatcher  # noqa: E402
from teikit.tei import build_tei  # noqa: E402
from teikit.xmlio import serialize  # noqa: E402

DATES = ["in 1921", "summer of 1923", "August-September 1923", "16 November 1945", "the late 20s", "1921-22"]


def seed_style_text(rng: random.Random, forms: list[str], megabytes: float) -> str:
    paragraphs = synthetic_text(rng, forms, megabytes)
    out = ["A Synthetic Edition", ""]
    notes = 0
    for index, paragraph in enumerate(paragraphs):
        if index % 25 == 0:
            out += [f"Section {index // 25 + 1}", ""]
        words = paragraph.split(" ")
        words.insert(rng.randint(0, len(words)), rng.choice(DATES))
        if rng.random() < 0.05:
            notes += 1
            words[-1] += f"[{notes}]"
        out += [" ".join(words), ""]
    for n in range(1, notes + 1):
        out += [f"[{n}]. A note on the text.", ""]
    return "\n".join(out) + "\n"


def best(repeat: int, work):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(1923)
    register_text, forms = synthetic_register(rng, args.forms)
    text = seed_style_text(rng, forms, args.megabytes)
    data = text.encode("utf-8")
    megabytes = len(data) / 1e6
    edition = default_edition(Path("synthetic.txt"))
    seconds, register = best(1, lambda: parse_register(register_text, "synthetic.toml"))
    print(f"register: {len(register)} entities, {args.forms} forms, loaded in {seconds:.2f} s")
    seconds, matcher = best(1, lambda: NameMatcher(register))
    print(f"matcher built in {seconds:.2f} s")
    print(f"text: {megabytes:.1f} MB")

    def read():
        document = read_document(decode(data, "synthetic.txt"), edition, "synthetic.txt")
        check_notes(document)
        return document

    rows = []
    seconds, document = best(args.repeat, read)
    rows.append(("read (decode, blocks, inline, structure, notes)", seconds))
    seconds, tagged = best(args.repeat, lambda: tag_document(document, edition, matcher))
    rows.append(("tag (names and dates)", seconds))
    seconds, tree = best(args.repeat, lambda: build_tei(tagged.document, edition))
    rows.append(("TEI tree", seconds))
    seconds, _ = best(args.repeat, lambda: serialize(tree))
    rows.append(("serialise", seconds))
    rows.append(("all stages", sum(s for _, s in rows)))
    print("\n| stage | seconds | MB/s |\n|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {megabytes / seconds:.1f} |")
    spans = sum(
        len(getattr(getattr(b, "content", None), "spans", ())) for part in tagged.document.parts() for b in part[1]
    )
    print(f"\nnames used: {len(tagged.used_ids)}; top-level spans: {spans}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

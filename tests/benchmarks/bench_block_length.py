"""Benchmark conversion against the length of one block: the time per MB must stay flat.

Run by hand:  .venv/bin/python tests/benchmarks/bench_block_length.py [--sizes 0.01,0.1,1,10] [--shape all]
Each text is a title and ONE paragraph of the given size, in one of three shapes:

- ``wrapped``: hard-wrapped at 70 columns, no blank line (a scanned or e-mailed text: every line an ``lb``);
- ``dates``: one line of prose dense with dates (about one date every five words: a ``date`` element each);
- ``quoted``: one line with quotations and footnote references (the quotation rule sees every earlier span).

It prints, per shape and size, the seconds of each stage (read, tag, TEI, serialise; best of --repeat) and
the seconds per MB of the whole: a cost linear in the block length gives the same figure at every size.
Names are tagged with the seed's register (some of its names are among the words).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from teikit.convert import register_and_matcher  # noqa: E402
from teikit.edition import default_edition  # noqa: E402
from teikit.read import check_notes, decode, read_document  # noqa: E402
from teikit.tag.document import tag_document  # noqa: E402
from teikit.tei import build_tei  # noqa: E402
from teikit.xmlio import serialize  # noqa: E402

SEED_REGISTER = Path(__file__).resolve().parents[2] / "seeds" / "register.toml"
PROSE = (
    "the workers of the party said that at the congress a line was drawn between the opposition and the "
    "apparatus which had grown Lenin Trotsky Myasnikov Kollontai the Workers' Group Russia Moscow"
)
WORDS = PROSE.split(" ")
DATES = [
    "in 1921",
    "the summer of 1923",
    "August-September 1923",
    "16 November 1945",
    "the late 20s",
    "1921-22",
    "March 1917",
    "early 1924",
]


def _words(rng: random.Random, size: int, date_share: float):
    total = 0
    while total < size:
        word = rng.choice(DATES) if rng.random() < date_share else rng.choice(WORDS)
        total += len(word) + 1
        yield word


def wrapped(rng: random.Random, size: int) -> str:
    lines, line, width = [], [], 0
    for word in _words(rng, size, 0.02):
        line.append(word)
        width += len(word) + 1
        if width > 70:
            lines.append(" ".join(line))
            line, width = [], 0
    lines.append(" ".join(line))
    return "\n".join(lines) + "."


def dates(rng: random.Random, size: int) -> str:
    return " ".join(_words(rng, size, 0.2)) + "."


def quoted(rng: random.Random, size: int) -> tuple[str, int]:
    out, notes = [], 0
    for index, word in enumerate(_words(rng, size, 0.02)):
        if index % 12 == 0:
            word = f"“{word}”"
        if index % 200 == 199:
            notes += 1
            word += f"[{notes}]"
        out.append(word)
    return " ".join(out) + ".", notes


def text_of(shape: str, size: int) -> str:
    rng = random.Random(size)
    if shape == "quoted":
        paragraph, notes = quoted(rng, size)
        return "A Title\n\n" + paragraph + "\n\n" + "".join(f"[{n}]. A note.\n\n" for n in range(1, notes + 1))
    paragraph = wrapped(rng, size) if shape == "wrapped" else dates(rng, size)
    return f"A Title\n\n{paragraph}\n"


def best(repeat: int, work):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def measure(shape: str, megabytes: float, repeat: int) -> dict[str, float]:
    data = text_of(shape, int(megabytes * 1_000_000)).encode("utf-8")
    edition = default_edition(Path("bench.txt"))
    seconds: dict[str, float] = {}
    seconds["read"], document = best(repeat, lambda: read_document(decode(data), edition, "bench.txt"))
    check_notes(document)
    _, matcher = register_and_matcher(SEED_REGISTER)  # the seed's register: names are tagged too
    seconds["tag"], tagged = best(repeat, lambda: tag_document(document, edition, matcher))
    seconds["tei"], tree = best(repeat, lambda: build_tei(tagged.document, edition))
    seconds["serialise"], _ = best(repeat, lambda: serialize(tree))
    seconds["MB"] = len(data) / 1e6
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.01,0.1,1,10", help="block sizes in MB, comma-separated")
    parser.add_argument("--shape", default="all", choices=["all", "wrapped", "dates", "quoted"])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    shapes = ["wrapped", "dates", "quoted"] if args.shape == "all" else [args.shape]
    print(f"{'shape':<8} {'MB':>6} {'read':>7} {'tag':>7} {'tei':>7} {'ser.':>7} {'total s':>8} {'s per MB':>9}")
    for shape in shapes:
        for size in (float(s) for s in args.sizes.split(",")):
            r = measure(shape, size, args.repeat)
            total = r["read"] + r["tag"] + r["tei"] + r["serialise"]
            print(
                f"{shape:<8} {r['MB']:>6.2f} {r['read']:>7.3f} {r['tag']:>7.3f} {r['tei']:>7.3f} "
                f"{r['serialise']:>7.3f} {total:>8.3f} {total / r['MB']:>9.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

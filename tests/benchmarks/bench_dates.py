"""Time find_dates on ~10 MB of English-like text with dates sprinkled in; prints MB/s.

Run by hand: python tests/benchmarks/bench_dates.py [--megabytes N] [--repeat N]
The text is made from the seed's own words (so its letters, digits and capitals are
those of a real article), with date phrases and look-alikes ("1200 workers", "the 13th
Congress") between sentences. It is timed twice: with a date phrase after one sentence
in ten and after one in two (the seed's own years come along with its words, so even the
sparse text has about twice the seed's 0.8 dates per KB).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from pathlib import Path

from teikit.tag.dates import find_dates

SEED = Path(__file__).resolve().parents[2] / "seeds" / "workers-group-manifesto-1.txt"

DATE_PHRASES = (
    "in 1918", "in October 1923", "by August-September 1923", "in the summer of 1923",
    "on 16 November 1945", "from 1923 to 1927", "in the late 20s", "in early 1922",
    "until the beginning of 1930", "in the 1920s", "(1921-22)", "in the nineteenth century",
    "on November 16, 1945", "between 1923 and 1927", "in mid-October 1923", "in winter 1917-18",
)  # fmt: skip
NON_DATES = (
    "1200 workers", "the 13th Congress", "Part 1", "200 or so", "an 8 hour working day",
    "the last 15-20 years", "1,200", "after October", "in the summer", "n°s. 8 and 9",
)  # fmt: skip


def synthetic_text(megabytes: float, date_chance: float, seed: int = 1923) -> str:
    """English-like text of about ``megabytes`` MB built from the seed article's words.

    Each sentence is followed by a date phrase with probability ``date_chance``.
    """
    words = re.findall(r"\S+", SEED.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    pieces: list[str] = []
    size = 0
    while size < target:
        sentence = " ".join(rng.choices(words, k=rng.randint(8, 30)))
        if rng.random() < date_chance:
            sentence += " " + rng.choice(DATE_PHRASES)
        if rng.random() < date_chance / 2:
            sentence += " " + rng.choice(NON_DATES)
        paragraph_end = "\n\n" if rng.random() < 0.15 else " "
        piece = sentence + "." + paragraph_end
        pieces.append(piece)
        size += len(piece.encode("utf-8"))
    return "".join(pieces)


def time_find_dates(text: str, repeat: int) -> tuple[list[float], int]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        found = find_dates(text)
        timings.append(time.perf_counter() - started)
    return timings, len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    seed_text = SEED.read_text(encoding="utf-8")
    seed_density = len(find_dates(seed_text)) / (len(seed_text.encode("utf-8")) / 1000)
    print(f"seed: {seed_density:.2f} dates per KB")
    for label, date_chance in (("sparse", 0.1), ("dense", 0.5)):
        text = synthetic_text(args.megabytes, date_chance)
        megabytes = len(text.encode("utf-8")) / 1_000_000
        timings, count = time_find_dates(text, args.repeat)
        best, median = min(timings), statistics.median(timings)
        print(
            f"{label}: {megabytes:.1f} MB, {count / (megabytes * 1000):.2f} dates per KB; find_dates "
            f"best {best:.2f} s ({megabytes / best:.1f} MB/s), median {median:.2f} s of {args.repeat}"
        )


if __name__ == "__main__":
    main()

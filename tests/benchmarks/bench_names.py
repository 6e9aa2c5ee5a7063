"""Benchmark the name matcher: a synthetic 10,000-form register over a synthetic 10 MB text.

Run by hand:  .venv/bin/python tests/benchmarks/bench_names.py [--forms 10000] [--megabytes 10]
Prints the register load time, the matcher build time, the throughput (whole text in one call, and
paragraph by paragraph as the tagger calls it; the best of --repeat runs), the number of matches and
the peak memory (RSS of the whole process).
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from teikit.register import parse_register
from teikit.tag.names import NameMatcher

SYLLABLES = "ba be bo da de di ka ko lu ma me mi na no ra re ri sa so ta to va vi za zo".split()  # noqa: SIM905
CONNECTORS = ["of the", "de", "von", "of"]
ENGLISH = (  # noqa: SIM905
    "the of and to in a is that for it as was with be by on not he this are or his from at which but have an "
    "they you were her she there been one all we their has would when if so no will more other into its our "
    "party workers group state power class revolution struggle congress committee central opposition soviet "
    "against between within without under after before during economic political social question proletariat "
    "bureaucracy capital crisis wages production industry peasants army trade union masses leadership line"
).split()


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def synthetic_register(rng: random.Random, form_count: int) -> tuple[str, list[str]]:
    """TOML text of a register with ``form_count`` distinct forms, and the list of those forms."""
    seen: set[str] = set()
    forms: list[str] = []
    entries = {"person": [], "org": [], "place": []}
    number = 0
    while len(forms) < form_count:
        entity_type = rng.choice(list(entries))
        entity_forms = []
        for _ in range(rng.randint(1, 3)):
            words = [pseudo_word(rng) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.15:
                words.insert(rng.randint(1, len(words)), rng.choice(CONNECTORS))
            if rng.random() < 0.05:
                words[0] += "'s"
            text = " ".join(words)
            if text.casefold() not in seen and len(forms) < form_count:
                seen.add(text.casefold())
                entity_forms.append(text)
                forms.append(text)
        if entity_forms:
            number += 1
            entries[entity_type].append((f"e{number:06d}", entity_forms))
    lines = ["format = 1"]
    for entity_type, items in entries.items():
        for entity_id, entity_forms in sorted(items):
            quoted = ", ".join('"' + form.replace('"', '\\"') + '"' for form in entity_forms)
            lines += [
                "",
                f"[[{entity_type}]]",
                f'id = "{entity_id}"',
                f'name = "{entity_forms[0]}"',
                f"forms = [{quoted}]",
                'description = "synthetic"',
            ]
    return "\n".join(lines) + "\n", forms


def synthetic_text(rng: random.Random, forms: list[str], megabytes: float) -> list[str]:
    """Paragraphs of English-like text, about one name per 40 words, with typographic variants."""
    target = int(megabytes * 1_000_000)
    paragraphs, size = [], 0
    while size < target:
        sentences = []
        for _ in range(rng.randint(3, 8)):
            words = [rng.choice(ENGLISH) for _ in range(rng.randint(8, 24))]
            if rng.random() < 0.5:
                name = rng.choice(forms)
                if rng.random() < 0.2:
                    name = name.replace("'", "\u2019").replace(" ", "\u00a0", 1)
                words.insert(rng.randrange(len(words)), name + rng.choice(["", "", "'s", ",", ""]))
            words[0] = words[0].capitalize()
            sentences.append(" ".join(words) + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return paragraphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1923)
    parser.add_argument("--repeat", type=int, default=3, help="runs of find; the fastest is reported")
    options = parser.parse_args()

    rng = random.Random(options.seed)
    toml_text, forms = synthetic_register(rng, options.forms)
    paragraphs = synthetic_text(rng, forms, options.megabytes)
    text = "\n\n".join(paragraphs)
    megabytes = len(text.encode("utf-8")) / 1_000_000
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    began = time.perf_counter()
    register = parse_register(toml_text, "<synthetic>")
    loaded = time.perf_counter()
    matcher = NameMatcher(register)
    built = time.perf_counter()
    print(f"register: {len(register)} entities, {matcher.form_count} forms, TOML {len(toml_text) / 1e6:.2f} MB")
    print(f"load_register (parse + checks):  {loaded - began:.2f} s")
    print(f"NameMatcher build:               {built - loaded:.2f} s")

    def best_of(run) -> tuple[float, float, int]:
        """Fastest wall and CPU time of --repeat runs (other processes only ever slow a run down)."""
        walls, cpus, result = [], [], 0
        for _ in range(options.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            result = run()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        return min(walls), min(cpus), result

    for label, run in (
        ("whole text in one call", lambda: len(matcher.find(text))),
        (f"{len(paragraphs)} paragraphs", lambda: sum(len(matcher.find(p)) for p in paragraphs)),
    ):
        wall, cpu, count = best_of(run)
        print(
            f"find, {label + ':':24} {megabytes:.1f} MB in {wall:.2f} s = {megabytes / wall:.1f} MB/s"
            f" (CPU {cpu:.2f} s = {megabytes / cpu:.1f} MB/s), {count} matches"
        )

    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {rss_after / 1024:.0f} MB (text and register generated before: {rss_before / 1024:.0f} MB)")


if __name__ == "__main__":
    main()

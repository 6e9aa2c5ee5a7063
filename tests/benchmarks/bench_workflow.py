"""Benchmark the new-text workflow: empty register, accept `teikit suggest`'s proposals as they are, convert.

Run by hand:  PYTHONPATH=src .venv/bin/python tests/benchmarks/bench_workflow.py [--no-gazetteer] [-v]

The texts are tests/fixtures/workflow/*.annotated.txt: ICC-style histories of Russian opposition groups
(written for this benchmark, not the seed), with the gold annotation inline as {{surface|type:key}}. For
each text, in a fresh folder: the plain text (markup removed); an empty register ("format = 1"); the edition
file from `teikit suggest --furniture`; `teikit suggest --toml >> register.toml`; `teikit convert`. Then:

- right: gold person/org/place mentions tagged with exactly that span, the gold type, and a ref that is the
  one entry of its gold entity (the ref most of the entity's mentions have, and no other entity's);
- extra: tagged names that are no gold mention (false positives);
- typed: register lines the editor typed (0: everything was appended by suggest);
- then the proposals marked UNSURE are fixed as an editor would, using the gold (the type line corrected,
  or the entry removed when it names nothing), counting each edited line, and the text is converted again.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from teikit.cli import cli
from teikit.convert import convert
from teikit.model import Closer, ListBlock, walk

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workflow"
MARK = re.compile(r"\{\{(?P<surface>[^|{}]+)\|(?P<type>person|org|place):(?P<key>[\w-]+)\}\}")
ELEMENT_TYPES = {"persName": "person", "orgName": "org", "placeName": "place"}


def gold_of(annotated: str) -> tuple[str, list[tuple[int, str, int, str, str]]]:
    """The plain text and its gold mentions: (line, surface, nth on the line, type, entity key)."""
    plain_lines, gold = [], []
    for number, line in enumerate(annotated.split("\n"), start=1):
        plain, last = "", 0
        for match in MARK.finditer(line):
            plain += line[last : match.start()]
            surface = match.group("surface")
            nth = plain.count(surface) + 1
            plain += surface
            gold.append((number, surface, nth, match.group("type"), match.group("key")))
            last = match.end()
        plain_lines.append(plain + line[last:])
    return "\n".join(plain_lines), gold


def tagged_of(document) -> list[tuple[int, str, int, str, str]]:
    """The names the converter tagged: (line, surface, nth on the line, type, ref)."""
    found = []
    texts = []
    if document.title is not None:
        texts.append((document.title.line, document.title.content))
    for block in walk((*document.front, *document.body, *document.back)):
        if isinstance(block, ListBlock):
            texts.extend((item.line, item.content) for item in block.items)
        elif isinstance(block, Closer):
            continue  # its slogans are walked as blocks
        elif getattr(block, "content", None) is not None:
            texts.append((block.line, block.content))
    for first_line, content in texts:
        for span in content.spans:
            if span.tag not in ELEMENT_TYPES:
                continue
            before = content.text[: span.start]
            line = first_line + before.count("\n")
            on_line = before[before.rfind("\n") + 1 :]
            surface = content.text[span.start : span.end]
            found.append((line, surface, on_line.count(surface) + 1, ELEMENT_TYPES[span.tag], span.attr("ref")))
    return found


def score(gold, tagged) -> tuple[int, int, list]:
    """(right, extra, misses) of the tagged names against the gold."""
    by_place = {(line, surface, nth): (kind, ref) for line, surface, nth, kind, ref in tagged}
    refs: dict[str, Counter] = {}
    for line, surface, nth, kind, key in gold:
        hit = by_place.get((line, surface, nth))
        if hit is not None and hit[0] == kind:
            refs.setdefault(key, Counter())[hit[1]] += 1
    owner = {key: counts.most_common(1)[0][0] for key, counts in refs.items()}
    shared = Counter(owner.values())
    right, misses = 0, []
    for line, surface, nth, kind, key in gold:
        hit = by_place.get((line, surface, nth))
        if hit is not None and hit[0] == kind and hit[1] == owner.get(key) and shared[hit[1]] == 1:
            right += 1
        else:
            misses.append((line, surface, kind, hit))
    gold_places = {(line, surface, nth) for line, surface, nth, _, _ in gold}
    extra = sum(1 for line, surface, nth, _, _ in tagged if (line, surface, nth) not in gold_places)
    return right, extra, misses


def fix_unsure(register: Path, gold) -> int:
    """Fix the proposals marked UNSURE as an editor would (from the gold); return the lines edited."""
    gold_type = {surface: kind for _, surface, _, kind, _ in gold}
    text = register.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=# suggest: )", text)
    edited = 0
    kept = []
    for block in blocks:
        header = re.search(r"(?m)^\[\[(person|org|place)\]\]$", block)
        if not block.startswith("# suggest: ") or "UNSURE" not in block.split("\n", 1)[0] or header is None:
            kept.append(block)
            continue
        name = re.search(r'(?m)^name = "(.*)"$', block).group(1)
        forms = re.findall(r'"([^"]+)"', re.search(r"(?m)^forms = \[(.*)\]$", block).group(1))
        wanted = next((gold_type[form] for form in [name, *forms] if form in gold_type), None)
        if wanted is None:  # it names nothing: the editor deletes the entry (its lines, not typing)
            edited += 1
            continue
        if wanted != header.group(1):
            block = block.replace(header.group(0), f"[[{wanted}]]")
            edited += 1
        kept.append(block)
    register.write_text("".join(kept), encoding="utf-8")
    return edited


def run(annotated: Path, gazetteer: bool, verbose: bool) -> dict:
    plain, gold = gold_of(annotated.read_text(encoding="utf-8"))
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        source = folder_path / annotated.name.replace(".annotated", "")
        source.write_text(plain, encoding="utf-8")
        register = folder_path / "register.toml"
        register.write_text("format = 1\n", encoding="utf-8")
        started = time.perf_counter()
        edition = runner.invoke(cli, ["suggest", str(source), "--furniture"], catch_exceptions=False)
        source.with_suffix(".toml").write_text(edition.stdout, encoding="utf-8")
        args = ["suggest", str(source), "--toml", *(["--no-gazetteer"] if not gazetteer else [])]
        proposals = runner.invoke(cli, args, catch_exceptions=False)
        assert proposals.exit_code == 0, proposals.output
        with register.open("a", encoding="utf-8") as handle:
            handle.write("\n" + proposals.stdout)
        seconds = time.perf_counter() - started
        unsure = proposals.stdout.count("UNSURE")
        entries = len(re.findall(r"(?m)^\[\[(?:person|org|place)\]\]$", proposals.stdout))
        first = convert(source)
        right, extra, misses = score(gold, tagged_of(first.document))
        edited = fix_unsure(register, gold)
        second = convert(source)
        right_fixed, extra_fixed, misses_fixed = score(gold, tagged_of(second.document))
        if verbose:
            for miss in misses_fixed:
                print("   miss after fixing:", miss, file=sys.stderr)
    return dict(
        text=source.name,
        gold=len(gold),
        entries=entries,
        unsure=unsure,
        right=right,
        extra=extra,
        edited=edited,
        right_fixed=right_fixed,
        extra_fixed=extra_fixed,
        seconds=seconds,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-gazetteer", action="store_true", help="type places without GeoNames")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the gold mentions still missed")
    args = parser.parse_args()
    rows = [run(path, not args.no_gazetteer, args.verbose) for path in sorted(FIXTURES.glob("*.annotated.txt"))]
    print(
        f"{'text':<28} {'gold':>4} {'entries':>7} {'unsure':>6} {'right':>11} {'extra':>5} {'typed':>5}"
        f" {'edited':>6} {'right after fix':>15} {'extra':>5} {'suggest s':>9}"
    )
    for row in rows + [_total(rows)]:
        share = row["right"] / row["gold"]
        fixed = row["right_fixed"] / row["gold"]
        print(
            f"{row['text']:<28} {row['gold']:>4} {row['entries']:>7} {row['unsure']:>6} "
            f"{row['right']:>4} {share:>6.1%} {row['extra']:>5} {0:>5} {row['edited']:>6} "
            f"{row['right_fixed']:>4} {fixed:>10.1%} {row['extra_fixed']:>5} {row['seconds']:>9.2f}"
        )


def _total(rows: list[dict]) -> dict:
    total = {key: sum(row[key] for row in rows) for key in rows[0] if key != "text"}
    return {"text": "all", **total}


if __name__ == "__main__":
    main()

"""Mine contexts of the ambiguous families from real text, for labelling (tests/data/context/).

    python benchmarks/mine_contexts.py --per-corpus 2500 --take 90 --out /tmp/contexts.jsonl

Every corpus of ``benchmarks/evaluate_real.py`` is read in place from ../shared/data (nothing is copied
but a short window around each hit). Documents the labelled real sample (``tests/data/real_sample/``)
refers to are left out, and so is any window that is a near-duplicate of one of its snippets: the real
sample stays for evaluation only. Every document is checked **as a company post** (``kind=post``) so
every family's rules fire whatever the corpus's natural voice: the label says what the words do, the
voice stage decides separately who is judged.

From every hit whose rule belongs to a family of ``rules/context.yaml`` (findings and context-dropped
hits alike) it keeps ``window`` characters on each side, then draws at most ``--take`` per
(corpus, family) with a fixed seed, one hit per (family, hit text, 8 characters each side) so repeats
of one phrase do not crowd the draw.

``--voice public`` checks each document as its corpus speaks (Weibo posts as mentions, reviews as reviews),
so the public-voice priors and cues apply, leaves out the documents of ``public_voice.jsonl`` too, and marks
each context ``"voice": "public"`` for labelling by the public's standard (docs/context-guideline.md §1b).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from evaluate_real import CORPORA, DEFAULT_DATA, load_labels  # noqa: E402

import contentguard  # noqa: E402

SEED = 20261207
WINDOW = 20


def shingles(text: str, n: int = 4) -> set[str]:
    return {text[i:i + n] for i in range(max(1, len(text) - n + 1))}


def near_duplicate(a: set[str], b: set[str], threshold: float = 0.5) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= threshold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--per-corpus", type=int, default=2500, help="documents read per corpus (seeded sample)")
    parser.add_argument("--take", type=int, default=90, help="contexts drawn per (corpus, family)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--exclude", action="append", default=[],
                        help="a labelled JSONL whose contexts (corpus, line, start) are not drawn again")
    parser.add_argument("--round", default="", help="a salt for the seeds, so a second draw reads other documents")
    parser.add_argument("--voice", choices=("company", "public"), default="company",
                        help="company (default): every document checked as a company post; public: as its corpus "
                             "speaks (Weibo posts as mentions, reviews as reviews), and each context records the voice")
    parser.add_argument("--corpus", action="append", default=[], help="only this corpus (repeatable)")
    parser.add_argument("--family", action="append", default=[], help="only this context family (repeatable)")
    parser.add_argument("--hold", action="append", default=[],
                        help="a JSONL of judged findings (corpus, line) whose documents are not read (repeatable)")
    args = parser.parse_args(argv)
    guard = contentguard.load()
    stage = guard._context  # the family of each rule, as the engine decides it
    held = [*load_labels("sample.jsonl"), *load_labels("recall_ad_copy.jsonl")]
    if args.voice == "public":  # the public-voice evaluation samples stay out as well
        held += load_labels("public_voice.jsonl")
    for name in args.hold:
        with open(name, encoding="utf-8") as handle:
            held += [json.loads(line) for line in handle if line.strip()]
    held_lines = {(r["corpus"], r["line"]) for r in held}
    held_shingles = [shingles(r["snippet"]) for r in held if "snippet" in r]
    done = set()
    for name in args.exclude:
        with open(name, encoding="utf-8") as handle:
            done |= {(r["corpus"], r["line"], r["start"]) for r in map(json.loads, filter(str.strip, handle))}
    drawn: list[dict] = []
    for corpus in CORPORA:
        if args.corpus and corpus.name not in args.corpus:
            continue
        path = Path(args.data) / corpus.path
        if not path.is_file():
            print(f"{corpus.name}: {path} missing, skipped", file=sys.stderr)
            continue
        rows = [row for row in corpus.read(path) if (corpus.name, row[0]) not in held_lines]
        rng = random.Random(f"{SEED}{args.round}:{corpus.name}")
        if len(rows) > args.per_corpus:
            rows = rng.sample(rows, args.per_corpus)
        kind = corpus.kind if args.voice == "public" else "post"
        docs = [contentguard.Document(id=f"{corpus.name}:{line}", kind=kind,
                                      **({"title": text, "body": ""} if corpus.field == "title" else {"body": text}))
                for line, text in rows]
        by_family: dict[str, list[dict]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for (line, text), report in zip(rows, guard.check_batch(docs, workers=1), strict=True):
            for finding in (*report.findings, *report.context_dropped):
                family = stage.family_of(finding.rule_id)
                if family is None or (args.family and family not in args.family):
                    continue
                low = max(0, finding.start - WINDOW)
                window = text[low:finding.end + WINDOW]
                key = (family, text[max(0, finding.start - 8):finding.end + 8])
                if key in seen or (corpus.name, line, finding.start) in done:
                    continue
                seen.add(key)
                grams = shingles(window)
                if any(near_duplicate(grams, other) for other in held_shingles):
                    continue
                by_family[family].append({
                    "corpus": corpus.name, "line": line, "rule_id": finding.rule_id, "family": family,
                    "hit": finding.text, "start": finding.start, "end": finding.end,
                    "window": window, "offset": finding.start - low,
                    "cue_score": finding.context.score if finding.context else None,
                    **({"voice": "public"} if args.voice == "public" else {}),
                })
        for family, hits in sorted(by_family.items()):
            pick = random.Random(f"{SEED}{args.round}:{corpus.name}:{family}").sample(hits, min(args.take, len(hits)))
            drawn.extend(sorted(pick, key=lambda h: (h["line"], h["start"])))
            print(f"{corpus.name:18} {family:20} {len(hits):5} hits, drew {len(pick)}", file=sys.stderr)
    with open(args.out, "w", encoding="utf-8") as handle:
        for record in drawn:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(drawn)} contexts to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Mine abuse findings in the public's voice from real text no earlier sample judged (#11, aimed).

Usage (from the repository root):

    python benchmarks/mine_public_abuse.py --out /tmp/pool.jsonl     # every abuse finding, kept or dropped

The pool is text no cue, model or earlier labelled sample was drawn from:

- ``smp_weibo``: the Weibo posts of SMP2020-EWECT (``sentiment/smp2020-ewect/*.json``, ``content``), as
  mentions (the public's voice);
- ``shopping_rest``: the reviews of ``sentiment/online_shopping_10_cats.csv`` that ``evaluate_real.py
  --limit 12000`` does not select (its seed-8 sample is where ``public_voice.jsonl`` was drawn from), as reviews.

Each record: corpus, line (SMP: file name and index; CSV: the reader's line number), rule, span, match, a
snippet of 30 characters each side, whether the engine kept or dropped it, and the sentence the model
gate scores. Seeded samples for labelling are drawn from this pool with ``random.Random(seed)``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

import contentguard

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate_real import DEFAULT_DATA, SEED, snippet  # noqa: E402


def smp_weibo(data: Path) -> list[tuple[str, str]]:
    rows = []
    for path in sorted((data / "sentiment" / "smp2020-ewect").glob("*.json")):
        for i, item in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            text = (item.get("content") or "").strip()
            if text:
                rows.append((f"{path.name}:{i}", text))
    return rows


def shopping_rest(data: Path, limit: int = 12000) -> list[tuple[str, str]]:
    rows = []
    with (data / "sentiment" / "online_shopping_10_cats.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            text = row.get("review") or ""
            if text.strip():
                rows.append((reader.line_num, text.lstrip("\ufeff")))
    chosen = set(random.Random(f"{SEED}:shopping_reviews").sample(range(len(rows)), limit))
    return [(str(line), text) for i, (line, text) in enumerate(rows) if i not in chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    data = Path(args.data)
    guard = contentguard.load()
    out = []
    sources = (("smp_weibo", "mention", smp_weibo(data)), ("shopping_rest", "review", shopping_rest(data)))
    for corpus, kind, rows in sources:
        documents = (contentguard.Document(id=f"{corpus}:{line}", kind=kind, body=text) for line, text in rows)
        reports = guard.check_batch(documents, workers=args.workers)
        for (line, text), report in zip(rows, reports, strict=True):
            for state, findings in (("kept", report.findings), ("dropped", report.context_dropped)):
                for f in findings:
                    if f.category.split(".", 1)[0] != "abuse":
                        continue
                    window, offset = snippet(text, f.start, f.end)
                    out.append({"corpus": corpus, "line": line, "rule_id": f.rule_id, "start": f.start, "end": f.end,
                                "match": f.text, "snippet": window, "offset": offset, "state": state,
                                "confidence": f.confidence})
        found = sum(r["corpus"] == corpus for r in out)
        print(f"{corpus}: {len(rows)} documents, {found} abuse findings", file=sys.stderr)
    with open(args.out, "w", encoding="utf-8") as handle:
        for record in out:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the default packs over real Chinese text that nobody on this project wrote, and measure.

Usage (from the repository root):

    python benchmarks/evaluate_real.py                    # every corpus found under ../shared/data
    python benchmarks/evaluate_real.py --data DIR --limit 3000 --corpus ad_copy --corpus headlines
    python benchmarks/evaluate_real.py --draw 40 --out new_sample.jsonl   # draw hits to label (seeded)
    python benchmarks/evaluate_real.py --corpus weibo --draw 50 --draw-category abuse --seed 21 --out abuse.jsonl
    python benchmarks/evaluate_real.py --corpus headlines --kind headlines=post   # the titles as a company's own posts

Per corpus it prints the flag rate by category and by rule, the review and block rates, how many
hits the context stage dropped or sent to review, and the precision of findings on the labelled
sample in ``tests/data/real_sample/`` (see its README): *before* is the share of sampled hits judged
correct (the sample was drawn from the ruleset before the context work, so every sampled hit was a
finding then); *after* is the same share among the sampled hits that are still findings now.
Advertising-law recall on ad copy comes from ``recall_ad_copy.jsonl``: every violation in a seeded
sample of ads, marked by hand.

Who speaks in each corpus (``Document.kind``), decided from where the text comes from:

| corpus | file | kind, field | why |
|---|---|---|---|
| ad_copy | realtext/ad_copy.jsonl | post, body | e-commerce copy the seller publishes: the company's voice |
| app_descriptions | realtext/app_descriptions.jsonl | post, body | the publisher describes its own app |
| headlines | realtext/headlines.tsv | news, title | a news outlet's own titles (THUCNews, from sina.com.cn news): the press's voice, judged for clickbait, not as advertising |
| weibo | realtext/weibo2018_train.txt | mention, body | posts by members of the public (and other accounts) |
| shopping_reviews | sentiment/online_shopping_10_cats.csv | review, body | customers' reviews |
| waimai_reviews | sentiment/waimai_10k.csv | review, body | customers' delivery reviews |
| cold_comments | abuse/cold/dev.csv | comment, body | social-media comments on race, gender, region |

Corpora larger than ``--limit`` are sampled with a fixed seed; the documents the labelled sample
refers to are always included. Data sets stay outside the project: a missing file is named and skipped.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import contentguard
from contentguard.document import Kind

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared/data beside the repository (a worktree one level deeper looks one level further up).
DEFAULT_DATA = next((p for p in (REPO_ROOT.parent / "shared" / "data", REPO_ROOT.parent.parent / "shared" / "data")
                     if p.is_dir()), REPO_ROOT.parent / "shared" / "data")
SAMPLE_DIR = REPO_ROOT / "tests" / "data" / "real_sample"
SEED = 8
WINDOW = 30  # characters kept on each side of a hit in a labelled snippet


def _jsonl(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle.read().split("\n"), start=1):
            if line.strip():
                yield number, json.loads(line)["text"]


def _headlines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if number > 1 and line.strip():
                yield number, line.rstrip("\n").split("\t")[0]


def _weibo(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.rstrip("\n").split(",", 2)  # the text holds commas and is not CSV-quoted
            if len(parts) == 3:
                yield number, parts[2]


def _csv_column(column: str) -> Callable[[Path], Iterator[tuple[int, str]]]:
    def read(path: Path) -> Iterator[tuple[int, str]]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                text = row.get(column) or ""
                if text.strip():
                    yield reader.line_num, text.lstrip("\ufeff")
    return read


@dataclass(frozen=True)
class Corpus:
    name: str
    path: str
    kind: str
    field: str
    read: Callable[[Path], Iterator[tuple[int, str]]]
    family: str  # the kind of real text, as the targets name it


CORPORA = (
    Corpus("ad_copy", "realtext/ad_copy.jsonl", "post", "body", _jsonl, "ad copy"),
    Corpus("app_descriptions", "realtext/app_descriptions.jsonl", "post", "body", _jsonl, "app descriptions"),
    Corpus("headlines", "realtext/headlines.tsv", "news", "title", _headlines, "headlines"),
    Corpus("weibo", "realtext/weibo2018_train.txt", "mention", "body", _weibo, "Weibo posts"),
    Corpus("shopping_reviews", "sentiment/online_shopping_10_cats.csv", "review", "body", _csv_column("review"),
           "reviews"),
    Corpus("waimai_reviews", "sentiment/waimai_10k.csv", "review", "body", _csv_column("review"), "reviews"),
    Corpus("cold_comments", "abuse/cold/dev.csv", "comment", "body", _csv_column("TEXT"), "comments"),
)


def document(corpus: Corpus, line: int, text: str, kind: str | None = None) -> contentguard.Document:
    fields = {"title": text, "body": ""} if corpus.field == "title" else {"body": text}
    return contentguard.Document(id=f"{corpus.name}:{line}", kind=kind or corpus.kind,  # type: ignore[arg-type]
                                 **fields)


def load_labels(name: str) -> list[dict]:
    path = SAMPLE_DIR / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def select(corpus: Corpus, rows: list[tuple[int, str]], limit: int, keep: set[int]) -> list[tuple[int, str]]:
    if len(rows) <= limit:
        return rows
    chosen = set(random.Random(f"{SEED}:{corpus.name}").sample(range(len(rows)), limit))
    return [row for i, row in enumerate(rows) if i in chosen or row[0] in keep]


def snippet(text: str, start: int, end: int) -> tuple[str, int]:
    """The window of text around a hit, and the hit's offset inside it."""
    low = max(0, start - WINDOW)
    return text[low:end + WINDOW], start - low


def run(args: argparse.Namespace) -> int:
    guard = contentguard.load()
    labels = load_labels("sample.jsonl")
    recall_labels = load_labels("recall_ad_copy.jsonl")
    wanted = set(args.corpus or [c.name for c in CORPORA])
    kinds = dict(args.kind or [])
    draws: list[dict] = []
    overall: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for corpus in CORPORA:
        if corpus.name not in wanted:
            continue
        path = Path(args.data) / corpus.path
        if not path.is_file():
            print(f"== {corpus.name}: {path} is missing; skipped (see the corpus table in --help)\n")
            continue
        rows = list(corpus.read(path))
        texts = dict(rows)
        keep = {r["line"] for r in [*labels, *recall_labels] if r["corpus"] == corpus.name}
        rows = select(corpus, rows, args.limit, keep)
        kind = kinds.get(corpus.name, corpus.kind)
        reports = list(guard.check_batch((document(corpus, line, text, kind) for line, text in rows),
                                         workers=args.workers))
        by_category: Counter[str] = Counter()
        by_rule: Counter[str] = Counter()
        decisions: Counter[str] = Counter(r.decision for r in reports)
        contexts: Counter[str] = Counter()
        reported: set[tuple[int, str, int, int]] = set()
        hits: list[dict] = []
        for (line, text), report in zip(rows, reports, strict=True):
            by_category.update({f.category.split(".", 1)[0] for f in report.findings})
            for finding in report.findings:
                by_rule[finding.rule_id] += 1
                reported.add((line, finding.rule_id, finding.start, finding.end))
                if finding.context is not None:
                    contexts[finding.context.label] += 1
                window, offset = snippet(text, finding.start, finding.end)
                hits.append({"corpus": corpus.name, "line": line, "field": finding.field,
                             "rule_id": finding.rule_id, "category": finding.category, "start": finding.start, "end": finding.end,
                             "match": finding.text, "snippet": window, "offset": offset})
            for dropped in report.context_dropped:
                contexts[f"dropped:{dropped.context.label if dropped.context else '?'}"] += 1
        n = len(reports)
        flagged = sum(1 for r in reports if r.findings)
        print(f"== {corpus.name} ({corpus.family}; kind={kind}, {corpus.field}): {n} documents "
              f"of {len(texts)}")
        print(f"flagged {flagged / n:.1%} ({flagged})  review {decisions['review'] / n:.1%}  "
              f"blocked {decisions['block'] / n:.2%} ({decisions['block']})")
        print("by category: " + ", ".join(f"{c} {k / n:.1%}" for c, k in by_category.most_common()) or "-")
        print("by rule:     " + ", ".join(f"{rid} {k}" for rid, k in by_rule.most_common(args.top)) or "-")
        if contexts:
            print("context:     " + ", ".join(f"{label} {k}" for label, k in contexts.most_common()))
        mine = [r for r in labels if r["corpus"] == corpus.name]
        if mine:
            before = sum(r["label"] == "y" for r in mine) / len(mine)
            still = [r for r in mine if (r["line"], r["rule_id"], r["start"], r["end"]) in reported]
            after = sum(r["label"] == "y" for r in still) / len(still) if still else float("nan")
            lost = sum(r["label"] == "y" for r in mine) - sum(r["label"] == "y" for r in still)
            print(f"precision (labelled sample of {len(mine)} hits): before {before:.2f}  after {after:.2f} "
                  f"on the {len(still)} still reported  (correct hits lost: {lost})")
            overall[corpus.family][0] += sum(r["label"] == "y" for r in still)
            overall[corpus.family][1] += len(still)
        mine = [r for r in recall_labels if r["corpus"] == corpus.name]
        if mine:
            found = 0
            spans = defaultdict(list)
            for line, rule_id, start, end in reported:
                if rule_id.startswith("advertising/"):
                    spans[line].append((start, end))
            for record in mine:
                found += any(s < record["end"] and record["start"] < e for s, e in spans[record["line"]])
            print(f"advertising-law recall (hand-marked violations in {len({r['line'] for r in mine})} ads): "
                  f"{found / len(mine):.2f} ({found}/{len(mine)})")
        print()
        if args.draw and hits:
            if args.draw_category:  # only findings of these top-level categories (abuse, sensitive …)
                hits = [h for h in hits if h["category"].split(".", 1)[0] in args.draw_category]
            seed = SEED if args.seed is None else args.seed
            rng = random.Random(f"{seed}:draw:{corpus.name}")
            draws.extend(rng.sample(hits, min(args.draw, len(hits))))
    if overall:
        print("precision after, by kind of text: " + ", ".join(
            f"{family} {ok / total:.2f} ({ok}/{total})" for family, (ok, total) in overall.items() if total))
    if args.draw:
        out = Path(args.out)
        with out.open("w", encoding="utf-8") as handle:
            for record in draws:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"wrote {len(draws)} hits to label to {out}")
    return 0


def _corpus_kind(value: str) -> tuple[str, str]:
    name, _, kind = value.partition("=")
    kinds = list(get_args(Kind))
    if name not in [c.name for c in CORPORA] or kind not in kinds:
        raise argparse.ArgumentTypeError(
            f"{value!r}: want CORPUS=KIND with a corpus of {[c.name for c in CORPORA]} and a kind of {kinds}")
    return name, kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder (default ../shared/data)")
    parser.add_argument("--corpus", action="append", choices=[c.name for c in CORPORA], help="only these corpora")
    parser.add_argument("--limit", type=int, default=4000, help="documents per corpus at most (seeded sample)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--top", type=int, default=12, help="rules shown per corpus")
    parser.add_argument("--draw", type=int, default=0, help="draw this many hits per corpus to label (seeded)")
    parser.add_argument("--draw-category", action="append", metavar="CATEGORY",
                        help="draw only findings of this top-level category (repeatable: abuse, sensitive …)")
    parser.add_argument("--seed", type=int, default=None,
                        help=f"seed of the draw (default {SEED}); use a new one to judge a fresh sample")
    parser.add_argument("--kind", action="append", type=_corpus_kind, metavar="CORPUS=KIND",
                        help="file a corpus under another kind (headlines=post: the titles as a company's own "
                             "posts); repeatable")
    parser.add_argument("--out", default="real_sample_draw.jsonl")
    args = parser.parse_args(argv)
    if not Path(args.data).is_dir():
        print(f"error: the data folder {args.data} does not exist (give --data)", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

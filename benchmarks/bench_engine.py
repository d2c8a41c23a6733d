"""Speed and memory of the pipeline against jieba.lcut (HMM on), interleaved: A B A B …, medians.

    python benchmarks/bench_engine.py [--data ../shared/data/sentiment] [--docs 20000] [--rounds 3]
    python benchmarks/bench_engine.py --per-rule [--docs 3000] [--long 300] [--top 20]

Three sets of text from the reviews of ../shared/data/sentiment (see its SOURCE.md):
short (--docs reviews as they are), long (reviews joined into posts of about 600 characters) and
very long (documents of 50,000 characters). On each set, every round runs every system once, in turn
(jieba.lcut; check_batch with sentiment on and off, with 1 worker and with a warm pool of 2), so that a slower or busier
moment of a shared machine falls on all of them alike; the medians over the rounds and their ratios to
jieba.lcut are printed. Then cold start (import + load(), the sentiment model's load, `contentguard scan`
of one small file: medians of fresh processes) and the peak RSS of one worker.
Figures, not pass/fail: the targets live in the issues and the closing notes.

--per-rule prints, instead, where one worker's time goes with sentiment off, on the short and long sets: the
stages of the match step, then the costliest rules (each pattern of a pattern rule on its own, each combination,
each lexicon rule's candidates and every rule's exemption checks) and the context stage's families, with the
number of fields each ran on, in CPU seconds of this process. The search is the engine's own (the same gates
decide what runs); a context pattern shared by rules is charged to the first rule that searches it, as the
engine caches it. Each new rule's cost shows here.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "sentiment"


def read_reviews(folder: Path) -> list[str]:
    files = [folder / "online_shopping_10_cats.csv", folder / "waimai_10k.csv"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        sys.exit(f"bench_engine: review files not found: {', '.join(missing)}\n"
                 f"Pass --data DIR with online_shopping_10_cats.csv and waimai_10k.csv "
                 f"(SophonPlus/ChineseNlpCorpus).")
    reviews = []
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reviews.extend(row["review"] for row in csv.DictReader(handle) if row.get("review"))
    return reviews


def joined(reviews: list[str], length: int, count: int, start: int = 0) -> list[str]:
    """``count`` documents of about ``length`` characters, reviews joined in order."""
    documents, parts, size, i = [], [], 0, start
    while len(documents) < count:
        review = reviews[i % len(reviews)]
        i += 1
        parts.append(review)
        size += len(review)
        if size >= length:
            documents.append("".join(parts)[:length])
            parts, size = [], 0
    return documents


def megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds (the CPU figure is steadier on a busy shared machine; it
    leaves out the work of worker processes, so it is printed for the one-process systems only)."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def fresh_process_seconds(code: str, runs: int) -> list[float]:
    """Each run's printed figures (space separated) from a fresh interpreter."""
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        results.append([float(x) for x in out.split()])
    return [statistics.median(column) for column in zip(*results, strict=True)]


def cold_start(runs: int, sample: str) -> None:
    import_s, load_s = fresh_process_seconds(
        "import time; t0=time.perf_counter(); import contentguard; t1=time.perf_counter(); "
        "contentguard.load(); t2=time.perf_counter(); print(t1-t0, t2-t1)", runs)
    print(f"cold start (median of {runs} fresh processes): import contentguard {import_s:.3f} s + load() "
          f"{load_s:.3f} s = {import_s + load_s:.3f} s")
    model_s, first_s = fresh_process_seconds(
        "import time, contentguard; g=contentguard.load(); t0=time.perf_counter(); g._sentiment(); "
        "t1=time.perf_counter(); g.check('质量太差了，加微*信领取优惠'); t2=time.perf_counter(); print(t1-t0, t2-t1)",
        runs)
    print(f"  sentiment model load {model_s:.3f} s; first check() after it (jieba, lazy parts) {first_s:.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.txt"
        path.write_text(sample, encoding="utf-8")
        # The installed console script, as a user or the pre-commit hook runs it.
        script = Path(sys.executable).parent / "contentguard"
        command = [str(script)] if script.is_file() else [sys.executable, "-c",
                                                         "from contentguard.cli import main; main()"]
        walls = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([*command, "scan", str(path)], capture_output=True, check=False)
            walls.append(time.perf_counter() - start)
    print(f"  contentguard scan one-small-file.txt ({len(sample)} chars, default flags): median wall "
          f"{statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f})")


def peak_rss_one_worker(texts: list[str]) -> float:
    code = ("import resource, sys, contentguard; texts = sys.stdin.read().split('\\n'); g = contentguard.load(); "
            "sum(1 for _ in g.check_batch(texts, workers=1)); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], input="\n".join(t.replace("\n", " ") for t in texts),
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def per_rule_costs(guard, texts: list[str], top: int) -> None:
    """Where the match and context steps spend their time on ``texts`` (see --per-rule), one document at a time."""
    from contentguard.engine.match import _FieldScan, _leftmost_longest
    from contentguard.guard import _coerce
    from contentguard.packs import LexiconRule, PatternRule

    matcher, context = guard._matcher, guard._context
    stages: dict[str, float] = defaultdict(float)
    costs: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])  # item -> [seconds, fields it ran on]
    clock = time.process_time  # CPU seconds: steadier than wall time on a shared machine

    def charge(item: str, seconds: float) -> None:
        entry = costs[item]
        entry[0] += seconds
        entry[1] += 1

    total_start = clock()
    for item in texts:
        document, _ = _coerce(item)
        t0 = clock()
        fields = guard._normalized_fields(document)
        t1 = clock()
        scans = [_FieldScan(matcher, name, text, document.scope_of(name)) for name, text in fields]
        t2 = clock()
        stages["normalize"] += t1 - t0
        stages["field scan set-up (automaton, gates)"] += t2 - t1
        findings, errors = [], []
        for scan in scans:
            t0 = clock()
            to_run = scan.rules_that_may_match()
            stages["rules that may match (gate look-ups)"] += clock() - t0
            for compiled in to_run:
                rule = compiled.rule
                if not rule.enabled or scan.scope not in rule.scope:
                    continue
                if isinstance(rule, PatternRule):
                    candidates = []
                    positions = scan._patterns_to_run.get(compiled.index, [])
                    for position in positions:
                        scan._patterns_to_run[compiled.index] = [position]
                        t0 = clock()
                        candidates.extend(scan.pattern_candidates(compiled, errors))
                        seconds = clock() - t0
                        stages["pattern searches"] += seconds
                        charge(f"pattern  {rule.id} #{position}", seconds)
                    scan._patterns_to_run[compiled.index] = positions
                else:
                    t0 = clock()
                    if isinstance(rule, LexiconRule):
                        candidates = scan.lexicon_candidates(compiled)
                        kind = "lexicon"
                    else:
                        candidates = scan.combination_candidates(compiled, errors)
                        kind = "combination"
                    seconds = clock() - t0
                    stages[f"{kind} candidates"] += seconds
                    charge(f"{kind:8} {rule.id}", seconds)
                if not candidates:
                    continue
                t0 = clock()
                kept = [c for c in candidates if not scan.exempted(compiled, c, scans, errors)]
                found = [scan.to_finding(compiled, c) for c in _leftmost_longest(kept)]
                seconds = clock() - t0
                stages["exemptions and findings"] += seconds
                charge(f"exempt   {rule.id}", seconds)
                findings.extend(found)
        findings.sort(key=lambda f: (f.field != "title", f.start, f.end, f.rule_id))
        t0 = clock()
        context.decide(document, findings)
        seconds = clock() - t0
        stages["context stage"] += seconds
        if findings:
            families = sorted({context._family_of[f.rule_id].family.name for f in findings
                               if f.rule_id in context._family_of})
            for family in families:  # a document's context time, shared among the families it judged
                charge(f"context  {family}", seconds / len(families))
    total = clock() - total_start
    size = megabytes(texts)
    print(f"  {len(texts)} documents, {size:.2f} MB: match + context {total:.2f} s ({size / total:.2f} MB/s)")
    for name, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"    {name:40} {seconds:7.3f} s {100 * seconds / total:5.1f}%")
    print(f"  top {top} rules (seconds, share of match + context, fields run on, µs per field):")
    for item, (seconds, runs) in sorted(costs.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"    {item:58} {seconds:7.3f} s {100 * seconds / total:5.1f}% {runs:7} {1e6 * seconds / runs:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the review CSV files")
    parser.add_argument("--docs", type=int, default=20000, help="short documents (reviews)")
    parser.add_argument("--long", type=int, default=2000, help="documents of about 600 characters")
    parser.add_argument("--very-long", type=int, default=10, help="documents of 50,000 characters")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per set")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes for each cold-start figure")
    parser.add_argument("--skip-cold", action="store_true", help="throughput only")
    parser.add_argument("--per-rule", action="store_true", help="the cost of each stage and rule, not throughput")
    parser.add_argument("--top", type=int, default=20, help="rules listed by --per-rule")
    args = parser.parse_args()

    import jieba

    import contentguard

    reviews = read_reviews(args.data)
    rng = random.Random(7)
    rng.shuffle(reviews)
    sets = {
        "short": reviews[: args.docs],
        "long": joined(reviews, 600, args.long, start=args.docs),
        "very long": joined(reviews, 50_000, args.very_long),
    }
    sets = {name: texts for name, texts in sets.items() if texts}
    for name, texts in sets.items():
        print(f"{name:9}: {len(texts):6} documents, mean {statistics.mean(map(len, texts)):7.0f} chars, "
              f"{megabytes(texts):.2f} MB")

    if args.per_rule:
        guard = contentguard.load(config={"sentiment": "off"})
        for texts in sets.values():
            list(guard.check_batch(texts))  # warm: jieba dictionary, every pattern these texts compile
        for name, texts in sets.items():
            print(f"\n{name}:")
            per_rule_costs(guard, texts, args.top)
        return

    jieba.setLogLevel(60)
    jieba.initialize()
    guards = {sentiment: contentguard.load(config={"sentiment": sentiment}) for sentiment in ("all", "off")}
    for guard in guards.values():
        list(guard.check_batch(sets["short"][:200]))  # warm: jieba dictionary, sentiment model

    # The 2-worker figures use warm pools (Guard.pool): started here, once, with jieba and the models loaded
    # in each worker's initializer, and reused by every round, as a server or a long CLI run uses them.
    pools = {sentiment: guard.pool(2) for sentiment, guard in guards.items()}
    for pool in pools.values():
        sum(1 for _ in pool.check_batch(sets["short"][:2000]))  # every worker has had its first chunks

    def pipeline(sentiment: str, workers: int) -> Callable[[list[str]], object]:
        if workers > 1:
            return lambda texts: sum(1 for _ in pools[sentiment].check_batch(texts))
        return lambda texts: sum(1 for _ in guards[sentiment].check_batch(texts, workers=workers))

    systems: dict[str, Callable[[list[str]], object]] = {
        "jieba.lcut (HMM)": lambda texts: [jieba.lcut(t, HMM=True) for t in texts],
        "sentiment on, 1 worker": pipeline("all", 1),
        "sentiment off, 1 worker": pipeline("off", 1),
        "sentiment on, 2 workers": pipeline("all", 2),
        "sentiment off, 2 workers": pipeline("off", 2),
    }
    print(f"\nthroughput, MB/s: median of {args.rounds} interleaved rounds; ×jieba = ratio of the medians")
    for set_name, texts in sets.items():
        size = megabytes(texts)
        seconds: dict[str, list[float]] = defaultdict(list)
        cpu_seconds: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.rounds):
            for system, run in systems.items():
                wall, cpu = timed(lambda run=run, texts=texts: run(texts))
                seconds[system].append(wall)
                cpu_seconds[system].append(cpu)
        medians = {system: size / statistics.median(values) for system, values in seconds.items()}
        cpu_medians = {system: size / statistics.median(values) for system, values in cpu_seconds.items()}
        jieba_rate = medians["jieba.lcut (HMM)"]
        jieba_cpu_rate = cpu_medians["jieba.lcut (HMM)"]
        print(f"{set_name}:")
        for system, rate in medians.items():
            docs = len(texts) * rate / size
            cpu = "" if "2 workers" in system else \
                f"  CPU {cpu_medians[system]:6.2f} MB/s ×{cpu_medians[system] / jieba_cpu_rate:5.2f}"
            print(f"  {system:26} {rate:7.2f} MB/s {docs:9.0f} docs/s  ×{rate / jieba_rate:5.2f} jieba.lcut  "
                  f"(rounds: {', '.join(f'{size / s:.2f}' for s in seconds[system])}){cpu}")
        for sentiment in ("on", "off"):
            one, two = medians[f"sentiment {sentiment}, 1 worker"], medians[f"sentiment {sentiment}, 2 workers"]
            print(f"  2 workers / 1 worker, sentiment {sentiment}: {two / one:.2f}x")

    for pool in pools.values():
        pool.close()
    if not args.skip_cold:
        print()
        cold_start(args.cold_runs, "".join(reviews[:3])[:200])
    print(f"peak RSS, one worker over the short set: {peak_rss_one_worker(sets['short']):.0f} MB")


if __name__ == "__main__":
    main()

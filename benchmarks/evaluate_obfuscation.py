"""What the obfuscation views catch and what they cost, on the held-out cases and on real text.

    python benchmarks/evaluate_obfuscation.py                       # everything below
    python benchmarks/evaluate_obfuscation.py --skip-speed --show 20
    python benchmarks/evaluate_obfuscation.py --data ../shared/data/realtext --rounds 7

Prints, for the shipped packs loaded as they are ("views on") and with every pack's and rule's
``views`` opt-in removed ("views off"; number styles, noise and repeats are ruleset-wide and stay):

* recall on the obfuscated cases of ``tests/data/obfuscated.jsonl`` (a case counts as found when a
  finding of its expected category covers the expected text) and the false alarms on its clean traps;
* the share of real documents with at least one finding, on the news headlines and the Weibo posts
  of ``../shared/data/realtext`` (see its SOURCE.md): the false-alarm cost of the views on ordinary,
  often English-mixed writing, with the findings that only a view made (``--show N`` lists them);
* throughput of ``check_batch`` on the Weibo posts, views on and off interleaved, median of
  ``--rounds`` rounds (the machine is shared: medians, not single runs).

Figures, not pass/fail: the targets are in issue #9 and its closing note.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "realtext"
CASES = REPO / "tests" / "data" / "obfuscated.jsonl"


def read_headlines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t", 1)[0] for line in lines if line.strip()]


def read_weibo(path: Path) -> list[str]:
    # mid,label,text: split on the first two commas only (the text holds commas; see SOURCE.md).
    return [line.split(",", 2)[2] for line in path.read_text(encoding="utf-8").splitlines() if line.count(",") >= 2]


def read_cases(path: Path) -> list[dict]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            sys.exit(f"{path}:{number}: not JSON: {exc}")
        if not isinstance(case.get("text"), str) or "category" not in case:
            sys.exit(f"{path}:{number}: a case needs 'text' and 'category' (null for a clean trap)")
        cases.append(case)
    return cases


def without_views(guard_packs):
    """The packs with every ``views`` opt-in removed (nothing to remove before the views existed)."""
    stripped = []
    for pack in guard_packs:
        if "views" not in type(pack).model_fields:
            return None
        rules = tuple(rule.model_copy(update={"views": None}) if "views" in type(rule).model_fields else rule
                      for rule in pack.rules)
        stripped.append(pack.model_copy(update={"views": (), "rules": rules}))
    return stripped


def shipped_packs():
    from contentguard.packs import load_pack_file, shipped_pack_dir

    return [load_pack_file(path) for path in sorted(shipped_pack_dir().glob("*.yaml"))]


def case_found(report, case: dict) -> bool:
    """A finding of the expected category that overlaps the obfuscated text (赶紧gun蛋 is found by the
    term 赶紧滚 as 赶紧gun as well as by 滚蛋)."""
    category = case["category"]
    expected_text = case.get("match")
    start = case["text"].find(expected_text) if expected_text else -1
    for finding in report.findings:
        if finding.category.split(".", 1)[0] != category:
            continue
        if start < 0 or (finding.start < start + len(expected_text) and start < finding.end):
            return True
    return False


def evaluate_cases(guard, cases: list[dict]) -> tuple[int, int, int, int, list[str]]:
    import contentguard

    found = positives = alarms = traps = 0
    misses = []
    for case in cases:
        document = contentguard.Document(body=case["text"], kind=case.get("kind", "post"))
        report = guard.check(document)
        if case["category"] is None:
            traps += 1
            if report.findings:
                alarms += 1
                misses.append(f"  false alarm {case.get('id')}: {case['text']!r} -> "
                              + ", ".join(f"{f.rule_id} {f.text!r}" for f in report.findings))
            continue
        positives += 1
        if case_found(report, case):
            found += 1
        else:
            misses.append(f"  missed {case.get('id')} ({case['category']}): {case['text']!r}")
    return found, positives, alarms, traps, misses


def flag_rate(guard, texts: list[str]) -> tuple[int, list]:
    flagged = 0
    view_findings = []
    for text, report in zip(texts, guard.check_batch(texts), strict=True):
        if report.findings:
            flagged += 1
        for finding in report.findings:
            tags = getattr(finding, "obfuscation", ())
            if tags and set(tags) - {"noise"}:
                view_findings.append((text, finding))
    return flagged, view_findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder with headlines.tsv and weibo2018_train.txt")
    parser.add_argument("--cases", type=Path, default=CASES, help="the held-out obfuscated cases (JSON lines)")
    parser.add_argument("--show", type=int, default=10, help="list this many findings made by a view per text set")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()

    import contentguard

    packs = shipped_packs()
    guards = {"views on": contentguard.load(packs=packs, config={"sentiment": "off"})}
    stripped = without_views(packs)
    if stripped is not None:
        guards["views off"] = contentguard.load(packs=stripped, config={"sentiment": "off"})

    if args.cases.is_file():
        cases = read_cases(args.cases)
        for name, guard in guards.items():
            found, positives, alarms, traps, misses = evaluate_cases(guard, cases)
            print(f"[{name}] obfuscated cases: recall {found / max(positives, 1):.3f} ({found}/{positives}); "
                  f"clean traps with a finding {alarms}/{traps}")
            if name == "views on":
                for line in misses:
                    print(line)
    else:
        print(f"(no held-out cases: {args.cases} not found)")

    sets = {}
    headlines, weibo = args.data / "headlines.tsv", args.data / "weibo2018_train.txt"
    missing = [str(p) for p in (headlines, weibo) if not p.is_file()]
    if missing:
        sys.exit(f"evaluate_obfuscation: real-text files not found: {', '.join(missing)} (pass --data DIR)")
    sets["headlines"] = read_headlines(headlines)
    sets["weibo"] = read_weibo(weibo)
    for set_name, texts in sets.items():
        for name, guard in guards.items():
            flagged, view_findings = flag_rate(guard, texts)
            print(f"[{name}] {set_name}: {flagged}/{len(texts)} documents flagged = {100 * flagged / len(texts):.2f}%; "
                  f"{len(view_findings)} findings made by number styles or a view")
            if name == "views on":
                for text, finding in view_findings[: args.show]:
                    print(f"    {finding.rule_id} {finding.text!r} {list(finding.obfuscation)} in {text[:60]!r}")

    if args.skip_speed:
        return
    texts = sets["weibo"]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    for guard in guards.values():
        list(guard.check_batch(texts[:300]))  # warm: jieba
    samples: dict[str, list[float]] = {name: [] for name in guards}
    for _ in range(args.rounds):
        for name, guard in guards.items():
            gc.collect()
            start = time.perf_counter()
            for _report in guard.check_batch(texts):
                pass
            samples[name].append(time.perf_counter() - start)
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"[{name}] check_batch weibo ({megabytes:.2f} MB): median {median:.3f} s = {megabytes / median:.2f} MB/s "
              f"over {args.rounds} rounds")
    if len(samples) == 2:
        on, off = (statistics.median(v) for v in samples.values())
        print(f"views on / views off time: {on / off:.3f}")


if __name__ == "__main__":
    main()

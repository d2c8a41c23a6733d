"""Measure the rule packs against the hand-labelled evaluation sets in tests/data/.

Usage (from the repository root):

    python benchmarks/evaluate.py                      # devset and holdout, reported separately
    python benchmarks/evaluate.py --set tests/data/devset.jsonl --traditional
    python benchmarks/evaluate.py --json > results.json
    python benchmarks/evaluate.py --validate-only      # only check the data files

A document counts as predicted positive for category C when its report has at least one
finding whose category is C; a sub-id such as ``sensitive.gambling`` counts for ``sensitive``.
Before anything runs, the data files are validated (see ``validate_records``): a broken data
file would make every number below meaningless.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contentguard.packs import validators

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = (REPO_ROOT / "tests" / "data" / "devset.jsonl", REPO_ROOT / "tests" / "data" / "holdout.jsonl")

CATEGORIES = (
    "exaggeration",
    "confidentiality",
    "privacy",
    "sensitive",
    "platform",
    "clickbait",
    "quality",
    "spam",
    "abuse",
)
KINDS = ("post", "comment", "reply", "staff_post", "review", "mention")
PLATFORMS = ("wechat", "weibo", "douyin", "toutiao", "kuaishou", "xiaohongshu", "zhihu", "website")
REQUIRED_FIELDS = {"id": str, "kind": str, "platform": str, "body": str, "labels": list, "note": str}
EXCERPT_CHARS = 60

# ---------------------------------------------------------------------------------------------
# Checksums: the data promises that every ID number / bank card in a privacy document is a
# real-looking one (valid check digit) and that every long number in other documents (order
# numbers, tracking numbers) is NOT, so a detector that verifies checksums can tell them apart.
# ---------------------------------------------------------------------------------------------

# The engine's own validators: one implementation of each standard's check.
gb11643_valid = validators.gb11643_id
luhn_valid = validators.luhn


# Digits possibly grouped by single spaces or hyphens ("6222 0212 ..."), optionally ending in X
# (the ID check character); letters or digits right before/after mean it is part of something else.
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ \-]?[0-9]){14,18}(?:[Xx])?(?![0-9A-Za-z])")


def long_numbers(text: str) -> list[str]:
    """Every 15-19 character number in ``text`` (full-width digits folded), separators removed."""
    folded = unicodedata.normalize("NFKC", text)
    return [re.sub(r"[ \-]", "", match.group()) for match in _LONG_NUMBER.finditer(folded)]


def looks_like_id_number(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit()


def looks_like_bank_card(number: str) -> bool:
    # 18-digit cards exist but are rare; the data avoids them so that 18 characters means "ID".
    return number.isdigit() and len(number) in (16, 17, 19)


# ---------------------------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------------------------


def load_records(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{line_number}: not JSON: {error}") from error
            record["_where"] = f"{path.name}:{line_number}"
            records.append(record)
    return records


def validate_record(record: dict[str, Any]) -> list[str]:
    """Problems with one record; an empty list means it is well-formed."""
    where = f"{record.get('_where', '?')} ({record.get('id', 'no id')})"
    problems = []
    for name, expected_type in REQUIRED_FIELDS.items():
        if not isinstance(record.get(name), expected_type):
            problems.append(f"{where}: field '{name}' must be {expected_type.__name__}")
    if problems:
        return problems
    title = record.get("title", "missing")
    if title is not None and not (isinstance(title, str) and title.strip()):
        problems.append(f"{where}: title must be a non-empty string or null")
        title = None
    if record["kind"] not in KINDS:
        problems.append(f"{where}: unknown kind {record['kind']!r}")
    if record["platform"] not in PLATFORMS:
        problems.append(f"{where}: unknown platform {record['platform']!r}")
    if not record["body"].strip():
        problems.append(f"{where}: empty body")
    if not record["note"].strip():
        problems.append(f"{where}: empty note")
    labels = record["labels"]
    unknown = [label for label in labels if label not in CATEGORIES]
    if unknown:
        problems.append(f"{where}: unknown categories {unknown}")
    if len(set(labels)) != len(labels):
        problems.append(f"{where}: duplicate labels {labels}")
    if "clickbait" in labels and title is None:
        problems.append(f"{where}: clickbait is about titles, but the document has none")
    problems.extend(_checksum_problems(where, record, title))
    return problems


def _checksum_problems(where: str, record: dict[str, Any], title: str | None) -> list[str]:
    problems = []
    text = f"{title or ''}\n{record['body']}"
    is_privacy = "privacy" in record["labels"]
    for number in long_numbers(text):
        if is_privacy:
            if looks_like_id_number(number) and not gb11643_valid(number):
                problems.append(f"{where}: ID number {number} fails the GB 11643 checksum")
            elif looks_like_bank_card(number) and not luhn_valid(number):
                problems.append(f"{where}: bank card {number} fails the Luhn check")
            elif not (looks_like_id_number(number) or looks_like_bank_card(number)):
                problems.append(f"{where}: long number {number} is neither an ID number nor a card")
        else:
            # A trap number must not pass either check, or a checksum-aware detector would be
            # right to flag it and the label would be wrong.
            if gb11643_valid(number):
                problems.append(f"{where}: number {number} passes GB 11643 in a non-privacy document")
            if len(number) in (16, 17, 18, 19) and luhn_valid(number):
                problems.append(f"{where}: number {number} passes Luhn in a non-privacy document")
    return problems


def validate_records(records_by_set: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Problems across all sets: per-record checks, unique ids, no body shared between sets."""
    problems = []
    seen_ids: dict[str, str] = {}
    seen_bodies: dict[str, str] = {}
    for set_name, records in records_by_set.items():
        for record in records:
            problems.extend(validate_record(record))
            record_id = record.get("id")
            if record_id in seen_ids:
                problems.append(f"{set_name}: id {record_id} already used in {seen_ids[record_id]}")
            else:
                seen_ids[record_id] = set_name
            body = record.get("body")
            if isinstance(body, str):
                if body in seen_bodies:
                    problems.append(f"{set_name}: {record_id} repeats the body of {seen_bodies[body]}")
                else:
                    seen_bodies[body] = str(record_id)
    return problems


# ---------------------------------------------------------------------------------------------
# Running the engine and scoring
# ---------------------------------------------------------------------------------------------


def top_category(category: str) -> str:
    return category.split(".", 1)[0]


@dataclass
class FalseAlarm:
    doc_id: str
    category: str
    rule_id: str
    text: str


@dataclass
class Miss:
    doc_id: str
    category: str
    excerpt: str


@dataclass
class SetResult:
    name: str
    documents: int
    clean_documents: int
    clean_with_findings: int
    clean_not_passed: int
    counts: dict[str, dict[str, int]]
    misses: list[Miss] = field(default_factory=list)
    false_alarms: list[FalseAlarm] = field(default_factory=list)

    def scores(self, category: str) -> dict[str, float]:
        tally = self.counts[category]
        return _prf(tally["tp"], tally["fp"], tally["fn"]) | {"support": tally["tp"] + tally["fn"]}

    def micro(self) -> dict[str, float]:
        tp = sum(tally["tp"] for tally in self.counts.values())
        fp = sum(tally["fp"] for tally in self.counts.values())
        fn = sum(tally["fn"] for tally in self.counts.values())
        return _prf(tp, fp, fn) | {"support": tp + fn}

    def false_alarm_rate(self) -> float:
        return self.clean_with_findings / self.clean_documents if self.clean_documents else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "set": self.name,
            "documents": self.documents,
            "clean_documents": self.clean_documents,
            "clean_with_findings": self.clean_with_findings,
            "clean_false_alarm_rate": self.false_alarm_rate(),
            "clean_not_passed": self.clean_not_passed,
            "per_category": {category: self.scores(category) for category in CATEGORIES},
            "micro": self.micro(),
            "misses": [vars(miss) for miss in self.misses],
            "false_alarms": [vars(alarm) for alarm in self.false_alarms],
        }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def import_contentguard():
    try:
        import contentguard
    except ImportError:
        # Running from a checkout without `pip install -e .`: use the source tree directly.
        sys.path.insert(0, str(REPO_ROOT / "src"))
        import contentguard
    return contentguard


def to_traditional(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    import opencc

    converter = opencc.OpenCC("s2t")
    converted = []
    for record in records:
        copy = dict(record)
        copy["body"] = converter.convert(record["body"])
        if record.get("title"):
            copy["title"] = converter.convert(record["title"])
        converted.append(copy)
    return converted


def score_set(name: str, records: Sequence[dict[str, Any]], guard: Any, workers: int = 1) -> SetResult:
    contentguard = import_contentguard()
    documents = [
        contentguard.Document(
            id=record["id"],
            title=record.get("title"),
            body=record["body"],
            kind=record["kind"],
            platform=record["platform"],
        )
        for record in records
    ]
    reports = guard.check_batch(documents, workers=workers)
    counts = {category: {"tp": 0, "fp": 0, "fn": 0} for category in CATEGORIES}
    result = SetResult(name, len(records), 0, 0, 0, counts)
    for record, report in zip(records, reports, strict=True):
        gold = set(record["labels"])
        findings = list(report.findings)
        predicted = {top_category(finding.category) for finding in findings}
        if not gold:
            result.clean_documents += 1
            result.clean_with_findings += bool(findings)
            result.clean_not_passed += getattr(report, "decision", "pass") != "pass"
        for category in CATEGORIES:
            if category in gold and category in predicted:
                counts[category]["tp"] += 1
            elif category in predicted:
                counts[category]["fp"] += 1
            elif category in gold:
                counts[category]["fn"] += 1
                result.misses.append(Miss(record["id"], category, excerpt(record)))
        for finding in findings:
            if top_category(finding.category) not in gold:
                result.false_alarms.append(FalseAlarm(record["id"], finding.category, finding.rule_id, finding.text))
    return result


def excerpt(record: dict[str, Any]) -> str:
    text = f"【{record['title']}】{record['body']}" if record.get("title") else record["body"]
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def format_result(result: SetResult, show_confusions: bool = True) -> str:
    lines = [f"== {result.name}: {result.documents} documents, {result.clean_documents} clean =="]
    lines.append(f"{'category':<16}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}{'TP':>6}{'FP':>6}{'FN':>6}")
    rows = [(category, result.scores(category)) for category in CATEGORIES]
    rows.append(("micro", result.micro()))
    for category, score in rows:
        lines.append(
            f"{category:<16}{score['precision']:>10.3f}{score['recall']:>10.3f}{score['f1']:>10.3f}"
            f"{score['support']:>10}{score['tp']:>6}{score['fp']:>6}{score['fn']:>6}"
        )
    lines.append(
        f"false-alarm rate on clean documents: {result.false_alarm_rate():.3f} "
        f"({result.clean_with_findings}/{result.clean_documents} have a finding; "
        f"{result.clean_not_passed} not decided 'pass')"
    )
    if show_confusions:
        lines.append(f"-- misses ({len(result.misses)}): doc id, expected category, excerpt")
        lines.extend(f"  {miss.doc_id:<11}{miss.category:<16}{miss.excerpt}" for miss in result.misses)
        lines.append(f"-- false alarms ({len(result.false_alarms)}): doc id, category, rule id, matched text")
        # Finding categories carry sub-ids (exaggeration.absolute) and rule ids vary in length.
        category_width = max((len(alarm.category) for alarm in result.false_alarms), default=0) + 2
        rule_width = max((len(alarm.rule_id) for alarm in result.false_alarms), default=0) + 2
        lines.extend(
            f"  {alarm.doc_id:<11}{alarm.category:<{category_width}}{alarm.rule_id:<{rule_width}}{alarm.text!r}"
            for alarm in result.false_alarms
        )
    return "\n".join(lines)


def load_guard(contentguard: Any, packs: list[str] | None, extra_packs: Iterable[str], rules_dir: str | None) -> Any:
    """``contentguard.load`` with only the options the user gave, so the engine's defaults apply."""
    kwargs: dict[str, Any] = {}
    if packs:
        kwargs["packs"] = packs
    extra = tuple(extra_packs)
    if extra:
        kwargs["extra_packs"] = extra
    if rules_dir:
        kwargs["rules_dir"] = rules_dir
    return contentguard.load(**kwargs)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        type=Path,
        metavar="PATH",
        help="a JSONL set to evaluate (repeatable; default: devset and holdout)",
    )
    parser.add_argument(
        "--traditional",
        action="store_true",
        help="also evaluate every set converted to traditional Chinese (OpenCC s2t)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of tables")
    parser.add_argument(
        "--packs",
        action="append",
        metavar="NAME",
        help="load only these shipped packs (repeatable; passed to contentguard.load)",
    )
    parser.add_argument(
        "--rules",
        metavar="DIR",
        help="a folder laid out like the shipped rules/ (ruleset.yaml, packs/) used instead of it",
    )
    parser.add_argument(
        "--extra-pack",
        action="append",
        default=[],
        metavar="PATH",
        help="a pack file or folder loaded beside the others (repeatable; passed as extra_packs)",
    )
    parser.add_argument("--workers", type=int, default=1, help="workers for check_batch")
    parser.add_argument("--no-confusions", action="store_true", help="print only the tables")
    parser.add_argument("--validate-only", action="store_true", help="check the data files and stop")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    set_paths = args.sets or list(DEFAULT_SETS)
    records_by_set = {str(path): load_records(path) for path in set_paths}
    problems = validate_records(records_by_set)
    if problems:
        print("data validation failed:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    if args.validate_only:
        total = sum(len(records) for records in records_by_set.values())
        print(f"data OK: {total} documents in {len(records_by_set)} set(s)")
        return 0

    contentguard = import_contentguard()
    guard = load_guard(contentguard, args.packs, args.extra_pack, args.rules)
    results = []
    for path, records in zip(set_paths, records_by_set.values(), strict=True):
        results.append(score_set(path.name, records, guard, args.workers))
        if args.traditional:
            results.append(score_set(f"{path.name} (traditional, s2t)", to_traditional(records), guard, args.workers))
    if args.json:
        print(json.dumps([result.as_json() for result in results], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(format_result(result, not args.no_confusions) for result in results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

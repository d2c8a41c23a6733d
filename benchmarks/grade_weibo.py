"""How the public-opinion grading reads real Weibo posts the sentiment model never saw: the share of negative
posts that reach risk >= low (target >= 90%) and of positive ones (target <= 10%).

    python benchmarks/grade_weibo.py [--thresholds 0.5,0.55,0.6] [--limit 1500]

Posts: the held-out test splits of benchmarks/train_sentiment.py (fixed seed; the shipped sentiment model was
fitted on the train + validation splits only), polar posts only, near-duplicates of a training text dropped:
- tuning set: SMP2020 virus test split (angry / sad / fear → negative, happy → positive);
- report sets: the weibo2018 test split and the SMP2020 everyday ("usual") test split.

For each threshold, ``public_opinion.negative.min_probability`` and the 投诉 triage test's
``negative_min_probability`` of the shipped risk matrix are set to it in a temporary copy (the shipped file is
not touched), every post is checked by the Guard as a public Weibo mention, and the shares are printed. The
threshold that meets the targets best on the tuning set (largest negative share minus positive share, with the
positive share at most 10% when one does) is the one to write into rules/risk_matrix.yaml; the report sets
are never used for the choice.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import yaml  # noqa: E402
from train_sentiment import DEFAULT_DATA_DIR, drop_near_duplicates, load_corpora  # noqa: E402

import contentguard  # noqa: E402
from contentguard import Document  # noqa: E402
from contentguard.config.resources import data_dir  # noqa: E402


def post_sets(limit: int) -> dict[str, list[tuple[str, str]]]:
    corpora = {c.name: c for c in load_corpora(DEFAULT_DATA_DIR)}
    trained_on = [t for c in corpora.values() for split in (c.train, c.validation) for t in split.texts]
    sets = {}
    for name, corpus in (("tune: SMP2020 virus test", "weibo_virus"), ("report: weibo2018 test", "weibo2018"),
                         ("report: SMP2020 usual test", "weibo_usual")):
        split = corpora[corpus].test
        pairs = [(t, lab) for t, lab in zip(split.texts, split.labels, strict=True) if lab != "neutral"]
        sets[name] = drop_near_duplicates(pairs, trained_on)[:limit]
    return sets


def matrix_with(threshold: float, folder: Path, question_below: float | None = None) -> Path:
    matrix = yaml.safe_load((data_dir("rules") / "risk_matrix.yaml").read_text(encoding="utf-8"))
    opinion = matrix["public_opinion"]
    opinion["negative"]["min_probability"] = threshold
    for test in opinion["triage"]["order"]:
        if "negative_min_probability" in test:
            test["negative_min_probability"] = threshold
        if question_below is not None and test.get("label") == "咨询":
            test["negative_below"] = question_below
    path = folder / f"risk_matrix_{threshold:g}_{question_below}.yaml"
    path.write_text(yaml.safe_dump(matrix, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def shares(guard: contentguard.Guard, pairs: list[tuple[str, str]]) -> tuple[float, float]:
    documents = [Document(id=str(i), body=text, kind="mention", platform="weibo") for i, (text, _) in enumerate(pairs)]
    reached = {"negative": [0, 0], "positive": [0, 0]}
    for (_, label), report in zip(pairs, guard.check_batch(documents), strict=True):
        reached[label][0] += report.risk.level != "none"
        reached[label][1] += 1
    return (reached["negative"][0] / max(reached["negative"][1], 1),
            reached["positive"][0] / max(reached["positive"][1], 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--thresholds", default="0.5,0.55,0.6,0.65")
    parser.add_argument("--question-below", default="",
                        help="also sweep the 咨询 test's negative_below (a question this negative is a complaint)")
    parser.add_argument("--limit", type=int, default=1500, help="at most this many posts per set")
    args = parser.parse_args()
    sets = post_sets(args.limit)
    for name, pairs in sets.items():
        negative = sum(label == "negative" for _, label in pairs)
        print(f"{name}: {len(pairs)} posts ({negative} negative, {len(pairs) - negative} positive)")
    print(f"{'threshold, 咨询 below':>20}  " + "  ".join(f"{name:>34}" for name in sets))
    print(f"{'':>20}  " + "  ".join(f"{'negative >= low / positive >= low':>34}" for _ in sets))
    question_values = [float(v) for v in args.question_below.split(",") if v] or [None]
    with tempfile.TemporaryDirectory() as folder:
        for threshold in (float(t) for t in args.thresholds.split(",")):
            for below in question_values:
                matrix = matrix_with(threshold, Path(folder), below)
                guard = contentguard.load(config={"risk_matrix": str(matrix)})
                cells = [shares(guard, pairs) for pairs in sets.values()]
                name = f"{threshold:.2f}, {'as shipped' if below is None else f'{below:.2f}'}"
                print(f"{name:>20}  " + "  ".join(f"{f'{n:.1%} / {p:.1%}':>34}" for n, p in cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

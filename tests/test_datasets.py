"""The labelled evaluation sets are well-formed and their numbers honour the checksum promise."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "tests" / "data"

# benchmarks/ is not a package; load the script as a module to share its validator.
EVALUATE_SCRIPT = REPO_ROOT / "benchmarks" / "evaluate.py"
_spec = importlib.util.spec_from_file_location("contentguard_evaluate", EVALUATE_SCRIPT)
evaluate = importlib.util.module_from_spec(_spec)
# dataclasses look their module up in sys.modules while the module is being executed.
sys.modules[_spec.name] = evaluate
_spec.loader.exec_module(evaluate)

# Minimum sizes promised in tests/data/README.md.
MINIMUMS = {"devset.jsonl": (330, 25), "holdout.jsonl": (120, 10)}


@pytest.fixture(scope="module")
def records_by_set():
    return {name: evaluate.load_records(DATA_DIR / name) for name in MINIMUMS}


def test_records_are_valid_and_ids_unique_across_sets(records_by_set):
    assert evaluate.validate_records(records_by_set) == []


@pytest.mark.parametrize("name", sorted(MINIMUMS))
def test_set_size_category_coverage_and_clean_share(records_by_set, name):
    records = records_by_set[name]
    minimum_documents, minimum_per_category = MINIMUMS[name]
    assert len(records) >= minimum_documents
    per_category = Counter(label for record in records for label in record["labels"])
    for category in evaluate.CATEGORIES:
        assert per_category[category] >= minimum_per_category, category
    clean_share = sum(not record["labels"] for record in records) / len(records)
    assert 0.28 <= clean_share <= 0.40


def test_id_prefixes_tell_the_sets_apart(records_by_set):
    assert all(record["id"].startswith("dev-") for record in records_by_set["devset.jsonl"])
    assert all(record["id"].startswith("hold-") for record in records_by_set["holdout.jsonl"])


def test_checksum_helpers():
    assert evaluate.gb11643_valid("11010519491231002X")
    assert not evaluate.gb11643_valid("110105194912310021")
    assert evaluate.luhn_valid("4111111111111111")
    assert not evaluate.luhn_valid("4111111111111112")
    assert evaluate.long_numbers("卡号 6222 0212 3456 7890 123，电话13812345678") == ["6222021234567890123"]
    assert evaluate.long_numbers("身份证１１０１０５１９４９１２３１００２Ｘ") == ["11010519491231002X"]


def test_validator_rejects_bad_records():
    privacy_with_bad_id = {
        "id": "x-1",
        "kind": "post",
        "platform": "weibo",
        "title": None,
        "body": "身份证号110105194912310021",
        "labels": ["privacy"],
        "note": "bad checksum",
    }
    clean_with_valid_card = dict(privacy_with_bad_id, id="x-2", body="订单号4111111111111111", labels=[])
    unknown_category = dict(privacy_with_bad_id, id="x-3", body="你好", labels=["politics"])
    clickbait_without_title = dict(privacy_with_bad_id, id="x-4", body="震惊", labels=["clickbait"])
    for record in (privacy_with_bad_id, clean_with_valid_card, unknown_category, clickbait_without_title):
        assert evaluate.validate_record(record), record["id"]


def test_fresh4_development_set_is_valid_and_weighted_as_documented(records_by_set):
    """fresh4 (tests/data/README.md): confidentiality and sensitive recall, about a third clean, six kinds."""
    fresh4 = evaluate.load_records(DATA_DIR / "fresh4.jsonl")
    assert evaluate.validate_records({**records_by_set, "fresh4.jsonl": fresh4}) == []
    assert all(record["id"].startswith("fresh4-") for record in fresh4)
    per_category = Counter(label for record in fresh4 for label in record["labels"])
    assert per_category["confidentiality"] >= 75
    assert per_category["sensitive"] >= 65
    clean_share = sum(not record["labels"] for record in fresh4) / len(fresh4)
    assert 0.30 <= clean_share <= 0.40
    assert {record["kind"] for record in fresh4} == {"post", "reply", "staff_post", "comment", "review", "mention"}

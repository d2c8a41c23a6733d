"""The full ruleset hash a check record carries: packs, matrix, the whole configuration, every model."""

from __future__ import annotations

import hashlib

import contentguard
from contentguard.config.resources import data_dir
from contentguard.guard import _model_checksums

from .conftest import REVIEW_PACK


def test_full_hash_is_a_whole_sha256_and_keeps_the_short_one():
    info = contentguard.load(packs=[REVIEW_PACK]).ruleset
    assert info.full_hash.startswith("sha256:") and len(info.full_hash) == 7 + 64
    assert info.hash.startswith("sha256:") and len(info.hash) == 7 + 16
    assert contentguard.load(packs=[REVIEW_PACK]).ruleset.full_hash == info.full_hash


def test_full_hash_covers_configuration_the_short_hash_leaves_out():
    all_on = contentguard.load(packs=[REVIEW_PACK], config={"sentiment": "all"}).ruleset
    off = contentguard.load(packs=[REVIEW_PACK], config={"sentiment": "off"}).ruleset
    assert all_on.hash == off.hash and all_on.full_hash != off.full_hash


def test_full_hash_covers_the_packs():
    changed = {**REVIEW_PACK, "rules": REVIEW_PACK["rules"][:-1]}
    original = contentguard.load(packs=[REVIEW_PACK]).ruleset.full_hash
    assert contentguard.load(packs=[changed]).ruleset.full_hash != original


def test_every_shipped_model_header_is_in_it():
    header = data_dir("models") / "sentiment" / "sentiment_model.json"
    assert _model_checksums()["sentiment/sentiment_model.json"] == hashlib.sha256(header.read_bytes()).hexdigest()


def test_older_report_json_without_full_hash_still_loads():
    report = contentguard.load(packs=[REVIEW_PACK], config={"sentiment": "off"}).check("最低价")
    data = report.model_dump(mode="json")
    del data["ruleset"]["full_hash"]
    assert contentguard.Report.model_validate(data).ruleset.full_hash is None

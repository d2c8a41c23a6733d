"""Obfuscation views (issue #9): number styles, noise between CJK characters, pinyin, homophones,
look-alikes and repeats, each with the obfuscation it reports and exact original spans."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import contentguard
from contentguard.config.resources import data_dir
from contentguard.engine.views import term_variants
from contentguard.errors import PackError

DATA = Path(__file__).resolve().parent.parent / "data" / "obfuscation"
PACK = DATA / "pack.yaml"
FIXTURES = [json.loads(line) for line in (DATA / "fixtures.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def guard() -> contentguard.Guard:
    return contentguard.load(packs=[PACK], config={"sentiment": "off"})


@pytest.mark.parametrize("case", FIXTURES, ids=[case["text"] for case in FIXTURES])
def test_fixture_table(guard, case):
    report = guard.check(contentguard.Document(body=case["text"], kind=case["kind"]))
    for finding in report.findings:
        assert case["text"][finding.start:finding.end] == finding.text
    if case["rule"] is None:
        assert report.findings == (), [(f.rule_id, f.text) for f in report.findings]
        return
    hits = [f for f in report.findings if f.rule_id == case["rule"]]
    assert [f.text for f in hits] == [case["found"]]
    assert list(hits[0].obfuscation) == case["obfuscation"]
    # A disguised hit is reported by the term it stands for, and counts as deliberate.
    if case["obfuscation"] and set(case["obfuscation"]) != {"number-style"}:
        assert hits[0].evidence == "obfuscated"


def test_the_fixture_table_covers_every_obfuscation_but_repeats():
    seen = {tag for case in FIXTURES for tag in case["obfuscation"] or ()}
    assert seen == {"noise", "number-style", "pinyin", "homophone", "lookalike"}


def test_a_rule_without_views_matches_only_its_terms_and_number_styles(guard):
    assert [f.text for f in guard.check("毒品").findings] == ["毒品"]
    assert guard.check("du品").findings == ()


def _settings():
    return contentguard.load(packs=[])._matcher.settings


def test_pinyin_variants_mix_with_characters_and_keep_all_latin_spellings_long():
    settings = _settings()
    forms = {v.form for v in term_variants("赌场", ["pinyin"], settings.views, settings.normalization)}
    assert {"du场", "赌chang", "duchang"} <= forms
    assert "dc" not in forms  # initials only for terms of four characters or more
    forms = {v.form for v in term_variants("大麻", ["pinyin"], settings.views, settings.normalization)}
    assert "da麻" in forms and "dama" not in forms  # dama is 大妈 as much as 大麻
    forms = {v.form for v in term_variants("你妈死了", ["pinyin"], settings.views, settings.normalization)}
    assert "nmsl" in forms


def test_variants_are_bounded_and_start_with_the_fewest_substitutions():
    settings = _settings()
    variants = term_variants("全家不得好死", ["pinyin", "homophone", "lookalike"], settings.views,
                             settings.normalization)
    assert 0 < len(variants) <= settings.views.max_variants_per_term
    assert variants[0].form.count("quan") + variants[0].form.count("jia") <= 1


def test_views_are_compiled_once_and_travel_with_a_pickled_guard(guard):
    clone = pickle.loads(pickle.dumps(guard))
    assert [f.text for f in clone.check("新开的du场").findings] == ["du场"]


def test_views_change_the_ruleset_hash():
    plain = PACK.read_text(encoding="utf-8").replace("views: [pinyin, homophone, lookalike]\n", "", 1)
    assert contentguard.load(packs=[plain]).ruleset.hash != contentguard.load(packs=[PACK]).ruleset.hash


def test_an_unknown_view_is_a_clear_pack_error():
    bad = PACK.read_text(encoding="utf-8").replace("views: [pinyin]", "views: [pinyin, emoji]")
    with pytest.raises(PackError, match=r"obf/claims.*views"):
        contentguard.load(packs=[bad])


def test_without_pypinyin_a_ruleset_that_opts_in_fails_to_load_clearly_and_import_needs_none():
    code = ("import sys; sys.modules['pypinyin'] = None\n"
            "import contentguard\n"
            "assert 'pypinyin' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
            "contentguard.load(packs=['advertising'], config={'sentiment': 'off'}) if False else None\n"
            "from contentguard.errors import PackError\n"
            f"try:\n    contentguard.load(packs=[{str(PACK)!r}])\n"
            "except PackError as exc:\n    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "obf/" in result.stdout and "pypinyin" in result.stdout and "contentguard[pinyin]" in result.stdout
    clean = subprocess.run([sys.executable, "-c", "import sys, contentguard; print('pypinyin' in sys.modules)"],
                           capture_output=True, text=True, check=True)
    assert clean.stdout.strip() == "False"


def _rules_dir(tmp_path: Path, collapse: bool) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), rules)
    manifest = rules / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "collapse_repeats: false" in text
    manifest.write_text(text.replace("collapse_repeats: false", f"collapse_repeats: {str(collapse).lower()}"),
                        encoding="utf-8")
    return rules


def test_repeats_collapse_only_when_the_ruleset_asks(tmp_path):
    collapsing = contentguard.load(packs=[PACK], rules_dir=_rules_dir(tmp_path, True), config={"sentiment": "off"})
    report = collapsing.check("ffffuuuucccckkk!")
    assert [(f.text, f.obfuscation) for f in report.findings] == [("ffffuuuucccckkk", ("repeat",))]
    assert [f.text for f in collapsing.check("嘻嘻哈哈").findings] == ["嘻嘻哈哈"]
    assert [f.text for f in collapsing.check("傻傻傻逼逼逼").findings] == ["傻傻傻逼逼逼"]
    assert contentguard.load(packs=[PACK]).check("ffffuuuucccckkk").findings == ()

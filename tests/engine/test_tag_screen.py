"""The context stage's part-of-speech screen (issue #13): it skips tagging a clause only where no word with
one of a cue's tags can come out of jieba.posseg, so it never changes a cue, a score or a report."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import contentguard
from contentguard.config.resources import data_dir
from contentguard.engine import tokenize
from contentguard.engine.context import ContextSettings
from contentguard.engine.tokenize import TagScreen, pos_tags

DATA = Path(__file__).resolve().parent.parent / "data"


def _texts() -> list[str]:
    texts = []
    for name in ("devset.jsonl", "holdout.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts.append((record.get("title") or "") + "\n" + (record.get("body") or ""))
    return texts


def _settings() -> ContextSettings:
    return ContextSettings.from_file(data_dir("rules") / "context.yaml")


def _cue_prefixes() -> list[tuple[str, ...]]:
    """The tag prefixes of every clause cue of the shipped context rules (read from the data, not named here)."""
    found = {cue.pos for family in _settings().families for cue in family.cues if cue.pos and cue.where == "clause"}
    assert found, "the shipped context rules have part-of-speech cues"
    return sorted(found)


@pytest.mark.parametrize("extra", [("a", "v"), ("m",), ("eng",), ("x",)])
def test_the_screen_never_says_no_where_the_tagger_gives_the_tag(extra):
    rnd = random.Random(13)
    texts = _texts()
    screens = [TagScreen(prefixes) for prefixes in [*_cue_prefixes(), extra]]
    skipped = 0
    for _ in range(3000):
        text = rnd.choice(texts)
        start = rnd.randrange(len(text))
        window = text[start:start + rnd.randint(1, 40)]
        tags = {flag for word, flag in pos_tags(window) if len(word.strip()) >= 2}
        for screen in screens:
            if not screen.may_tag(window):
                skipped += 1
                assert not any(tag.startswith(screen.prefixes) for tag in tags), (screen.prefixes, window, tags)
    assert skipped > 3000  # it does skip: most windows name no person, place or organization


def test_the_screen_finds_a_name_and_an_english_run():
    names = TagScreen(("nr", "ns"))
    assert names.may_tag("昨天在北京开会") and names.may_tag("张学友的演唱会")
    assert not names.may_tag("味道不错，下次还买") and not names.may_tag("质量很好")
    assert names.may_tag("昨天在北京开会")  # the second time from what the screen remembers
    english = TagScreen(("eng",))
    assert english.may_tag("买了iPhone") and not english.may_tag("买了手机a")


class _NoScreen(TagScreen):
    def may_tag(self, text: str) -> bool:
        return True


def test_reports_are_the_same_with_the_screen_and_without():
    texts = _texts()[:400]
    docs = [contentguard.Document(id=f"d{i}", kind=kind, body=text)
            for i, text in enumerate(texts) for kind in ("post", "mention")]
    guard = contentguard.load(config={"sentiment": "off"})
    saved = dict(tokenize._SCREENS)
    try:
        reports = {}
        for screened in (False, True):
            tokenize._SCREENS.clear()
            for prefixes in _cue_prefixes():
                tokenize._SCREENS[prefixes] = TagScreen(prefixes) if screened else _NoScreen(prefixes)
            reports[screened] = [r.model_dump_json() for r in guard.check_batch(docs)]
        skipped = sum(not screen.may_tag(text) for screen in tokenize._SCREENS.values() for text in texts)
        assert skipped  # the screen does skip texts
    finally:
        tokenize._SCREENS.clear()
        tokenize._SCREENS.update(saved)
    assert reports[True] == reports[False]
    labels = {cue.label for family in _settings().families for cue in family.cues if cue.pos and cue.where == "clause"}
    fired = [r for r in reports[True] if any(f'"{label}"' in r for label in labels)]
    assert fired  # clause cues on tags do fire in these reports, with the screen on

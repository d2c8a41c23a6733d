"""Shared pieces of the generalization probe tests: cases from category → texts tables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pytest


def probe_cases(table: Mapping[str, Sequence], default_kind: Mapping[str, str],
                known: frozenset[str] | set[str] = frozenset()) -> Iterator:
    """(category, kind, body) parameters; a text is a body or a (kind, body) pair; known gaps left out."""
    for category, texts in table.items():
        for item in texts:
            kind, body = item if isinstance(item, tuple) else (default_kind[category], item)
            if body in known:
                continue
            yield pytest.param(category, kind, body, id=f"{category}:{body[:20]}")


def fired(guard, kind: str, body: str) -> set[str]:
    """The top-level categories the guard reports for one post or comment."""
    report = guard.check({"body": body, "kind": kind, "platform": "weibo" if kind == "post" else "douyin"})
    return {f.category.split(".")[0] for f in report.findings}


def probe_tests(violating: Mapping[str, Sequence], clean: Mapping[str, Sequence], default_kind: Mapping[str, str],
                known: frozenset[str] | set[str] = frozenset()):
    """The two parametrized tests of a probe module: every violation fires its category, no trap does."""

    @pytest.mark.parametrize(("category", "kind", "body"), list(probe_cases(violating, default_kind, known)))
    def test_violation_is_flagged(default_guard, category, kind, body):
        assert category in fired(default_guard, kind, body)

    @pytest.mark.parametrize(("category", "kind", "body"), list(probe_cases(clean, default_kind, known)))
    def test_clean_trap_is_not_flagged(default_guard, category, kind, body):
        assert category not in fired(default_guard, kind, body)

    return test_violation_is_flagged, test_clean_trap_is_not_flagged


def print_probe_summary(violating: Mapping[str, Sequence], clean: Mapping[str, Sequence],
                        default_kind: Mapping[str, str], known: frozenset[str] | set[str] = frozenset(),
                        verbose: bool = False) -> None:
    """What a probe module prints when run as a script: recall on its violations and false alarms on its traps,
    per category, with every miss and alarm when ``verbose``."""
    import contentguard

    guard = contentguard.load()
    for category in violating:
        cases = [p.values for p in probe_cases({category: violating[category]}, default_kind, known)]
        traps = [p.values for p in probe_cases({category: clean.get(category, ())}, default_kind, known)]
        misses = [body for _, kind, body in cases if category not in fired(guard, kind, body)]
        alarms = [body for _, kind, body in traps if category in fired(guard, kind, body)]
        print(f"{category:16} recall {len(cases) - len(misses)}/{len(cases)}  false alarms {len(alarms)}/{len(traps)}")
        if verbose:
            for body in misses:
                print("   MISS ", body)
            for body in alarms:
                print("   ALARM", body)

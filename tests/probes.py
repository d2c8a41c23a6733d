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

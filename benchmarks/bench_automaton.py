"""Which multi-pattern matcher for the lexicons: the measurement behind choosing ahocorasick-rs.

    python benchmarks/bench_automaton.py [--data ../shared/data/sentiment] [--docs 20000]

All keys of the shipped ruleset's automaton (terms, allow terms, cue words, pattern gates) are
searched in the compact view of real reviews, one call per document as the engine does, with:
pyahocorasick (``iter``: every overlapping match, which the engine needs for leftmost-longest
per rule and for allow terms that cover a hit), ahocorasick-rs (overlapping matches), and one
``regex`` alternation (``finditer(overlapped=True)``). Prints build time, MB/s and matches found.
pyahocorasick is a benchmark extra (``pip install -e ".[bench]"``); it is left out with a note if absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import DEFAULT_DATA, megabytes, read_reviews  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--docs", type=int, default=20000)
    args = parser.parse_args()

    import ahocorasick_rs
    import regex

    import contentguard
    from contentguard.engine.normalize import NormalizedText

    guard = contentguard.load()
    settings = guard._matcher.settings.normalization
    keys = sorted(key for key, _ in guard._matcher._keys)
    texts = [NormalizedText(t, settings).compact for t in read_reviews(args.data)[: args.docs]]
    size = megabytes(texts)
    print(f"{len(keys)} keys, {len(texts)} documents, {size:.2f} MB")

    def report(name: str, build: float, run, expected: int | None = None) -> int:
        start = time.perf_counter()
        found = sum(run(text) for text in texts)
        seconds = time.perf_counter() - start
        note = "" if expected is None or found == expected else f"  (differs: {found} vs {expected})"
        print(f"{name:28} build {build * 1e3:7.1f} ms   {size / seconds:7.2f} MB/s   {found} matches{note}")
        return found

    start = time.perf_counter()
    rs = ahocorasick_rs.AhoCorasick(keys)
    expected = report("ahocorasick-rs overlapping", time.perf_counter() - start,
                      lambda text: len(rs.find_matches_as_indexes(text, overlapping=True)))

    try:
        import ahocorasick
    except ImportError:
        print("pyahocorasick: not installed (pip install pyahocorasick), not measured")
    else:
        start = time.perf_counter()
        automaton = ahocorasick.Automaton()
        for key in keys:
            automaton.add_word(key, key)
        automaton.make_automaton()
        report("pyahocorasick iter", time.perf_counter() - start,
               lambda text: sum(1 for _ in automaton.iter(text)), expected)

    start = time.perf_counter()
    alternation = regex.compile("|".join(regex.escape(k) for k in sorted(keys, key=len, reverse=True)))
    report("regex alternation", time.perf_counter() - start,
           lambda text: sum(1 for _ in alternation.finditer(text, overlapped=True)), expected)


if __name__ == "__main__":
    main()

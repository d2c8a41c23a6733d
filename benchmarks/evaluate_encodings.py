"""How often a file in a legacy Chinese encoding is read back as its own text (inputs.decode_bytes).

Usage (from the repository root):

    PYTHONPATH=src nice -n 10 python benchmarks/evaluate_encodings.py --lines 1500 --seed 1

Draws ``--lines`` lines (fixed seed) from the real text under ../shared/data/realtext (Weibo posts,
THUCNews headlines, ad copy), and makes from each up to three files: the simplified line in GBK,
its OpenCC s2twp (Taiwan) conversion in Big5 and its s2hk (Hong Kong) conversion in Big5-HKSCS; a
line a codec cannot encode (emoji, or characters outside Big5) is left out for that codec. Prints,
per codec and for lines under / over 20 characters, how many decode to exactly the text that was
encoded. Timings on a shared machine are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import opencc

from contentguard.inputs import NotText, decode_bytes

ROOT = Path(__file__).resolve().parent.parent


def real_lines(data: Path) -> list[str]:
    realtext = data / "realtext"
    lines: list[str] = []
    weibo, headlines, ads = realtext / "weibo2018_train.txt", realtext / "headlines.tsv", realtext / "ad_copy.jsonl"
    for path in (weibo, headlines, ads):
        if not path.exists():
            print(f"missing: {path} (skipped)", file=sys.stderr)
    if weibo.exists():
        lines += [line.split(",", 2)[2].strip() for line in weibo.open(encoding="utf-8") if line.count(",") >= 2]
    if headlines.exists():
        lines += [line.split("\t")[0] for line in list(headlines.open(encoding="utf-8"))[1:]]
    if ads.exists():
        lines += [json.loads(line)["text"] for line in ads.open(encoding="utf-8") if line.strip()]
    return [line for line in lines if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lines = real_lines(args.data)
    random.seed(args.seed)
    sample = random.sample(lines, min(args.lines, len(lines)))
    taiwan, hong_kong = opencc.OpenCC("s2twp"), opencc.OpenCC("s2hk")
    counts: Counter[tuple[str, str, str]] = Counter()
    files, started = 0, time.perf_counter()
    for line in sample:
        for text, codec in ((line, "gbk"), (taiwan.convert(line), "big5"), (hong_kong.convert(line), "big5hkscs")):
            try:
                data = text.encode(codec)
            except UnicodeEncodeError:
                continue
            if data.isascii():
                continue
            files += 1
            try:
                decoded, encoding = decode_bytes(data)
                outcome = "right" if decoded == text else f"wrong ({encoding})"
            except NotText:
                outcome = "rejected as not text"
            counts[(codec, "short" if len(text) < 20 else "long", outcome)] += 1
    elapsed = time.perf_counter() - started
    for key in sorted(counts):
        print(*key, counts[key], sep="\t")
    for codec in ("gbk", "big5", "big5hkscs"):
        total = sum(n for (c, _, _), n in counts.items() if c == codec)
        right = sum(n for (c, _, o), n in counts.items() if c == codec and o == "right")
        print(f"{codec}: {right}/{total} read right")
    print(f"{files} files, {elapsed / max(files, 1) * 1000:.2f} ms each (upper bound on a shared machine)")


if __name__ == "__main__":
    main()

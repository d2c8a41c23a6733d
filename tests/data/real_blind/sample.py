"""Draw the blind real-text sample (stdlib only, fixed seed).

Usage: python tests/data/real_blind/sample.py [DATA_DIR] > sample_unlabelled.jsonl

Prints one JSON object a line: id, corpus, ref (where the text is in the source), kind,
title, body.  Labels were then added by hand (see README.md); this script never labels.
Each corpus gets its own random.Random(SEED + index) so that changing one corpus does not
shift the others; rows are drawn with Random.sample over the list of source rows, then
sorted by their position in the source.
"""
import csv
import json
import random
import sys
from pathlib import Path

SEED = 20261207
PER_CORPUS = 60
MAX_CHARS = 1000


def rows_ad(d):
    with open(d / "realtext/ad_copy.jsonl", encoding="utf-8", newline="") as f:
        for n, line in enumerate(f.read().split("\n"), 1):
            if line.strip():
                o = json.loads(line)
                yield f"ad_copy.jsonl line {n} ({o['id']})", None, o["text"]


def rows_app(d):
    with open(d / "realtext/app_descriptions.jsonl", encoding="utf-8", newline="") as f:
        for n, line in enumerate(f.read().split("\n"), 1):  # \n only: texts hold U+2028
            if line.strip():
                o = json.loads(line)
                yield f"app_descriptions.jsonl line {n} ({o['id']})", None, o["text"]


def rows_headlines(d):
    with open(d / "realtext/headlines.tsv", encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines[1:], 2):
        if line:
            title, cls = line.split("\t")
            yield f"headlines.tsv line {n} (class {cls})", title, ""


def rows_weibo(d):
    with open(d / "realtext/weibo2018_train.txt", encoding="utf-8", newline="") as f:
        for n, line in enumerate(f.read().split("\n"), 1):
            if line:
                mid, _label, text = line.split(",", 2)
                yield f"weibo2018_train.txt line {n} (mid {mid})", None, text


def rows_csv(path, name, col):
    with open(path, encoding="utf-8-sig", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), 2):
            if row[col]:
                yield f"{name} line {n}", None, row[col]


CORPORA = [
    # (corpus, kind, row function, how many)
    ("ad_copy", "post", rows_ad, PER_CORPUS),
    ("app_descriptions", "post", rows_app, PER_CORPUS),
    ("headlines", "post", rows_headlines, PER_CORPUS),
    ("weibo2018", "mention", rows_weibo, PER_CORPUS),
    ("online_shopping_10_cats", "review",
     lambda d: rows_csv(d / "sentiment/online_shopping_10_cats.csv", "online_shopping_10_cats.csv", "review"),
     PER_CORPUS // 2),
    ("waimai_10k", "review",
     lambda d: rows_csv(d / "sentiment/waimai_10k.csv", "waimai_10k.csv", "review"), PER_CORPUS // 2),
    ("cold_dev", "comment",
     lambda d: rows_csv(d / "abuse/cold/dev.csv", "cold/dev.csv", "TEXT"), PER_CORPUS),
]


def main():
    d = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")
    out = []
    for i, (corpus, kind, fn, k) in enumerate(CORPORA):
        rows = list(fn(d))
        picked = sorted(random.Random(SEED + i).sample(range(len(rows)), k))
        for idx in picked:
            ref, title, body = rows[idx]
            truncated = len(body) > MAX_CHARS
            out.append({"corpus": corpus, "ref": ref, "kind": kind, "title": title,
                        "body": body[:MAX_CHARS], "truncated": truncated})
    for n, o in enumerate(out, 1):
        o = {"id": f"real-{n:04d}", **o}
        print(json.dumps(o, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""The README's obfuscation example, run as written: its last expression equals the comment below it."""
import ast
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> tuple[str, str, str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Obfuscation:", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    lines = block.rstrip("\n").split("\n")
    assert lines[-1].startswith("# "), "the example ends with its expected value as a comment"
    return "\n".join(lines[:-2]), lines[-2], lines[-1][2:]


def test_readme_obfuscation_example_prints_what_it_says():
    setup, expression, expected = _example()
    namespace: dict = {}
    exec(compile(setup, "README.md", "exec"), namespace)
    assert eval(expression, namespace) == ast.literal_eval(expected)


def test_readme_obfuscation_spans_index_the_original_text():
    setup, _, _ = _example()
    namespace: dict = {}
    exec(compile(setup, "README.md", "exec"), namespace)
    report = namespace["report"]
    body = "这里有du场，jia v详聊"
    assert report.findings and all(body[f.start:f.end] == f.text for f in report.findings)

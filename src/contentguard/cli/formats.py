"""What the command line prints: the serialized result models and one formatter per ``--format``.

``text`` for people (grouped by file, coloured on a terminal), ``json`` (one document holding
everything), ``jsonl`` (one line per document, streamed), ``sarif`` (SARIF 2.1.0 for GitHub code
scanning). Every format ends with the same summary: as a table for ``text``, inside the output
for ``json``, on stderr for the streaming and SARIF formats so their stdout stays parseable.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Literal
from urllib.parse import quote

import click
from pydantic import BaseModel, ConfigDict, Field

from ..report import (
    BatchSummary,
    Decision,
    Finding,
    ReportError,
    Risk,
    RiskLevel,
    RulesetInfo,
    Sentiment,
    SummaryBuilder,
)

RISK_LEVELS: tuple[RiskLevel, ...] = ("none", "low", "medium", "high")
DECISIONS: tuple[Decision, ...] = ("pass", "review", "block")
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


# ---- result models ------------------------------------------------------------------------------

class ScanFinding(Finding):
    """A finding with where it is in the source file (1-based; the end is exclusive) and the
    content fingerprint a baseline records. ``start``/``end`` index the document's field text."""

    line: int
    column: int
    end_line: int
    end_column: int
    fingerprint: str


class SuppressedFinding(ScanFinding):
    suppressed_by: Literal["inline", "baseline"]
    reason: str


class DocumentResult(BaseModel):
    """One checked document. Risk and decision count only findings that are not suppressed."""

    model_config = ConfigDict(frozen=True)

    type: Literal["document"] = "document"
    path: str
    # Line of the record in a batch file; None when the file is one document.
    record: int | None = None
    id: str | None = None
    kind: str = "post"
    platform: str | None = None
    encoding: str = ""
    decision: Decision
    risk: Risk
    # Whether the risk is at or above --fail-on.
    fails: bool
    findings: tuple[ScanFinding, ...] = ()
    suppressed: tuple[SuppressedFinding, ...] = ()
    errors: tuple[ReportError, ...] = ()
    sentiment: Sentiment | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.record}" if self.record is not None else self.path


class SkippedResult(BaseModel):
    """A file or record that was not checked, and why."""

    model_config = ConfigDict(frozen=True)

    type: Literal["skipped"] = "skipped"
    path: str
    record: int | None = None
    reason: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.record}" if self.record is not None else self.path


class ErrorCount(BaseModel):
    code: str
    message: str
    documents: int
    first: str  # where it was first seen


class Summary(BaseModel):
    documents: int = 0
    skipped: int = 0
    findings: int = 0
    suppressed: dict[str, int] = Field(default_factory=dict)
    # category → document risk level → findings (a finding counts under its document's level)
    findings_by_category: dict[str, dict[str, int]] = Field(default_factory=dict)
    risk_levels: dict[str, int] = Field(default_factory=dict)
    decisions: dict[str, int] = Field(default_factory=dict)
    fail_on: str
    failed: int = 0
    errors: list[ErrorCount] = Field(default_factory=list)
    # Sentiment counts and the brand watchlist's public-opinion view (see contentguard.summarize).
    monitoring: BatchSummary | None = None


class ToolInfo(BaseModel):
    name: str = "contentguard"
    version: str


class ScanOutput(BaseModel):
    """The whole ``--format json`` output."""

    tool: ToolInfo
    ruleset: RulesetInfo
    fail_on: str
    documents: list[DocumentResult]
    skipped: list[SkippedResult]
    summary: Summary


class SummaryCounter:
    def __init__(self, fail_on: str):
        self.fail_on = fail_on
        self.documents = 0
        self.skipped = 0
        self.findings = 0
        self.failed = 0
        self.suppressed: Counter[str] = Counter()
        self.by_category: dict[str, Counter[str]] = {}
        self.risk_levels: Counter[str] = Counter()
        self.decisions: Counter[str] = Counter()
        self.errors: dict[tuple[str, str], ErrorCount] = {}
        self.monitoring = SummaryBuilder()

    def add(self, result: DocumentResult | SkippedResult) -> None:
        if isinstance(result, SkippedResult):
            self.skipped += 1
            return
        self.documents += 1
        self.monitoring.add(result)  # type: ignore[arg-type]  # a DocumentResult is shaped like a Report
        self.findings += len(result.findings)
        self.failed += result.fails
        self.risk_levels[result.risk.level] += 1
        self.decisions[result.decision] += 1
        for finding in result.findings:
            self.by_category.setdefault(finding.category, Counter())[result.risk.level] += 1
        for finding in result.suppressed:
            self.suppressed[finding.suppressed_by] += 1
        for error in result.errors:
            key = (error.code, error.message)
            if key in self.errors:
                self.errors[key].documents += 1
            else:
                self.errors[key] = ErrorCount(code=error.code, message=error.message, documents=1, first=result.where)

    def build(self) -> Summary:
        return Summary(
            documents=self.documents, skipped=self.skipped, findings=self.findings,
            suppressed=dict(self.suppressed),
            findings_by_category={c: {level: counts[level] for level in RISK_LEVELS if counts[level]}
                                  for c, counts in sorted(self.by_category.items())},
            risk_levels={level: self.risk_levels[level] for level in RISK_LEVELS},
            decisions={decision: self.decisions[decision] for decision in DECISIONS},
            fail_on=self.fail_on, failed=self.failed, errors=list(self.errors.values()),
            monitoring=self.monitoring.build(),
        )


# ---- masking personal information ---------------------------------------------------------------

def is_privacy(category: str) -> bool:
    return category == "privacy" or category.startswith("privacy.")


def mask(text: str) -> str:
    """Hide personal information, keeping enough to recognise it: the first 3 and last 4 letters
    or digits of a long value (138****5678), the first and last of a short one. Separators
    (spaces, dashes, @, dots) stay, so the shape of an address or number is still visible."""
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    count = len(positions)
    if count >= 10:
        keep_head, keep_tail = 3, 4
    elif count >= 4:
        keep_head, keep_tail = 1, 1
    else:
        keep_head, keep_tail = min(1, count), 0
    hidden = set(positions[keep_head:count - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def privacy_spans(findings: Sequence[Finding]) -> dict[str, list[tuple[int, int]]]:
    """Field → the spans of personal information found in it (phones, QQ, ids, e-mail addresses…)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for finding in findings:
        if is_privacy(finding.category) and finding.end > finding.start:
            spans.setdefault(finding.field, []).append((finding.start, finding.end))
    return spans


def masked_text(text: str, start: int, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` (found at ``start`` of its field) with every part that overlaps a span masked."""
    end = start + len(text)
    pieces, position = [], 0
    for span_start, span_end in sorted(spans):
        a, b = max(span_start, start) - start, min(span_end, end) - start
        if a >= b or a < position:
            continue
        pieces.append(text[position:a])
        pieces.append(mask(text[a:b]))
        position = b
    pieces.append(text[position:])
    return "".join(pieces)


def masked_finding(finding: ScanFinding, spans: dict[str, list[tuple[int, int]]] | None = None) -> ScanFinding:
    """The finding with personal information masked: a privacy finding whole, and in any other finding
    (spam, contact, confidentiality…) every part of its text that overlaps personal information."""
    if not finding.text:
        return finding
    if is_privacy(finding.category):
        hidden = mask(finding.text)
    else:
        overlapping = [s for s in (spans or {}).get(finding.field, ()) if s[0] < finding.end and s[1] > finding.start]
        if not overlapping:
            return finding
        hidden = masked_text(finding.text, finding.start, overlapping)
    return finding.model_copy(update={
        "text": hidden,
        "matched": (mask(finding.matched) if is_privacy(finding.category) else hidden) if finding.matched
        else finding.matched,
        "message": finding.message.replace(finding.text, hidden),
        "suggestion": finding.suggestion.replace(finding.text, hidden),
    })


# ---- formatters ------------------------------------------------------------------------------

class Formatter:
    """Receives results in input order; ``finish`` writes what is left and the summary."""

    def __init__(self, out: IO[str], err: IO[str], ruleset: RulesetInfo, fail_on: str, version: str,
                 quiet: bool = False, color: bool = False, suggest: bool = False):
        self.out = out
        self.err = err
        self.ruleset = ruleset
        self.fail_on = fail_on
        self.version = version
        self.quiet = quiet
        self.color = color
        self.suggest = suggest

    def add(self, result: DocumentResult | SkippedResult) -> None:
        raise NotImplementedError

    def finish(self, summary: Summary) -> None:
        raise NotImplementedError

    def _summary_to_stderr(self, summary: Summary) -> None:
        if not self.quiet:
            click.echo(render_summary(summary, self.color), file=self.err, color=self.color, nl=False)


_SEVERITY_COLOURS = {5: "red", 4: "red", 3: "yellow", 2: "cyan", 1: "cyan"}
_DECISION_COLOURS = {"pass": "green", "review": "yellow", "block": "red"}


class TextFormatter(Formatter):
    """``path:line:col: rule-id [severity] message``, grouped under a line per document."""

    def add(self, result: DocumentResult | SkippedResult) -> None:
        style = self._style
        if isinstance(result, SkippedResult):
            self._echo(f"{style(result.where, bold=True)}: {style('skipped', fg='yellow')}: {result.reason}")
            return
        if not result.findings and not result.fails:
            return
        decision = style(result.decision, fg=_DECISION_COLOURS[result.decision], bold=True)
        header = f"{style(result.where, bold=True)}  {decision} · risk {result.risk.level}"
        if result.id and result.record is not None:
            header += f" · id {result.id}"
        if result.suppressed:
            header += f" · {len(result.suppressed)} suppressed"
        self._echo(header)
        for finding in result.findings:
            severity = style(f"[{finding.severity}]", fg=_SEVERITY_COLOURS.get(finding.severity))
            self._echo(f"  {result.path}:{finding.line}:{finding.column}: {style(finding.rule_id, bold=True)} "
                       f"{severity} {finding.message}")
            if self.suggest and finding.suggestion:
                self._echo(f"      {style('suggestion:', fg='green')} {finding.suggestion}")
            if self.suggest and finding.clause:
                self._echo(f"      {style('clause:', dim=True)} {finding.clause}")

    def finish(self, summary: Summary) -> None:
        if not self.quiet:
            self._echo("")
            click.echo(render_summary(summary, self.color), file=self.out, color=self.color, nl=False)

    def _echo(self, line: str) -> None:
        click.echo(line, file=self.out, color=self.color)

    def _style(self, text: str, **styles) -> str:
        return click.style(text, **styles) if self.color else text


class JsonFormatter(Formatter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents: list[DocumentResult] = []
        self.skipped: list[SkippedResult] = []

    def add(self, result: DocumentResult | SkippedResult) -> None:
        (self.skipped if isinstance(result, SkippedResult) else self.documents).append(result)  # type: ignore[arg-type]

    def finish(self, summary: Summary) -> None:
        output = ScanOutput(tool=ToolInfo(version=self.version), ruleset=self.ruleset, fail_on=self.fail_on,
                            documents=self.documents, skipped=self.skipped, summary=summary)
        self.out.write(output.model_dump_json(indent=2) + "\n")


class JsonlFormatter(Formatter):
    """One JSON object per line as each document is done: ``type`` is "document" or "skipped"."""

    def add(self, result: DocumentResult | SkippedResult) -> None:
        self.out.write(result.model_dump_json() + "\n")
        self.out.flush()

    def finish(self, summary: Summary) -> None:
        self._summary_to_stderr(summary)


class SarifFormatter(Formatter):
    """SARIF 2.1.0 as GitHub code scanning reads it: one run, the loaded rules as the driver's
    rules, one result per finding (suppressed ones carry their suppression), skipped files as
    tool notifications."""

    def __init__(self, *args, rules: Sequence = (), root: Path | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = list(rules)
        self.rule_index = {compiled.rule.id: index for index, compiled in enumerate(self.rules)}
        self.root = (root or Path.cwd()).resolve()
        self.results: list[dict] = []
        self.notifications: list[dict] = []
        self.artifacts: dict[str, int] = {}
        self.started = time.time()

    def add(self, result: DocumentResult | SkippedResult) -> None:
        if isinstance(result, SkippedResult):
            self.notifications.append({
                "level": "warning",
                "message": {"text": f"{result.where}: skipped: {result.reason}"},
                "locations": [self._location(result.path, result.record or 1, 1, result.record or 1, 1)],
                "descriptor": {"id": "skipped-input"},
            })
            return
        for finding in result.findings:
            self.results.append(self._result(result, finding))
        for finding in result.suppressed:
            entry = self._result(result, finding)
            entry["suppressions"] = [{
                "kind": "inSource" if finding.suppressed_by == "inline" else "external",
                "justification": finding.reason,
            }]
            self.results.append(entry)

    def _result(self, document: DocumentResult, finding: ScanFinding) -> dict:
        entry: dict = {
            "ruleId": finding.rule_id,
            "level": sarif_level(finding.severity),
            "message": {"text": finding.message + (f" 建议：{finding.suggestion}" if finding.suggestion else "")},
            "locations": [self._location(document.path, finding.line, finding.column, finding.end_line,
                                         finding.end_column, snippet=finding.text)],
            "partialFingerprints": {"contentguard/v1": finding.fingerprint},
            "properties": {"category": finding.category, "severity": finding.severity, "field": finding.field,
                           "evidence": finding.evidence, "decision": document.decision,
                           "riskLevel": document.risk.level},
        }
        if finding.rule_id in self.rule_index:
            entry["ruleIndex"] = self.rule_index[finding.rule_id]
        if document.id and document.record is not None:
            entry["properties"]["documentId"] = document.id
        return entry

    def _location(self, path: str, line: int, column: int, end_line: int, end_column: int,
                  snippet: str | None = None) -> dict:
        uri = self._uri(path)
        if uri not in self.artifacts:
            self.artifacts[uri] = len(self.artifacts)
        region: dict = {"startLine": line, "startColumn": column}
        if (end_line, end_column) > (line, column):
            region["endLine"] = end_line
            region["endColumn"] = end_column
        if snippet:
            region["snippet"] = {"text": snippet}
        return {"physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%", "index": self.artifacts[uri]},
            "region": region,
        }}

    def _uri(self, path: str) -> str:
        candidate = Path(path)
        if candidate.is_absolute():
            try:
                candidate = candidate.resolve().relative_to(self.root)
            except ValueError:
                return candidate.resolve().as_uri()
        return quote(candidate.as_posix())

    def finish(self, summary: Summary) -> None:
        rules = [sarif_rule(compiled) for compiled in self.rules]
        run = {
            "tool": {"driver": {
                "name": "contentguard",
                "version": self.version,
                "semanticVersion": self.version,
                "informationUri": "https://pypi.org/project/contentguard/",
                "rules": rules,
                "properties": {"ruleset": self.ruleset.model_dump(mode="json")},
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": self.root.as_uri() + "/"}},
            "artifacts": [{"location": {"uri": uri, "uriBaseId": "%SRCROOT%"}} for uri in self.artifacts],
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": True,
                "toolExecutionNotifications": self.notifications,
                "properties": {"failOn": self.fail_on, "failed": summary.failed, "documents": summary.documents},
            }],
            "results": self.results,
        }
        log = {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        self.out.write(json.dumps(log, ensure_ascii=False, indent=2) + "\n")
        self._summary_to_stderr(summary)


def sarif_level(severity: int) -> str:
    return "error" if severity >= 4 else "warning" if severity == 3 else "note"


def _template_text(template: str) -> str:
    return re.sub(r"{(match|term|note)}", "…", template)


def sarif_rule(compiled) -> dict:
    rule = compiled.rule
    help_lines = [line for line in (f"建议：{_template_text(rule.suggestion)}" if rule.suggestion else "",
                                    f"依据：{rule.clause}" if rule.clause else "") if line]
    entry = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]+", rule.id) if part),
        "shortDescription": {"text": _template_text(rule.message)},
        "fullDescription": {"text": rule.description or _template_text(rule.message)},
        "defaultConfiguration": {"level": sarif_level(rule.severity), "enabled": rule.enabled},
        "properties": {"category": rule.category, "severity": rule.severity, "pack": compiled.pack,
                       "kind": rule.kind, "tags": [rule.category.split(".", 1)[0], "compliance"]},
    }
    if help_lines:
        entry["help"] = {"text": "\n".join(help_lines)}
    return entry


FORMATTERS: dict[str, type[Formatter]] = {
    "text": TextFormatter, "json": JsonFormatter, "jsonl": JsonlFormatter, "sarif": SarifFormatter,
}


# ---- the summary table ------------------------------------------------------------------------------

def render_summary(summary: Summary, color: bool = False) -> str:
    def style(text: str, **styles) -> str:
        return click.style(text, **styles) if color else text

    lines = [style("Summary", bold=True)]
    skipped = f" ({summary.skipped} skipped)" if summary.skipped else ""
    lines.append(f"  documents   {summary.documents}{skipped}")
    suppressed = sum(summary.suppressed.values())
    suppressed_note = ""
    if suppressed:
        suppressed_note = f" ({suppressed} suppressed: " + ", ".join(
            f"{how} {count}" for how, count in sorted(summary.suppressed.items())) + ")"
    lines.append(f"  findings    {summary.findings}{suppressed_note}")
    if summary.findings_by_category:
        levels = ("low", "medium", "high")
        width = max(12, *(len(c) for c in summary.findings_by_category))
        lines.append(f"    {'category':<{width}}  " + "  ".join(f"{level:>6}" for level in levels) + "   total")
        for category, counts in summary.findings_by_category.items():
            total = sum(counts.values())
            lines.append(f"    {category:<{width}}  " + "  ".join(f"{counts.get(level, 0):>6}" for level in levels)
                         + f"  {total:>6}")
    lines.append("  risk        " + " · ".join(f"{level} {summary.risk_levels.get(level, 0)}" for level in RISK_LEVELS))
    lines.append("  decisions   " + " · ".join(
        style(f"{decision} {summary.decisions.get(decision, 0)}", fg=_DECISION_COLOURS[decision])
        if summary.decisions.get(decision) else f"{decision} 0" for decision in DECISIONS))
    monitoring = summary.monitoring
    if monitoring and monitoring.sentiments:
        lines.append("  sentiment   " + " · ".join(f"{label} {monitoring.sentiments.get(label, 0)}"
                                                   for label in ("negative", "neutral", "positive")))
    if monitoring and monitoring.brand_mentions:
        escalated = ", ".join(f"{m.id or '?'} ({m.level})" for m in monitoring.escalated_brand_mentions)
        lines.append(f"  brands      {monitoring.brand_mentions} mention(s), {monitoring.negative_brand_mentions} "
                     f"negative, escalated: {escalated or 'none'}")
    for error in summary.errors:
        lines.append(f"  {style('note', fg='yellow')}        {error.code} ({error.documents} document(s), first "
                     f"{error.first}): {error.message}")
    lines.append(f"  result      {verdict_line(summary, style)}")
    return "\n".join(lines) + "\n"


def verdict_line(summary: Summary, style=lambda text, **_: text) -> str:
    """The result of a run in one line. "ok" only when everything was checked and nothing is at or
    above --fail-on or needs a person: input that could not be read and documents sent to review
    are never "ok"."""
    problems = []
    if summary.failed:
        problems.append(f"{summary.failed} document(s) at or above risk {summary.fail_on}")
    if summary.skipped:
        problems.append(f"{summary.skipped} input(s) could not be checked")
    if problems:
        return style("FAIL: " + "; ".join(problems), fg="red", bold=True)
    to_review = summary.decisions.get("review", 0) + summary.decisions.get("block", 0)
    if to_review:
        return style(f"passed --fail-on {summary.fail_on}, but {to_review} document(s) need review "
                     f"(decision review or block)", fg="yellow")
    return style(f"ok: no document at or above risk {summary.fail_on}", fg="green")


"""The ``contentguard`` command: scan content before it is published, inspect and test rule packs.

    contentguard scan docs/ --fail-on medium          # exit 1 when a document is at or above medium
    contentguard scan posts.jsonl --format sarif > results.sarif
    contentguard rules | explain RULE-ID | test-rules [DIR] | fix FILE | baseline create PATH...

Exit codes: 0 nothing at or above ``--fail-on``; 1 something is (or, for test-rules, an example
failed); 2 a usage or configuration error, told in one message without a traceback.

Start-up time matters for a pre-commit hook: the engine (numpy, jieba, the sentiment model) is
imported only inside the commands that need it, never at the top of this module.
"""

from __future__ import annotations

import difflib
import functools
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, get_args

import click

from ..document import Kind  # the package's __init__ has imported it already

if TYPE_CHECKING:
    from ..guard import Guard
    from ..inputs import InputOptions, Item, ReadProgress, Unit
    from .baseline import BaselineMatcher
    from .formats import DocumentResult, SkippedResult

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_ON_LEVELS = ("low", "medium", "high")
# The shipped risk matrix sends medium to review and high to block: failing at medium stops everything
# a person must look at, which is what a compliance team expects of a pre-publication check.
DEFAULT_FAIL_ON = "medium"


class CliError(click.ClickException):
    """A usage or configuration problem: one message on stderr, exit code 2."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[str] | None = None) -> None:
        click.echo(f"contentguard: error: {self.format_message()}", file=file or sys.stderr)


def _version() -> str:
    from .. import __version__

    return __version__


# ---- shared options ------------------------------------------------------------------------------

def ruleset_options(command: Callable) -> Callable:
    """--packs, --rules, --config: which rules, as ``contentguard.load`` takes them."""
    options = [
        click.option("--packs", "packs", multiple=True, metavar="NAMES",
                     help="Packs to load instead of the defaults: shipped pack names or pack files/folders, "
                          "comma-separated or repeated."),
        click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False), metavar="DIR",
                     help="A folder laid out like the shipped rules/ (ruleset.yaml, risk_matrix.yaml, packs/)."),
        click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
                     help="contentguard.yaml or pyproject.toml [tool.contentguard]; found from the current "
                          "folder upwards when not given."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def load_guard(packs: tuple[str, ...] = (), rules_dir: str | None = None, config_file: str | None = None,
               pack_sources: list[str] | None = None, sentiment: str | None = None) -> Guard:
    """Compile the ruleset; configuration and pack problems become a usage error (exit 2)."""
    from ..config import discover_config, load_config
    from ..errors import ContentGuardError
    from ..guard import load

    selected = [name.strip() for value in packs for name in value.split(",") if name.strip()]
    if pack_sources is not None:
        selected = pack_sources
    try:
        config = load_config(config_file or discover_config(Path.cwd()))
        if sentiment is not None:
            config = config.model_copy(update={"sentiment": sentiment})
        return load(packs=selected or None, config=config, rules_dir=rules_dir)
    except ContentGuardError as exc:
        raise CliError(str(exc)) from None
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None


def input_options(command: Callable) -> Callable:
    """How paths are walked and records mapped to documents."""
    options = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True)),
        click.option("--include", multiple=True, metavar="GLOB",
                     help="Only files matching (gitignore-style, relative to a folder given); default: "
                          ".txt .md .html .jsonl .csv .tsv."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out matching files and folders."),
        click.option("--no-ignore", is_flag=True,
                     help="Do not read .gitignore / .contentguardignore files while walking folders."),
        click.option("--id-field", default="id", show_default=True, help="Batch records: the id field."),
        click.option("--title-field", default="title", show_default=True, help="Batch records: the title field."),
        click.option("--text-field", default=None,
                     help="Batch records: the text field (default: the first of text, body, content)."),
        click.option("--kind", type=click.Choice(get_args(Kind)),
                     default=None,
                     help="Check everything as this kind (default: a record's own 'kind', else post)."),
        click.option("--platform", default=None, help="Where it is published (wechat, weibo, douyin, …)."),
        click.option("--max-file-size", default="10MB", show_default=True, metavar="SIZE",
                     help="Skip one-document files larger than this (batches are streamed whatever their size)."),
        click.option("--stdin-filename", default=None, metavar="NAME",
                     help="Name shown for '-' (stdin); its suffix picks the format."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _parse_size(value: str) -> int:
    units = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024 ** 2, "MB": 1024 ** 2, "G": 1024 ** 3, "GB": 1024 ** 3}
    text = value.strip().upper().replace(" ", "")
    number = text.rstrip("KMGB")
    unit = text[len(number):]
    try:
        size = float(number) * units[unit]
    except (ValueError, KeyError):
        raise CliError(f"--max-file-size: {value!r} is not a size (e.g. 500KB, 10MB)") from None
    return int(size)


def _input_options(kwargs: dict[str, Any]) -> InputOptions:
    from ..inputs import InputOptions

    return InputOptions(
        include=tuple(kwargs.pop("include")), exclude=tuple(kwargs.pop("exclude")),
        use_ignore_files=not kwargs.pop("no_ignore"), id_field=kwargs.pop("id_field"),
        title_field=kwargs.pop("title_field"), text_field=kwargs.pop("text_field"), kind=kwargs.pop("kind"),
        platform=kwargs.pop("platform"), max_file_size=_parse_size(kwargs.pop("max_file_size")),
        stdin_filename=kwargs.pop("stdin_filename"),
    )


# ---- the scan pipeline ---------------------------------------------------------------------------

class Progress:
    """A progress bar on stderr for long batches: only on a terminal (or with --progress), only after
    a moment, never with -q (the caller decides ``enabled``).

    The bar follows the bytes read of the input files (known before reading); with stdin in the input
    it is a counter of documents. tqdm (MPL-2.0/MIT) draws it: it fits the line to the terminal's width
    (Chinese file names are two columns a character), redraws at most every 0.1 s and clears the line
    when done. It is imported only when the bar is first drawn, so quick scans never load it.
    """

    WIDTH = 24

    def __init__(self, stream: IO[str], enabled: bool, reading: ReadProgress | None = None, delay: float = 0.5):
        self.stream = stream
        self.enabled = enabled
        self.reading = reading
        self.delay = delay
        self.started = time.monotonic()
        self.documents = 0
        self.skipped = 0
        self.bar: Any = None

    def update(self, result: DocumentResult | SkippedResult) -> None:
        if result.type == "skipped":
            self.skipped += 1
        else:
            self.documents += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if self.bar is None and now - self.started < self.delay:
            return
        rate = self.documents / max(now - self.started, 1e-6)
        path = result.path if len(result.path) <= 40 else "…" + result.path[-39:]
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        status = f"{self.documents} documents{skipped} ({rate:,.0f}/s)  {path}"
        fraction = self.reading.fraction if self.reading is not None else None
        if self.bar is None:
            self.bar = self._start(status, fraction)  # drawn at once
        else:
            self.bar.set_description_str(status, refresh=False)
            self.bar.update((fraction - self.bar.n) if fraction is not None and self.bar.total else 0)

    def _start(self, status: str, fraction: float | None) -> Any:
        import threading

        from tqdm import tqdm

        class Bar(tqdm):
            monitor_interval = 0  # no monitor thread (worker processes are forked while it runs)

        Bar.set_lock(threading.RLock())  # not tqdm's default multiprocessing lock: one process draws
        bar_format = ("\x1b[2Kscanning [{bar:" + str(self.WIDTH) + "}] {percentage:3.0f}% {desc}"
                      if fraction is not None else "\x1b[2Kscanning {desc}")
        return Bar(total=1.0 if fraction is not None else None, initial=fraction or 0, desc=status,
                   bar_format=bar_format, ascii="-#", file=self.stream, leave=False, dynamic_ncols=True,
                   mininterval=0.1, miniters=0, delay=0)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_scan(guard: Guard, items: Iterator[Item], workers: int, fail_on: str,
             baseline: BaselineMatcher | None = None, mask: bool = False
             ) -> Iterator[tuple[Item, DocumentResult | SkippedResult]]:
    """Check every unit (in worker processes when asked) and pair each with its result, in order."""
    from ..inputs import Unit
    from .formats import SkippedResult

    pending: deque = deque()

    def documents():
        # check_batch reads this lazily, so `pending` never holds more than it has read ahead.
        for item in items:
            pending.append(item)
            if isinstance(item, Unit):
                yield item.document

    def skipped_results():
        from ..engine.normalize import escape_surrogates

        while pending and not isinstance(pending[0], Unit):
            item = pending.popleft()
            yield item, SkippedResult(path=escape_surrogates(item.path), record=item.record_line,
                                      reason=escape_surrogates(item.reason))

    def results(reports: Iterator) -> Iterator[tuple[Item, DocumentResult | SkippedResult]]:
        for report in reports:
            yield from skipped_results()
            unit = pending.popleft()
            yield unit, document_result(guard, unit, report, fail_on, baseline, mask)
        yield from skipped_results()

    if workers > 1:
        with guard.pool(workers) as pool:
            yield from results(guard.check_batch(documents(), pool=pool))
    else:
        yield from results(guard.check_batch(documents()))


def document_result(guard: Guard, unit: Unit, report, fail_on: str, baseline: BaselineMatcher | None,
                    mask: bool) -> DocumentResult:
    """The report placed in its source: positions, inline and baseline suppressions, masking; the
    risk is graded again on what is left when something was suppressed."""
    from ..gate import blocks
    from ..report import ReportError
    from .baseline import fingerprint
    from .formats import DocumentResult, ScanFinding, SuppressedFinding, masked_finding, privacy_spans

    kept: list[ScanFinding] = []
    kept_original = []  # the engine's findings that stay, to grade the risk again
    suppressed: list[SuppressedFinding] = []
    document = unit.document
    for finding in report.findings:
        position = unit.locator.locate(finding.field, finding.start, finding.end)
        field_text = document.title if finding.field == "title" else document.body
        located = ScanFinding(**finding.model_dump(), line=position.line, column=position.column,
                              end_line=position.end_line, end_column=position.end_column,
                              fingerprint=fingerprint(finding, field_text or ""))
        directive = next((d for d in unit.directives.get(position.line, ()) if d.covers(finding.rule_id)), None)
        if directive is not None:
            reason = directive.reason or f"inline directive on line {directive.line} (no reason given)"
            suppressed.append(SuppressedFinding(**located.model_dump(), suppressed_by="inline", reason=reason))
        elif baseline is not None and baseline.accept(located.fingerprint):
            suppressed.append(SuppressedFinding(**located.model_dump(), suppressed_by="baseline",
                                                reason="accepted in the baseline"))
        else:
            kept.append(located)
            kept_original.append(finding)
    risk, decision = report.risk, report.decision
    if suppressed:
        report = guard.regrade(report, kept_original)
        risk, decision = report.risk, report.decision
    if mask:
        spans = privacy_spans(report.findings)
        kept = [masked_finding(f, spans) for f in kept]
        suppressed = [masked_finding(f, spans) for f in suppressed]  # type: ignore[misc]
        risk = masked_risk(risk, report.findings)
    errors = (*report.errors, *(ReportError(code="input", message=warning) for warning in unit.warnings))
    return DocumentResult(
        path=unit.path, record=unit.record_line, id=document.id, kind=document.kind, platform=document.platform,
        encoding=unit.encoding, decision=decision, risk=risk, fails=blocks(report, fail_on),
        findings=tuple(kept), suppressed=tuple(suppressed), errors=errors, sentiment=report.sentiment,
    )


def masked_risk(risk, findings) -> Any:
    """The risk with personal information masked in its explanation, which quotes the findings."""
    from .formats import is_privacy, mask, masked_text, privacy_spans

    spans = privacy_spans(findings)
    texts = {f.text: mask(f.text) for f in findings if is_privacy(f.category) and f.text}
    for f in findings:  # other findings that quote personal information (a contact lure with a phone number)
        if f.text and not is_privacy(f.category):
            hidden = masked_text(f.text, f.start, spans.get(f.field, []))
            if hidden != f.text:
                texts[f.text] = hidden
    texts = dict(sorted(texts.items(), key=lambda item: -len(item[0])))  # longest first
    if not texts:
        return risk

    def hide(value: str) -> str:
        for text, hidden in texts.items():
            value = value.replace(text, hidden)
        return value

    return risk.model_copy(update={"explanation": hide(risk.explanation),
                                   "contributions": tuple(hide(c) for c in risk.contributions)})


def _workers(value: int) -> int:
    """Worker processes for --workers (0: one per core), capped by limits.yaml with a message."""
    if value == 1:  # never lowered, and one worker needs no pool: not importing it saves a one-file scan 30 ms
        return 1
    from ..pool import worker_count

    actual, message = worker_count(value)
    if message:
        click.echo(f"contentguard: note: {message}", err=True)
    return actual


# ---- commands -------------------------------------------------------------------------------------

@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="contentguard", prog_name="contentguard")
def cli() -> None:
    """Check Chinese corporate social-media content for compliance before it is published."""


@cli.command()
@input_options
@ruleset_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "jsonl", "sarif"]), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(FAIL_ON_LEVELS), default=DEFAULT_FAIL_ON, show_default=True,
              help="Exit 1 when a document's risk level is at or above this (medium: everything the risk "
                   "matrix sends to review or blocks).")
@click.option("--workers", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes for the checks (0: one per core).")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Findings recorded in this baseline are accepted: only new ones count.")
@click.option("--suggest", is_flag=True, help="Print each finding's suggested rewrite and the clause behind it.")
@click.option("--mask", is_flag=True, help="Mask personal information in the output (138****5678).")
@click.option("-q", "--quiet", is_flag=True, help="No summary and no progress bar.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: on a terminal).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("--sentiment", type=click.Choice(["all", "comments", "off"]), default=None,
              help="Which documents get a sentiment score (default: the configuration's, else all); "
                   "'comments' spares a hook that checks posts the model's load time.")
def scan(paths: tuple[str, ...], output_format: str, fail_on: str, workers: int, baseline_file: str | None,
         suggest: bool, mask: bool, quiet: bool, progress: bool | None, color: bool | None, sentiment: str | None,
         packs: tuple[str, ...], rules_dir: str | None, config_file: str | None, **kwargs: Any) -> None:
    """Check files, folders (recursively) and '-' (stdin).

    Formats by suffix: .txt, .md (front-matter title), .html (visible text), .jsonl / .csv / .tsv
    (batches of posts or comments). Files that are not text are reported as skipped.

    Exit codes: 0 no document at or above --fail-on; 1 some are; 2 usage or configuration error.
    """
    options = _input_options(kwargs)
    baseline = _read_baseline(baseline_file) if baseline_file else None
    guard = load_guard(packs, rules_dir, config_file, sentiment=sentiment)
    from ..inputs import ReadProgress, read_items
    from .formats import FORMATTERS, SarifFormatter, SummaryCounter

    out = sys.stdout
    err = sys.stderr
    use_color = _use_color(color, out)
    formatter_class = FORMATTERS[output_format]
    extra: dict[str, Any] = {"rules": guard.rules} if formatter_class is SarifFormatter else {}
    formatter = formatter_class(out, err, guard.ruleset, fail_on, _version(), quiet=quiet, color=use_color,
                                suggest=suggest, **extra)
    counter = SummaryCounter(fail_on)
    show_progress = (not quiet) and (progress if progress is not None else err.isatty())
    reading = ReadProgress() if show_progress else None
    bar = Progress(err, show_progress, reading, delay=0 if progress else 0.5)
    try:
        for _, result in run_scan(guard, read_items(paths, options, progress=reading), _workers(workers), fail_on,
                                  baseline.matcher() if baseline else None, mask):
            bar.update(result)
            counter.add(result)
            formatter.add(result)
    finally:
        bar.close()
    summary = counter.build()
    formatter.finish(summary)
    # Input that could not be checked fails the run: nothing unchecked passes as ok.
    sys.exit(EXIT_FINDINGS if summary.failed or summary.skipped else EXIT_OK)


def _use_color(flag: bool | None, stream: IO[str]) -> bool:
    if flag is not None:
        return flag
    return stream.isatty() and "NO_COLOR" not in os.environ


def _read_baseline(path: str):
    from ..errors import ContentGuardError
    from .baseline import Baseline

    try:
        return Baseline.read(Path(path))
    except ContentGuardError as exc:
        raise CliError(str(exc)) from None


@cli.group()
def baseline() -> None:
    """Accept the findings of existing content, so that only new findings fail a scan."""


@baseline.command("create")
@input_options
@ruleset_options
@click.option("-o", "--output", default=".contentguard-baseline.json", show_default=True,
              type=click.Path(dir_okay=False), help="The baseline file to write.")
@click.option("--workers", type=click.IntRange(min=0), default=1, show_default=True)
def baseline_create(paths: tuple[str, ...], output: str, workers: int, packs: tuple[str, ...],
                    rules_dir: str | None, config_file: str | None, **kwargs: Any) -> None:
    """Record every current finding of PATHS (inline-suppressed ones aside) in a baseline file."""
    options = _input_options(kwargs)
    guard = load_guard(packs, rules_dir, config_file)
    from ..inputs import read_items
    from .baseline import Baseline, BaselineEntry

    record = Baseline(ruleset_version=guard.ruleset.version, ruleset_hash=guard.ruleset.hash)
    documents = skipped = 0
    for _, result in run_scan(guard, read_items(paths, options), _workers(workers), "high"):
        if result.type == "skipped":
            skipped += 1
            click.echo(f"{result.where}: skipped: {result.reason}", err=True)
            continue
        documents += 1
        for finding in result.findings:
            record.entries.append(BaselineEntry(fingerprint=finding.fingerprint, rule_id=finding.rule_id,
                                                path=result.path, line=finding.line))
    try:
        record.write(Path(output))
    except OSError as exc:
        raise CliError(f"{output}: cannot write the baseline: {exc.strerror or exc}") from None
    click.echo(f"baseline: {len(record.entries)} finding(s) of {documents} document(s) written to {output}"
               + (f" ({skipped} skipped)" if skipped else ""), err=True)


@cli.command()
@input_options
@ruleset_options
@click.option("--mask", is_flag=True, help="Also mask personal information (privacy findings) in the rewrite.")
@click.option("--write", is_flag=True, help="Rewrite the files in place instead of printing a diff.")
def fix(paths: tuple[str, ...], mask: bool, write: bool, packs: tuple[str, ...], rules_dir: str | None,
        config_file: str | None, **kwargs: Any) -> None:
    """Print the suggested rewrites of PATHS as a unified diff (or apply them with --write).

    A finding whose term has a replacement (最好 → 很好) is rewritten; with --mask, personal
    information is masked (138****5678). Findings that need a person's judgement are listed
    on stderr with their advice. Batch files are not rewritten: their findings are listed.
    """
    options = _input_options(kwargs)
    guard = load_guard(packs, rules_dir, config_file)
    from ..inputs import Unit, read_items

    out = sys.stdout
    changed = 0
    for item, result in run_scan(guard, read_items(paths, options), 1, "high"):
        if result.type == "skipped":
            click.echo(f"{result.where}: skipped: {result.reason}", err=True)
            continue
        assert isinstance(item, Unit)
        rewrites, advice = plan_rewrites(guard, item, result, mask)
        for line in advice:
            click.echo(line, err=True)
        if not rewrites or item.source_text is None:
            continue
        rewrites, refused = checked_rewrites(guard, item, result, rewrites, options)
        for line in refused:
            click.echo(line, err=True)
        if not rewrites:
            continue
        original = item.source_text.text
        rewritten = apply_rewrites(original, rewrites)
        changed += 1
        if write:
            _write_back(item, rewritten)
            click.echo(f"{item.path}: {len(rewrites)} rewrite(s) applied", err=True)
        else:
            out.writelines(difflib.unified_diff(original.splitlines(keepends=True),
                                                rewritten.splitlines(keepends=True),
                                                fromfile=f"a/{item.path}", tofile=f"b/{item.path}"))
    if not changed:
        click.echo("fix: nothing to rewrite automatically", err=True)


def plan_rewrites(guard: Guard, unit: Unit, result: DocumentResult, mask: bool
                  ) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Source spans to replace, and advice lines for the findings left to a person.

    A rewrite replaces exactly the source characters of its finding. Findings whose spans overlap
    (全网最低 and 最低价 in 全网最低价) are rewritten only when one of them covers all the others
    and they agree on the words: replacing a part would leave the rest of the phrase behind
    (优惠价价). Otherwise they are listed as not auto-fixable.
    """
    from .formats import is_privacy
    from .formats import mask as mask_text

    planned: list[tuple[int, int, str | None, str]] = []
    advice: list[str] = []
    document = unit.document
    for finding in result.findings:
        where = f"{unit.path}:{finding.line}:{finding.column}"
        replacement = finding.replacement
        field_text = (document.title if finding.field == "title" else document.body) or ""
        original_text = field_text[finding.start:finding.end]
        if mask and is_privacy(finding.category):
            replacement = mask_text(original_text)
        tip = f" — {finding.suggestion}" if finding.suggestion else ""
        line = f"{where}: {finding.rule_id}: {finding.message}{tip}"
        span = unit.locator.source_span(finding.field, finding.start, finding.end)
        if replacement is not None and span is not None and unit.source_text is not None \
                and unit.source_text.text[span[0]:span[1]] != original_text:
            # The words run across tags or entities, or are written escaped (a YAML title with \u
            # escapes): the source there is not the text checked, and rewriting it would break it.
            advice.append(f"{line} (not auto-fixable: the source writes these words differently, "
                          f"e.g. escaped or split by markup)")
            continue
        if replacement is None or span is None:
            advice.append(line)
            continue
        cut = None if replacement != finding.replacement else _cut_word(field_text, finding.start, finding.end)
        if cut is not None:
            advice.append(f"{line} (not auto-fixable: 「{finding.text}」 cuts the word 「{cut}」; replacing it "
                          f"would leave part of that word behind)")
            continue
        if unit.format == "html":
            import html

            replacement = html.escape(replacement, quote=False)
        planned.append((span[0], span[1], replacement, line))
    planned.sort(key=lambda r: (r[0], -r[1]))
    rewrites: list[tuple[int, int, str]] = []
    cluster: list[tuple[int, int, str | None, str]] = []

    def settle() -> None:
        if not cluster:
            return
        start, end = cluster[0][0], max(r[1] for r in cluster)
        covering = {r[2] for r in cluster if r[0] == start and r[1] == end}
        if len(covering) == 1:
            rewrites.append((start, end, covering.pop()))  # type: ignore[arg-type]
        else:
            advice.extend(f"{r[3]} (not auto-fixable: overlaps another finding and no single rewrite "
                          f"covers both)" for r in cluster)
        cluster.clear()

    for item in planned:
        if cluster and item[0] >= max(r[1] for r in cluster):
            settle()
        cluster.append(item)
    settle()
    return rewrites, advice


@functools.lru_cache(maxsize=1)
def _plain_words():
    from ..engine.tokenize import WordSegmenter

    return WordSegmenter(())  # jieba's own dictionary: the ruleset's terms would make 全网最低 a word


def _cut_word(text: str, start: int, end: int, window: int = 20) -> str | None:
    """The word (jieba, its own dictionary) that ``text[start:end]`` starts or ends inside, or None
    (全网最低 in 全网最低价 ends inside 最低价)."""
    low = max(0, start - window)
    position = low
    for word in _plain_words().tokens(text[low:min(len(text), end + window)]):
        word_start, word_end = position, position + len(word)
        if word_start < start < word_end or word_start < end < word_end:
            return word
        position = word_end
    return None


def checked_rewrites(guard: Guard, unit: Unit, result: DocumentResult, rewrites: list[tuple[int, int, str]],
                     options: InputOptions) -> tuple[list[tuple[int, int, str]], list[str]]:
    """The rewrites that leave nothing new flagged, and a line for each one left out.

    The rewritten source is read and checked again. A rewrite whose new words are flagged (最顶级 →
    很顶级, flagged as 顶级) is dropped; a finding elsewhere that the original did not have (the
    rewrite changed the context) drops every rewrite. Repeated until the rest is clean.
    """
    from collections import Counter

    from ..inputs import read_text_document
    from .formats import SkippedResult

    assert unit.source_text is not None
    original = unit.source_text.text

    def source_spans(of_unit: Unit, findings) -> list[tuple[Any, tuple[int, int] | None]]:
        return [(f, of_unit.locator.source_span(f.field, f.start, f.end)) for f in findings]

    def overlaps(span: tuple[int, int] | None, spans: list[tuple[int, int]]) -> bool:
        return span is not None and any(span[0] < e and s < span[1] for s, e in spans)

    before = source_spans(unit, result.findings)
    refused: list[str] = []
    kept = []
    for start, end, replacement in rewrites:
        # A Big5 file cannot hold every replacement (优惠价 has no Big5 code): it is left to a person.
        try:
            replacement.encode(unit.encoding, errors="strict")
        except UnicodeEncodeError:
            refused.append(f"{unit.path}: not rewritten: 「{original[start:end]}」 → 「{replacement}」 cannot be "
                           f"written in the file's encoding ({unit.encoding.upper()})")
            continue
        except LookupError:  # pragma: no cover - the encoding is one the file was read in
            pass
        kept.append((start, end, replacement))
    while kept:
        text = apply_rewrites(original, kept)
        new_spans, shift = [], 0
        for start, end, replacement in kept:
            new_spans.append((start + shift, start + shift + len(replacement)))
            shift += len(replacement) - (end - start)
        item = read_text_document(unit.path, _encode_like(unit, text), unit.format, options)
        if not hasattr(item, "document"):
            refused.extend(f"{unit.path}: not rewritten: the rewritten file could not be read back "
                           f"({getattr(item, 'reason', '')})" for _ in kept[:1])
            return [], refused
        report = guard.check(item.document)
        after = document_result(guard, item, report, "high", None, False)
        if isinstance(after, SkippedResult):  # pragma: no cover - a re-read document is never skipped
            return [], refused
        blamed: set[int] = set()
        old_keys = Counter((f.rule_id, f.text) for f, span in before
                           if not overlaps(span, [(s, e) for s, e, _ in kept]))
        for finding, span in source_spans(item, after.findings):
            hit = [i for i, new in enumerate(new_spans) if overlaps(span, [new])]
            if hit:
                for i in hit:
                    if i not in blamed:
                        blamed.add(i)
                        refused.append(f"{unit.path}: not rewritten: 「{original[kept[i][0]:kept[i][1]]}」 → "
                                       f"「{kept[i][2]}」 would still be flagged ({finding.rule_id}「{finding.text}」)")
                continue
            key = (finding.rule_id, finding.text)
            if old_keys[key] > 0:
                old_keys[key] -= 1
                continue
            refused.extend(f"{unit.path}: not rewritten: 「{original[s:e]}」 → 「{r}」 would add a finding "
                           f"elsewhere ({finding.rule_id}「{finding.text}」)"
                           for i, (s, e, r) in enumerate(kept) if i not in blamed)
            blamed.update(range(len(kept)))
        if not blamed:
            return kept, refused
        kept = [r for i, r in enumerate(kept) if i not in blamed]
    return kept, refused


def apply_rewrites(text: str, rewrites: list[tuple[int, int, str]]) -> str:
    pieces = []
    position = 0
    for start, end, replacement in rewrites:
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _encode_like(unit: Unit, text: str) -> bytes:
    """``text`` in the unit's encoding, with the byte-order mark its file had (the same bytes)."""
    import codecs

    encoding = unit.encoding
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if encoding in ("utf-16", "utf-32"):
        try:
            head = Path(unit.path).read_bytes()[:4]
        except OSError:
            head = b""
        if encoding == "utf-32":
            big = head.startswith(codecs.BOM_UTF32_BE)
            bom, codec = (codecs.BOM_UTF32_BE, "utf-32-be") if big else (codecs.BOM_UTF32_LE, "utf-32-le")
        else:
            big = head.startswith(codecs.BOM_UTF16_BE)
            bom, codec = (codecs.BOM_UTF16_BE, "utf-16-be") if big else (codecs.BOM_UTF16_LE, "utf-16-le")
        return bom + text.encode(codec)
    return text.encode(encoding)


def _write_back(unit: Unit, text: str) -> None:
    try:
        Path(unit.path).write_bytes(_encode_like(unit, text))
    except OSError as exc:
        raise CliError(f"{unit.path}: cannot write: {exc.strerror or exc}") from None


@cli.command()
@ruleset_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(output_format: str, packs: tuple[str, ...], rules_dir: str | None, config_file: str | None) -> None:
    """List the loaded packs and their rules, enabled or not."""
    guard = load_guard(packs, rules_dir, config_file)
    if output_format == "json":
        import json

        listing = [{"pack": c.pack, "enabled": c.rule.enabled, **c.rule.model_dump(
            mode="json", include={"id", "kind", "category", "severity", "message", "suggestion", "clause", "scope",
                                  "description"})} for c in guard.rules]
        click.echo(json.dumps({"ruleset": guard.ruleset.model_dump(mode="json"), "rules": listing},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"ruleset {guard.ruleset.version} ({guard.ruleset.hash}): {len(guard.rules)} rules in "
               f"{len(guard.ruleset.packs)} pack(s)")
    current = None
    for compiled in guard.rules:
        if compiled.pack != current:
            current = compiled.pack
            count = sum(1 for c in guard.rules if c.pack == current)
            click.echo(f"\npack {current} ({count} rules)")
        rule = compiled.rule
        state = "on " if rule.enabled else "off"
        click.echo(f"  {state}  {rule.id:<36} {rule.kind:<11} {rule.category:<24} S{rule.severity}  "
                   f"{_one_line(rule.description or rule.message)}")


def _one_line(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@click.argument("rule_id")
@ruleset_options
def explain(rule_id: str, packs: tuple[str, ...], rules_dir: str | None, config_file: str | None) -> None:
    """Show a rule: its message, suggestion, legal clause and examples."""
    guard = load_guard(packs, rules_dir, config_file)
    try:
        compiled = guard.rule(rule_id)
    except KeyError:
        known = [c.rule.id for c in guard.rules]
        close = difflib.get_close_matches(rule_id, known, n=3, cutoff=0.8)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `contentguard rules` lists them"
        raise CliError(f"unknown rule {rule_id!r}{hint}") from None
    rule = compiled.rule
    lines = [
        click.style(rule.id, bold=True) + f"  ({'enabled' if rule.enabled else 'disabled'})",
        f"  pack        {compiled.pack}",
        f"  kind        {rule.kind}",
        f"  category    {rule.category}",
        f"  severity    {rule.severity}",
        f"  scope       {', '.join(rule.scope)}",
        f"  message     {rule.message}",
    ]
    if rule.description:
        lines.insert(1, f"  {rule.description}")
    if rule.suggestion:
        lines.append(f"  suggestion  {rule.suggestion}")
    if rule.clause:
        lines.append(f"  clause      {rule.clause}")
    if rule.kind == "lexicon":
        terms = [t.term for t in rule.terms]
        shown = "、".join(terms[:20]) + (f" … ({len(terms)} terms)" if len(terms) > 20 else "")
        lines.append(f"  terms       {shown}")
    elif rule.kind == "pattern":
        lines.extend(f"  pattern     {pattern}" for pattern in rule.patterns)
    for label, examples in (("matches", rule.examples.match), ("no match", rule.examples.no_match)):
        for example in examples:
            lines.append(f"  {label:<10}  {example}")
    click.echo("\n".join(lines), color=_use_color(None, sys.stdout))


@cli.command("test-rules")
@click.argument("directory", required=False, type=click.Path(exists=True))
@ruleset_options
def test_rules(directory: str | None, packs: tuple[str, ...], rules_dir: str | None, config_file: str | None) -> None:
    """Run every rule's match / no_match examples (exit 1 when one fails).

    DIRECTORY: a rules folder (with ruleset.yaml), a folder of pack files or one pack file;
    the loaded ruleset when not given. This is how a compliance team checks its own packs
    before shipping them.
    """
    pack_sources = None
    if directory is not None:
        path = Path(directory)
        if path.is_dir() and (path / "ruleset.yaml").is_file():
            rules_dir = directory
        else:
            pack_sources = [directory]
    guard = load_guard(packs, rules_dir, config_file, pack_sources=pack_sources)
    count, failures = guard.test_examples()
    for failure in failures:
        click.echo(f"FAIL {failure}")
    without = [c.rule.id for c in guard.rules if not c.rule.examples.match]
    if without:
        click.echo(f"note: {len(without)} rule(s) have no match example: {', '.join(without[:10])}"
                   + (" …" if len(without) > 10 else ""), err=True)
    click.echo(f"{count} examples of {len(guard.rules)} rules: {count - len(failures)} passed, "
               f"{len(failures)} failed")
    sys.exit(EXIT_FINDINGS if failures else EXIT_OK)


# ---- commands that live in their own modules ------------------------------------------------------
# Each module defines one click command or group; registering it here keeps `cli` the one entry point.
# (Imported at the bottom so that the modules can use the helpers above; they import nothing heavy.)
_COMMAND_MODULES: tuple[str, ...] = ("monitor", "serve", "spark_scan", "review")


def _register_commands() -> None:
    import importlib

    for module_name in _COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        cli.add_command(module.command)


_register_commands()


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl-C


def _on_interrupt(main_pid: int) -> Callable:
    """The SIGINT handler of the command line.

    Without worker processes it raises KeyboardInterrupt as Python's own handler does (``main``
    prints one line and exits 130). With workers it does not unwind through the process pool: a
    KeyboardInterrupt raised while the executor holds one of its locks would make the pool's
    shutdown, or the interpreter's exit, wait forever. It kills the workers (which ignore SIGINT),
    writes the one line and ends the process with 130 at once. In a worker forked before it set
    SIGINT to ignored, it does nothing: the parent ends the worker.
    """
    def handler(signum, frame):  # noqa: ARG001
        if os.getpid() != main_pid:
            return
        from ..pool import kill_live_workers

        if not kill_live_workers():
            raise KeyboardInterrupt
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - interrupted in the middle of a write: lose the rest
                pass
        try:
            os.write(2, b"contentguard: interrupted\n")
        finally:
            os._exit(EXIT_INTERRUPTED)

    return handler


def main(argv: list[str] | None = None) -> None:
    """Console entry point: exit codes 0/1/2 as documented, 130 after Ctrl-C, and no traceback."""
    import signal
    import threading

    # Only where Ctrl-C would raise KeyboardInterrupt anyway: a SIGINT ignored by whoever started us
    # (a background job) stays ignored, and only the main thread can set a handler.
    from .. import _interrupted_while_starting

    if threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGINT) in (signal.default_int_handler, _interrupted_while_starting):
        signal.signal(signal.SIGINT, _on_interrupt(os.getpid()))
    try:
        cli.main(args=argv, prog_name="contentguard", standalone_mode=False)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        sys.stderr.close()
        sys.exit(EXIT_OK)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("contentguard: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one line, the traceback only when asked for
        if os.environ.get("CONTENTGUARD_DEBUG"):
            raise
        click.echo(f"contentguard: internal error: {exc!r} (set CONTENTGUARD_DEBUG=1 to see the traceback)",
                   err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()

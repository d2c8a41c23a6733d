"""The Guard: the whole ruleset compiled once, and the pipeline that runs a document through it.

normalize → tokenize (on demand) → match → score → assess → report. ``contentguard.load()``
builds one immutable Guard; ``check`` and ``check_batch`` do no per-document set-up. A Guard is
safe to share across threads and is sent once to each worker process of a batch.
"""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .config import Config, load_config, watchlist_pack
from .config.resources import data_dir
from .config.settings import RulesetSettings
from .document import Document
from .engine import compilecache
from .engine.assess import RiskMatrix
from .engine.context import ContextSettings, ContextStage
from .engine.kinds.model import ModelStage
from .engine.match import CompiledRule, Matcher
from .engine.normalize import NormalizedText, escape_surrogates, has_surrogates
from .errors import ConfigError, ModelError, PackError
from .packs import (
    LexiconRule,
    Pack,
    PackSource,
    Term,
    load_pack_file,
    load_pack_source,
    read_lexicon_file,
)
from .report import Finding, Report, ReportError, Risk, RulesetInfo, Sentiment

if TYPE_CHECKING:
    from .engine.sentiment import SentimentModel
    from .pool import WorkerPool

DocumentLike = Document | str | Mapping[str, Any]


def load(packs: Sequence[str | PackSource] | None = None, extra_packs: Iterable[PackSource] = (),
         config: Config | Mapping[str, Any] | str | Path | None = None,
         rules_dir: str | Path | None = None) -> Guard:
    """Compile a Guard.

    ``packs``: None for the shipped packs (or the configuration's list), ``[]`` for none, or a
    list of shipped pack names and/or pack sources (paths, folders, YAML text, dicts).
    ``extra_packs``: more pack sources loaded beside them. ``config``: a Config, a dict, or the
    path of ``contentguard.yaml`` / ``pyproject.toml``. ``rules_dir``: a folder laid out like the
    shipped ``rules/`` (``ruleset.yaml``, ``risk_matrix.yaml``, ``packs/``) used instead of it.
    """
    settings_dir = Path(rules_dir) if rules_dir is not None else data_dir("rules")
    settings = RulesetSettings.from_file(settings_dir / "ruleset.yaml")
    cfg = load_config(config)
    pack_dir = settings_dir / "packs"
    available = sorted(path.stem for path in pack_dir.glob("*.yaml"))

    selected: Sequence[str | PackSource]
    if packs is not None:
        selected = packs
    elif cfg.packs is not None:
        selected = cfg.packs
    else:
        selected = available

    loaded: list[Pack] = []
    for item in selected:
        if isinstance(item, str) and "\n" not in item and (pack_dir / f"{item}.yaml").is_file():
            loaded.append(load_pack_file(pack_dir / f"{item}.yaml"))
        elif isinstance(item, str) and "\n" not in item and not item.endswith((".yaml", ".yml")) \
                and not Path(item).exists():
            raise ConfigError(f"unknown pack {item!r}: the packs in {pack_dir} are {', '.join(available)}")
        else:
            loaded.extend(load_pack_source(item))
    for source in [*extra_packs, *(cfg.path(p) for p in cfg.extra_packs)]:
        loaded.extend(load_pack_source(source))
    loaded = _each_file_once(loaded)
    templates = settings_dir / "watchlist.yaml"
    if not templates.is_file():  # a company's rules folder may keep the shipped templates
        templates = data_dir("rules") / "watchlist.yaml"
    watch = watchlist_pack(cfg.watchlist, templates)
    if watch:
        loaded.append(load_pack_source(watch)[0])

    loaded = _apply_config(loaded, cfg)
    matrix_path = cfg.path(cfg.risk_matrix) if cfg.risk_matrix else settings_dir / settings.risk_matrix
    matrix = RiskMatrix.from_file(matrix_path)
    matcher = Matcher(loaded, settings, cfg.allowlist)
    context_path = settings_dir / "context.yaml"
    if not context_path.is_file():  # a company's rules folder may keep the shipped context settings
        context_path = data_dir("rules") / "context.yaml"
    context = ContextStage(loaded, ContextSettings.from_file(context_path))
    compilecache.save()  # what this load worked out, for the next process (see compilecache.py)
    return Guard(matcher, matrix, cfg, _ruleset_info(settings, loaded, matrix, cfg, context.settings), context)


def _each_file_once(packs: list[Pack]) -> list[Pack]:
    """The packs with each pack file loaded once: a company's folder named on the command line
    (``test-rules company-rules/``) and again in contentguard.yaml is the same packs, not a clash.
    Two different files defining one rule id still are (``_apply_config``)."""
    seen: set[Path] = set()
    result = []
    for pack in packs:
        try:
            path = Path(pack.source)
            key = path.resolve() if pack.source and not pack.source.startswith("<") and path.is_file() else None
        except (OSError, ValueError):
            key = None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        result.append(pack)
    return result


def _apply_config(packs: list[Pack], cfg: Config) -> list[Pack]:
    """Severity overrides, rule switches and extra lexicons, applied to the loaded packs."""
    all_ids = [rule.id for pack in packs for rule in pack.rules]
    duplicates = sorted({rid for rid in all_ids if all_ids.count(rid) > 1})
    if duplicates:
        where = {rule.id: pack.source for pack in packs for rule in pack.rules}
        raise PackError("; ".join(f"{where[rid]}: rule id {rid!r} is defined by more than one pack"
                                  for rid in duplicates))
    for key, patterns in (("disable_rules", cfg.disable_rules), ("enable_rules", cfg.enable_rules)):
        for pattern in patterns:
            if not fnmatch.filter(all_ids, pattern):
                raise ConfigError(f"configuration key '{key}': {pattern!r} matches no loaded rule")
    for key, mapping in (("severity", cfg.severity), ("lexicons", cfg.lexicons)):
        for rule_id in mapping:
            if rule_id not in all_ids:
                raise ConfigError(f"configuration key '{key}.{rule_id}': no loaded rule has that id")

    result = []
    for pack in packs:
        rules = []
        for rule in pack.rules:
            update: dict[str, Any] = {}
            if any(fnmatch.fnmatchcase(rule.id, p) for p in cfg.disable_rules):
                update["enabled"] = False
            if any(fnmatch.fnmatchcase(rule.id, p) for p in cfg.enable_rules):
                update["enabled"] = True
            if rule.id in cfg.severity:
                severity = cfg.severity[rule.id]
                if not 1 <= severity <= 5:
                    raise ConfigError(f"configuration key 'severity.{rule.id}': {severity} is not in 1-5")
                update["severity"] = severity
            if rule.id in cfg.lexicons:
                if not isinstance(rule, LexiconRule):
                    raise ConfigError(f"configuration key 'lexicons.{rule.id}': not a lexicon rule")
                extra = [Term(**entry) for name in cfg.lexicons[rule.id]
                         for entry in read_lexicon_file(cfg.path(name))]
                update["terms"] = rule.terms + tuple(extra)
            rules.append(rule.model_copy(update=update) if update else rule)
        result.append(pack.model_copy(update={"rules": tuple(rules)}))
    return result


def _ruleset_info(settings: RulesetSettings, packs: Sequence[Pack], matrix: RiskMatrix, cfg: Config,
                  context: ContextSettings | None = None) -> RulesetInfo:
    canonical = json.dumps({
        "context": context.model_dump(mode="json") if context is not None else None,
        "settings": settings.model_dump(mode="json"),
        "packs": [pack.model_dump(mode="json") for pack in packs],
        "matrix": matrix.model_dump(mode="json"),
        "allowlist": list(cfg.allowlist),
        "platform_weights": cfg.platform_weights,
    }, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    # The review trail's settings (its database, its policy) do not change what a check reports.
    config = cfg.model_dump(mode="json", exclude={"review"})
    full = json.dumps({"ruleset": digest, "config": config, "models": _model_checksums()},
                      sort_keys=True, ensure_ascii=False)
    return RulesetInfo(version=settings.version, hash=f"sha256:{digest[:16]}",
                       packs=tuple(f"{p.pack}@{p.version}" for p in packs),
                       full_hash="sha256:" + hashlib.sha256(full.encode("utf-8")).hexdigest())


def _model_checksums() -> dict[str, str]:
    """The sha256 of every shipped model header (``models/*/*.json``). A header records its arrays' and
    cue files' checksums and loading verifies them, so the header's hash pins the whole model; the
    arrays themselves (megabytes) are not read again here."""
    try:
        root = data_dir("models")
    except FileNotFoundError:
        return {}
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.glob("*/*.json"))}


@dataclass(frozen=True)
class ExampleFailure:
    """A rule example that did not behave as the rule says it should."""

    rule_id: str
    source: str
    expected: str  # "match" or "no_match"
    example: str
    found: tuple[str, ...]  # the texts the rule reported

    def __str__(self) -> str:
        got = "、".join(self.found) if self.found else "nothing"
        return f"{self.source}: rule {self.rule_id!r}: {self.expected} example {self.example!r} -> found {got}"


class Guard:
    """The compiled ruleset. Immutable: build a new one with :func:`load` to change it."""

    __slots__ = ("_matcher", "_matrix", "_config", "_info", "_context", "_sentiment_model", "_lock", "_models",
                 "__weakref__")

    def __init__(self, matcher: Matcher, matrix: RiskMatrix, config: Config, info: RulesetInfo,
                 context: ContextStage | None = None):
        object.__setattr__(self, "_matcher", matcher)
        # The context stage: who speaks, what the words around a hit do (engine/context.py).
        object.__setattr__(self, "_context", context if context is not None else ContextStage(()))
        object.__setattr__(self, "_matrix", matrix)
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_info", info)
        object.__setattr__(self, "_sentiment_model", None)
        object.__setattr__(self, "_lock", threading.Lock())
        # The `model` rules, scored a batch at a time after matching (models load on first use).
        object.__setattr__(self, "_models", ModelStage(matcher.rules, matcher.settings))

    def __setattr__(self, name, value):
        raise AttributeError("a Guard is immutable; build a new one with contentguard.load()")

    def __getstate__(self):
        return {"matcher": self._matcher, "matrix": self._matrix, "config": self._config, "info": self._info,
                "context": self._context}

    def __setstate__(self, state):
        Guard.__init__(self, state["matcher"], state["matrix"], state["config"], state["info"], state.get("context"))

    # ---- facts about the ruleset -----------------------------------------------------------
    @property
    def ruleset(self) -> RulesetInfo:
        return self._info

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        return self._matcher.rules

    @property
    def matrix(self) -> RiskMatrix:
        return self._matrix

    @property
    def config(self) -> Config:
        return self._config

    def rule(self, rule_id: str) -> CompiledRule:
        for compiled in self._matcher.rules:
            if compiled.rule.id == rule_id:
                return compiled
        raise KeyError(rule_id)

    # ---- the pipeline -------------------------------------------------------------------------
    def check(self, document: DocumentLike) -> Report:
        """Check one post or comment (a string is a post body)."""
        return self._check_many([document])[0]

    def check_batch(self, documents: Iterable[Any], workers: int = 1, chunk_size: int | None = None,
                    pool: WorkerPool | None = None) -> Iterator[Report]:
        """Check many documents; reports come in input order, streaming, in bounded memory.

        Exactly one report per record. With ``pool`` (see :meth:`pool`) the work goes to its warm
        worker processes; with ``workers > 1`` a pool of that many processes is started for this
        batch only. A bad record (not a string, dict or Document; None; invalid text), a record
        whose check raised and a record that killed its worker process give a report with an
        error entry (decision review), and the batch goes on.
        """
        if pool is not None:
            yield from pool.check_batch(documents, chunk_size)
            return
        if workers > 1:
            with self.pool(workers) as temporary:
                yield from temporary.check_batch(documents, chunk_size)
            return
        for chunk in _chunks(documents, chunk_size or 64):
            try:
                reports = self._check_many(chunk)
            except Exception:  # noqa: BLE001 - find the records that fail; the others are checked
                reports = [self._check_guarded(item) for item in chunk]
            yield from reports

    def _check_guarded(self, item: Any) -> Report:
        try:
            return self._check_many([item])[0]
        except Exception as exc:  # noqa: BLE001 - one record's failure is its report, not the batch's end
            from .pool import error_report

            return error_report(self, item, "internal-error", f"internal error while checking: {exc!r}")

    def pool(self, workers: int, chunk_retries: int | None = None, warm: bool = True) -> WorkerPool:
        """A pool of ``workers`` warm processes holding this Guard, for many :meth:`check_batch` calls.

        Use it as a context manager (``with guard.pool(4) as pool: pool.check_batch(docs)``); it
        restarts a worker that dies and retries its chunk (see :mod:`contentguard.pool`).
        """
        from .pool import WorkerPool

        return WorkerPool(self, workers, chunk_retries=chunk_retries, warm=warm)

    def sentiment(self, text: str) -> Sentiment:
        return self._sentiment().predict([text])[0]

    def _sentiment(self) -> SentimentModel:
        """The sentiment model, loaded on first use; a model that failed to load fails the same way again
        without another attempt at every batch chunk."""
        model = self._sentiment_model
        if model is None:
            with self._lock:
                if self._sentiment_model is None:
                    # Imported here: numpy and scipy cost a third of a second a hook run without comments
                    # does not need to pay.
                    from .engine.sentiment import SentimentModel

                    try:
                        loaded: SentimentModel | ModelError = SentimentModel.load()
                    except ModelError as exc:
                        loaded = exc
                    object.__setattr__(self, "_sentiment_model", loaded)
                model = self._sentiment_model
        if isinstance(model, ModelError):
            raise model
        return model

    def _check_many(self, items: Sequence[Any]) -> list[Report]:
        return self._check_coerced([_coerce(item) for item in items])

    def _check_coerced(self, coerced: Sequence[tuple[Document | None, ReportError | None]]) -> list[Report]:
        documents = [document for document, _ in coerced]
        problems = [problem for _, problem in coerced]

        matched = []
        for document in documents:
            if document is None:
                matched.append(None)
                continue
            matched.append(self._matcher.scan(document, self._normalized_fields(document)))
        if self._models:  # the `model` rules: one pass over the whole batch per model
            matched = self._models.run(documents, matched)
        matched = [None if found is None or document is None else (*self._context.decide(document, found[0]), found[1])
                   for document, found in zip(documents, matched, strict=True)]

        sentiments: list[Sentiment | None] = [None] * len(documents)
        sentiment_error: ReportError | None = None
        policy = self._config.sentiment
        bodies = [(i, d.body) for i, d in enumerate(documents) if d is not None and d.body.strip()
                  and (policy == "all" or (policy == "comments" and d.speaker == "public"))]
        if bodies:
            try:
                limit = self._matcher.settings.scoring.sentiment_max_chars
                predicted = self._sentiment().predict([body[:limit] for _, body in bodies])
                for (i, _), value in zip(bodies, predicted, strict=True):
                    sentiments[i] = value
            except ModelError as exc:
                sentiment_error = ReportError(code="sentiment-unavailable", message=str(exc))

        reports = []
        # Every part is the engine's own and already valid: Report._trusted builds the report Report(...) would,
        # without validating it again (1.1 vs 2.6 µs a report; model_construct: 4.9).
        for document, problem, result, sentiment in zip(documents, problems, matched, sentiments, strict=True):
            if document is None:
                reports.append(self._error_report(problem))
                continue
            findings, context_dropped, errors = result
            if sentiment_error is not None:
                errors = [*errors, sentiment_error]
            risk, decision, (triage, deadline) = self._matrix.assess_response(
                document, findings, sentiment, self._config.platform_weights)
            if errors:
                decision = self._matrix.at_least_incomplete(decision)
            reports.append(Report._trusted(id=document.id, kind=document.kind, platform=document.platform,
                                           voice=document.speaker, decision=decision, findings=tuple(findings),
                                           context_dropped=tuple(context_dropped),
                                           errors=tuple(errors), risk=risk, sentiment=sentiment, ruleset=self._info,
                                           triage=triage, deadline=deadline))
        return reports

    def _normalized_fields(self, document: Document) -> list[tuple[str, NormalizedText]]:
        settings = self._matcher.settings.normalization
        return [(name, NormalizedText(value, settings)) for name, value in document.fields()]

    def regrade(self, report: Report, findings: Sequence[Finding]) -> Report:
        """The report graded again on the matrix with only ``findings`` (e.g. after suppressions)."""
        document = Document(id=report.id, kind=report.kind, platform=report.platform,  # type: ignore[arg-type]
                            voice=report.voice)
        # The triage class and deadline stay the report's: they were decided on the text, which a report does
        # not keep.
        risk, decision = self._matrix.assess(document, findings, report.sentiment, self._config.platform_weights)
        if report.errors:
            decision = self._matrix.at_least_incomplete(decision)
        return report.model_copy(update={"findings": tuple(findings), "risk": risk, "decision": decision})

    def _error_report(self, problem: ReportError | None) -> Report:
        # Nothing was checked, so nothing may pass unseen: a person reviews it.
        error = problem or ReportError(code="invalid-document", message="invalid document")
        return Report(id=None, decision="review", errors=(error,), ruleset=self._info,
                      risk=Risk(level="none", impact=0, likelihood=0, route=self._matrix.routes["none"],
                                explanation=f"文档未能检查：{error.message}"))

    # ---- the rules' own examples ---------------------------------------------------------------
    def test_examples(self) -> tuple[int, list[ExampleFailure]]:
        """Run every rule's match / no_match examples, each rule on its own.

        Returns the number of examples run and the failures.
        """
        failures: list[ExampleFailure] = []
        count = 0
        for compiled in self._matcher.rules:
            rule = compiled.rule
            for expected, examples in (("match", rule.examples.match), ("no_match", rule.examples.no_match)):
                for example in examples:
                    count += 1
                    document = _example_document(example, rule.scope[0])
                    only = _only_rule(compiled.index)
                    scanned = self._matcher.scan(document, self._normalized_fields(document), rule_filter=only)
                    findings, _ = self._models.run([document], [scanned], rule_filter=only)[0]
                    findings = self._context.apply(document, findings)
                    found = tuple(f.text for f in findings)
                    if bool(found) != (expected == "match"):
                        shown = example if isinstance(example, str) else json.dumps(example, ensure_ascii=False)
                        failures.append(ExampleFailure(rule.id, compiled.pack, expected, shown, found))
        return count, failures


def _only_rule(index: int) -> Callable[[CompiledRule], bool]:
    return lambda compiled: compiled.index == index


def _example_document(example: str | Mapping[str, str], scope: str) -> Document:
    if not isinstance(example, str):
        return Document(**example)
    if scope == "title":
        return Document(title=example, body="")
    if scope == "comment":
        return Document(body=example, kind="comment")
    return Document(body=example)


def _coerce(item: Any) -> tuple[Document | None, ReportError | None]:
    """A Document from a string, dict or Document, or the reason it cannot be one."""
    try:
        if isinstance(item, Document):
            document = item
        elif isinstance(item, str):
            if has_surrogates(item):
                return None, ReportError(code="invalid-text", message="record None: the body holds unpaired "
                                                                      "surrogate characters (text decoded wrongly?)")
            return Document(body=item), None  # a body alone: no labels or other fields to look at
        elif isinstance(item, Mapping):
            document = Document.model_validate(dict(item))
        elif item is None:
            return None, ReportError(code="invalid-document", message="record is None, not a document")
        else:
            return None, ReportError(code="invalid-document",
                                     message=f"record is a {type(item).__name__}, not a string, dict or Document")
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        record_id = item.get("id") if isinstance(item, Mapping) else None
        return None, ReportError(code="invalid-document",
                                 message=f"record {record_id!r}: field '{field}': {first['msg']}")
    labels = {name: getattr(document, name) for name in ("id", "platform", "author", "thread")}
    if any(isinstance(value, str) and has_surrogates(value) for value in labels.values()):
        # Names and ids are not checked, only carried: keep the record, with printable labels.
        document = document.model_copy(update={name: escape_surrogates(value) for name, value in labels.items()
                                               if isinstance(value, str)})
    for name, value in document.fields():
        if has_surrogates(value):
            return None, ReportError(code="invalid-text",
                                     message=f"record {document.id!r}: the {name} holds unpaired surrogate "
                                             f"characters (text decoded wrongly?)")
    return document, None


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk

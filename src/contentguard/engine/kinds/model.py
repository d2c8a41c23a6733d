"""The ``model`` rule kind: a learned classifier scores every sentence; the best one is the finding.

A pack rule names a model shipped in ``models/<name>/`` (or a model folder's path), the label that
counts and the threshold (all data, see :class:`contentguard.packs.ModelRule`). For a batch of documents
the stage runs after matching:

1. it cuts each field in the rule's scope (and voices, and document ``kinds`` when the rule names them) into
   sentences at the ruleset's sentence ends (``rules/ruleset.yaml``), trimming whitespace, so every span
   indexes the original text;
2. it drops sentences shorter than ``min_chars``, those with an exemption context (``allow`` terms or
   ``allow_contexts``: the counter-statements 不应该歧视 and the like, as data) and, when the rule has
   ``require_contexts``, those without one of them (e.g. no person or group the words could attack);
3. it scores every remaining sentence of the whole batch in one ``predict_proba`` call per model;
4. per rule and field, the sentence with the highest probability becomes a finding when it reaches the
   threshold: evidence ``model``, confidence = the probability (it feeds likelihood);
5. a finding of the categories in ``defer_to`` (default: the rule's own top-level category) that overlaps
   the sentence wins and the model's finding is dropped: one offence, one finding (the lexicon's exact span).

Models load lazily, once per process (:func:`contentguard.models.linear.load_model`); a model that cannot
load gives each document it should have checked a ``model-unavailable`` error, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from contentguard.config.resources import data_dir
from contentguard.document import Document
from contentguard.engine.lazyregex import LazyPattern
from contentguard.errors import ModelError, PackError
from contentguard.packs import PATTERN_FLAGS, ContextCue, ModelRule
from contentguard.report import Finding, ReportError

if TYPE_CHECKING:
    from contentguard.config.settings import RulesetSettings
    from contentguard.engine.match import CompiledRule
    from contentguard.models import Predictor

Scanned = tuple[list[Finding], list[ReportError]]
_PLACEHOLDER = regex.compile(r"{(match|term|note)}")


@dataclass(frozen=True)
class _Unit:
    """One sentence to score: where it is and which rule wants it."""

    document: int
    rule: int  # position in ModelStage.rules
    field: str
    start: int
    end: int


def model_folder(name: str) -> Path:
    """The folder of a model named by a rule: a shipped model's name, or a path."""
    if "/" not in name and "\\" not in name:
        shipped = data_dir("models") / name
        if shipped.is_dir():
            return shipped
    return Path(name)


class ModelStage:
    """The compiled ``model`` rules of a ruleset. Immutable; pickles without the models (they reload)."""

    def __init__(self, rules: Sequence[CompiledRule], settings: RulesetSettings) -> None:
        self.rules: tuple[CompiledRule, ...] = tuple(c for c in rules if isinstance(c.rule, ModelRule))
        self._sentence_ends = settings.normalization.sentence_ends
        for compiled in self.rules:
            folder = model_folder(compiled.rule.model)
            if not folder.is_dir():
                raise PackError(f"{compiled.pack}: rule {compiled.rule.id!r}: field 'model': no model folder "
                                f"{compiled.rule.model!r} (looked for {folder})")
        self._compile()

    def _compile(self) -> None:
        self._sentence_end = regex.compile(self._sentence_ends, regex.V1)
        self._exemptions = tuple(_contexts(c.rule.allow_contexts, c.rule.allow) for c in self.rules)
        self._requirements = tuple(_contexts(c.rule.require_contexts) for c in self.rules)
        self._failures: dict[str, ModelError] = {}

    def __getstate__(self) -> dict:
        return {"rules": self.rules, "sentence_ends": self._sentence_ends}

    def __setstate__(self, state: dict) -> None:
        self.rules = state["rules"]
        self._sentence_ends = state["sentence_ends"]
        self._compile()

    def __bool__(self) -> bool:
        return bool(self.rules)

    def model(self, name: str) -> Predictor:
        """The rule's model, loaded once per process; a failure is remembered and raised again."""
        failure = self._failures.get(name)
        if failure is not None:
            raise failure
        from contentguard.models.linear import load_model

        try:
            return load_model(model_folder(name))
        except ModelError as error:
            self._failures[name] = error
            raise

    # ---- sentences -------------------------------------------------------------------------------
    def sentences(self, text: str, min_chars: int = 1) -> list[tuple[int, int]]:
        """Sentence spans [start, end) of the original text, whitespace trimmed, of at least min_chars."""
        spans = []
        start = 0
        for match in self._sentence_end.finditer(text):
            spans.append((start, match.start()))
            start = match.end()
        spans.append((start, len(text)))
        trimmed = []
        for low, high in spans:
            while low < high and text[low].isspace():
                low += 1
            while high > low and text[high - 1].isspace():
                high -= 1
            if high - low >= min_chars and sum(not ch.isspace() for ch in text[low:high]) >= min_chars:
                trimmed.append((low, high))
        return trimmed

    # ---- the stage -------------------------------------------------------------------------------
    def run(self, documents: Sequence[Document | None], scanned: list[Scanned | None],
            rule_filter: Callable[[CompiledRule], bool] | None = None) -> list[Scanned | None]:
        """Add the model findings (and errors) of the batch to what matching found."""
        if not self.rules:
            return scanned
        units: dict[str, list[_Unit]] = {}
        texts: dict[str, list[str]] = {}
        for d, document in enumerate(documents):
            if document is None or scanned[d] is None:
                continue
            fields = document.fields()
            full_text = None
            for r, compiled in enumerate(self.rules):
                rule: ModelRule = compiled.rule  # type: ignore[assignment]
                wanted = rule_filter(compiled) if rule_filter else rule.enabled
                if not wanted:
                    continue
                voices = rule.voices
                # Not scored where the context stage would drop the finding anyway (an "advertiser" voice
                # depends on the other findings, so such rules are scored for every speaker).
                if voices and "advertiser" not in voices and document.speaker not in voices:
                    continue
                if rule.kinds and document.kind not in rule.kinds:
                    continue
                exempt, required = self._exemptions[r], self._requirements[r]
                if exempt.document is not None or required.document is not None:
                    if full_text is None:
                        full_text = "\n".join(value for _, value in fields).lower()
                    if exempt.document is not None and exempt.document(full_text):
                        continue
                    if required.document is not None and not required.document(full_text):
                        continue
                for name, value in fields:
                    if document.scope_of(name) not in rule.scope or not value.strip():
                        continue
                    for start, end in self.sentences(value, rule.min_chars):
                        sentence = value[start:end]
                        lowered = sentence.lower()
                        if exempt.sentence is not None and exempt.sentence(lowered):
                            continue
                        if required.sentence is not None and not required.sentence(lowered):
                            continue
                        units.setdefault(rule.model, []).append(_Unit(d, r, name, start, end))
                        texts.setdefault(rule.model, []).append(sentence)
        result = list(scanned)
        best: dict[tuple[int, int, str], tuple[float, _Unit]] = {}
        for model_name, model_units in units.items():
            try:
                model = self.model(model_name)
                column_of = {label: i for i, label in enumerate(model.labels)}
                for r in sorted({unit.rule for unit in model_units}):
                    rule = self.rules[r].rule
                    if rule.label not in column_of:  # type: ignore[union-attr]
                        raise ModelError(f"{self.rules[r].pack}: rule {rule.id!r}: field 'label': model "
                                         f"{model_name!r} has no label {rule.label!r} "  # type: ignore[union-attr]
                                         f"(it has {', '.join(model.labels)})")
                probabilities = model.predict_proba(texts[model_name])
            except ModelError as error:
                problem = ReportError(code="model-unavailable", message=str(error))
                for d in sorted({unit.document for unit in model_units}):
                    findings, errors = result[d]  # type: ignore[misc]
                    result[d] = (findings, [*errors, problem])
                continue
            for unit, row in zip(model_units, probabilities, strict=True):
                rule = self.rules[unit.rule].rule
                probability = float(row[column_of[rule.label]])  # type: ignore[union-attr]
                key = (unit.document, unit.rule, unit.field)
                if probability >= rule.threshold and (key not in best or probability > best[key][0]):  # type: ignore
                    best[key] = (probability, unit)
        added: dict[int, list[Finding]] = {}
        for (d, r, _), (probability, unit) in sorted(best.items(), key=lambda item: item[0]):
            document = documents[d]
            assert document is not None
            compiled = self.rules[r]
            findings = result[d][0]  # type: ignore[index]
            if _deferred(compiled.rule, unit, findings):
                continue
            added.setdefault(d, []).append(_finding(compiled, document, unit, probability))
        for d, findings in added.items():
            old_findings, errors = result[d]  # type: ignore[misc]
            merged = [*old_findings, *findings]
            merged.sort(key=lambda f: (f.field != "title", f.start, f.end, f.rule_id))
            result[d] = (merged, errors)
        return result


@dataclass(frozen=True)
class _Exemption:
    sentence: Callable[[str], bool] | None
    document: Callable[[str], bool] | None


def _contexts(cues: Sequence[ContextCue], sentence_terms: Sequence[str] = ()) -> _Exemption:
    """Tests of a lower-cased sentence / document for any of the cues (None: no cue looks there)."""
    where: dict[str, tuple[list[str], list[str]]] = {"sentence": (list(sentence_terms), []), "document": ([], [])}
    for cue in cues:
        terms, patterns = where[str(cue.within)]
        terms.extend(term.lower() for term in cue.terms)
        if cue.pattern:
            patterns.append(cue.pattern)

    def test(terms: list[str], patterns: list[str]) -> Callable[[str], bool] | None:
        if not terms and not patterns:
            return None
        # Compiled on first use (cold start): packs checked every pattern when they loaded.
        compiled = [LazyPattern(p, PATTERN_FLAGS) for p in patterns]
        if terms:
            compiled.append(LazyPattern("|".join(regex.escape(t) for t in sorted(terms, key=len, reverse=True)), 0))
        return lambda text: any(p.search(text) for p in compiled)

    return _Exemption(test(*where["sentence"]), test(*where["document"]))


def _deferred(rule: ModelRule, unit: _Unit, findings: Sequence[Finding]) -> bool:
    """Whether a finding of a category the rule defers to overlaps the sentence."""
    categories = rule.defer_to or (rule.category.split(".", 1)[0],)
    for finding in findings:
        if finding.field != unit.field or finding.end <= unit.start or finding.start >= unit.end:
            continue
        if any(finding.category == c or finding.category.startswith(c + ".") for c in categories):
            return True
    return False


def _finding(compiled: CompiledRule, document: Document, unit: _Unit, probability: float) -> Finding:
    rule: ModelRule = compiled.rule  # type: ignore[assignment]
    value = dict(document.fields())[unit.field]  # type: ignore[index]
    text = value[unit.start:unit.end]
    values = {"match": text, "term": rule.label, "note": f"{probability:.2f}"}
    return Finding(
        rule_id=rule.id, category=rule.category, severity=rule.severity, field=unit.field,  # type: ignore[arg-type]
        start=unit.start, end=unit.end, text=text,
        message=_PLACEHOLDER.sub(lambda m: values[m.group(1)], rule.message),
        suggestion=_PLACEHOLDER.sub(lambda m: values[m.group(1)], rule.suggestion) if rule.suggestion else "",
        clause=rule.clause, pack=compiled.pack, matched=f"{rule.model}:{rule.label}", evidence="model",
        confidence=round(probability, 4), voice=document.speaker,
    )

"""The context stage: after match, before assess.

1. **Voice: who speaks.** Every rule names the voices it judges (``voices`` in the pack, the pack's
   default otherwise). A finding of a rule that does not judge the document's voice is not a
   finding: the Advertising Law binds the advertiser, so a customer's 最好的酒店 in a review is an
   opinion, while the account's own 最好 is a claim. A public document that is itself an
   advertisement (it carries a finding of a category listed under ``voice.advertiser_categories``
   in ``rules/context.yaml``, e.g. spam) also answers to the rules that judge the "advertiser".

2. **What the words do.** A hit of an ambiguous family (absolute and comparative terms, medical
   words, money figures, sensitive-topic words, violent words, insults) is weighed by the words
   around it: cues on either side (regular expressions on the folded text, or the part of speech of
   the neighbouring word, as ``jieba.posseg`` tags it) add to or take from the family's prior. The score
   (0-1) is the probability that the hit claims, promotes, threatens or insults rather than only
   occurs; it scales the finding's confidence (and so the likelihood on the risk matrix). Below the
   family's ``drop_below`` the finding leaves the report's findings for ``Report.context_dropped``,
   with its reason, so it stays countable; below ``review_below`` it is kept with a lowered confidence.
   The hit keeps its exact span either way.

Everything this stage decides with — categories, cue words, thresholds — is data in
``rules/context.yaml``; nothing here names a word.
"""

from __future__ import annotations

import bisect
import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from ..config.limits import default_limits
from ..config.yamlio import read_settings_file
from ..document import Document
from ..errors import ConfigError
from ..packs import ALL_VOICES, Pack, RuleVoice, pattern_info
from ..report import Finding, FindingContext
from .lazyregex import LazyPattern
from .normalize import fold


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VoiceSettings(_Frozen):
    # Categories (top level, e.g. "spam") whose finding in a public document makes it an advertisement.
    advertiser_categories: tuple[str, ...] = ()
    # Rules (ids) of those categories whose finding says nothing about selling (spam/flooding: the same
    # words repeated), so it does not make the document an advertisement.
    not_advertising: tuple[str, ...] = ()


class ChannelSettings(_Frozen):
    """Where a document is published, as a class of channel, from its ``platform`` (matched case-insensitively).

    ``classes`` maps a channel class (e.g. ``own``: the company's website, app, app-store listing;
    ``third-party``: douyin, weibo …) to the platform names that belong to it. A platform named but
    listed nowhere is ``unlisted``; a document that names no platform is ``unnamed``. Cues may name the
    channels they hold in (``Cue.channels``).
    """

    classes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unnamed: str = "unknown"
    unlisted: str = "unknown"

    # platform (stripped, lower case) → its class: built once when the settings are read, not per document.
    _class_of: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _each_platform_once(self) -> ChannelSettings:
        seen: dict[str, str] = {}
        for name, platforms in self.classes.items():
            for platform in platforms:
                key = platform.strip().lower()
                if key in seen and seen[key] != name:
                    raise ValueError(f"platform {platform!r} is listed in both {seen[key]!r} and {name!r}")
                seen[key] = name
        self._class_of = seen
        return self

    def of(self, platform: str | None) -> str:
        """The channel class of a document published on ``platform``."""
        if platform is None or not platform.strip():
            return self.unnamed
        return self._class_of.get(platform.strip().lower(), self.unlisted)


Where = Literal["before", "after", "clause", "sentence", "hit", "around", "preceding"]


class Cue(_Frozen):
    """One piece of evidence about what the words around a hit do.

    ``pattern`` is a regular expression searched in the folded text ``where`` says: the clause before
    the hit (``before``, anchor with ``$`` for "right before"), the clause after it (``after``,
    anchor with ``^``), the whole clause or sentence, the hit itself, or ``around`` it: the window's
    characters on each side, across punctuation (CNM！你想… aims the first sentence at the second's 你),
    or ``preceding`` it: the window's characters before it, across punctuation (anchor with ``$``).
    ``pos`` names part-of-speech tag prefixes (jieba's: v verb, d adverb, nr person, ns place, nt organization …)
    of the word
    right after (``where: after``) or right before (``where: before``) the hit. ``hit`` restricts the
    cue to hits whose text matches; ``voices`` to documents spoken in one of those voices (company,
    public), ``channels`` to documents published on a channel of those classes (see
    :class:`ChannelSettings`) and ``fields`` to hits in those fields (title, body). ``weight`` is
    added to the family's prior for the document's voice (``Family.priors``).
    """

    label: str
    weight: float = Field(ge=-1, le=1)
    where: Where = "clause"
    pattern: str | None = None
    pos: tuple[str, ...] = ()
    hit: str | None = None
    voices: tuple[Literal["company", "public", "press"], ...] = ()
    channels: tuple[str, ...] = ()
    fields: tuple[Literal["title", "body"], ...] = ()
    reason: str = ""

    @model_validator(mode="after")
    def _one_test(self) -> Cue:
        if bool(self.pattern) == bool(self.pos):
            raise ValueError("give exactly one of 'pattern' or 'pos'")
        if self.pos and self.where not in ("before", "after", "clause"):
            raise ValueError("a 'pos' cue looks at the word right 'before' or 'after' the hit, or at any other "
                             "word of its 'clause'")
        for value in (self.pattern, self.hit):
            if value is not None:
                pattern_info(value, 0)  # ValueError naming the regex; compiled once, then cached
        return self


class Family(_Frozen):
    """An ambiguous family of rules and the cues that decide what its words do."""

    name: str
    rules: tuple[str, ...] = Field(min_length=1)  # rule ids or globs
    # What a hit of the family does when it counts: claim, promote, threaten, insult …
    label: str
    prior: float = Field(0.7, ge=0, le=1)
    # The prior in a given voice ("company", "public" or "press"), where it differs: a sensitive topic the public
    # only mentions (赌场 in a travel note) is no finding, so in the public's voice the family starts
    # below drop_below and only a cue that promotes, solicits or agitates lifts it.
    priors: dict[Literal["company", "public", "press"], float] = Field(default_factory=dict)
    # Below drop_below the finding is dropped (kept in Report.context_dropped); below review_below
    # it is kept with its confidence scaled by the score.
    drop_below: float = Field(0.35, ge=0, le=1)
    review_below: float = Field(0.6, ge=0, le=1)
    # A family of proposals (productive forms): its hit yields to a finding of another rule of the same
    # top-level category at the same place, which already says it.
    yields: bool = False
    # Characters taken out of the family's hits before its cues read them (``hit`` tests and ``where: hit``):
    # an obfuscated insult (他 妈 的, 他、妈、的) is the same word to a cue as the plain one. None: the hit as
    # written (a family whose cues look for the obfuscation itself, such as a disguised 裸*聊, keeps it).
    hit_noise: str | None = None
    cues: tuple[Cue, ...] = ()

    @field_validator("hit_noise")
    @classmethod
    def _hit_noise_compiles(cls, value):
        if value is not None:
            pattern_info(value, 0)  # ValueError naming the regex
        return value

    @field_validator("priors")
    @classmethod
    def _priors_in_range(cls, value):
        for voice, prior in value.items():
            if not 0 <= prior <= 1:
                raise ValueError(f"prior for voice {voice!r} must be between 0 and 1, not {prior}")
        return value

    def prior_for(self, voice: str | None) -> float:
        return self.priors.get(voice, self.prior) if voice is not None else self.prior


class ModelSettings(_Frozen):
    """The trained context classifier (``models/<name>/``, see ``contentguard.models.context``).

    For the families it names, the hit's score is ``blend`` x the model's probability that the words
    violate + (1 - ``blend``) x the hand-weighted cue score, and ``drop_below`` / ``review_below`` here
    replace the family's thresholds. The model is loaded on first use, once per process.
    """

    name: str = "context"
    families: tuple[str, ...] = ()
    blend: float = Field(1.0, ge=0, le=1)
    # "blend": the blended score decides. "min": the lower of the blended and the cue score, so the model
    # can drop what the cues keep (a news fact, a name they do not know) but never revive what a cue
    # judged harmless (a medical term, a quotation).
    combine: Literal["blend", "min"] = "blend"
    drop_below: float = Field(0.5, ge=0, le=1)
    review_below: float = Field(0.6, ge=0, le=1)
    # How many of the model's strongest features the finding's reason names.
    explain: int = Field(3, ge=0, le=10)


class ContextSettings(_Frozen):
    version: str = "1"
    voice: VoiceSettings = VoiceSettings()
    channels: ChannelSettings = ChannelSettings()
    model: ModelSettings | None = None
    families: tuple[Family, ...] = ()
    # How many characters of the clause on each side a cue looks at.
    window: int = Field(20, ge=1)

    @field_validator("families")
    @classmethod
    def _unique(cls, value):
        names = [family.name for family in value]
        if len(names) != len(set(names)):
            raise ValueError("family names must be unique")
        return value

    @model_validator(mode="after")
    def _known_channels(self) -> ContextSettings:
        known = {*self.channels.classes, self.channels.unnamed, self.channels.unlisted}
        for family in self.families:
            for cue in family.cues:
                unknown = [c for c in cue.channels if c not in known]
                if unknown:
                    raise ValueError(f"family {family.name!r}, cue {cue.label!r}: channels {unknown} are not channel "
                                     f"classes (known: {sorted(known)}; see 'channels')")
        return self

    @classmethod
    def from_file(cls, path: Path) -> ContextSettings:
        return read_settings_file(cls, Path(path), "context settings", ConfigError)


# Who says it, where and in which field: (voice, channel class, field) of the document a hit is in.
_Said = tuple[str | None, str | None, str | None]

_CLAUSE_BREAKS = regex.compile(r"[。，,！!？?；;：:\n]")
_SENTENCE_ENDS = regex.compile(r"[。！!？?；;\n]")


class _Tagger:
    """Part-of-speech tags as ``jieba.posseg`` gives them without HMM, looked up in jieba's dictionary
    (``contentguard.engine.tokenize``: no HMM tables, no second copy of the dictionary)."""

    @staticmethod
    def _pairs(text: str) -> list[tuple[str, str]]:
        from .tokenize import pos_tags

        return [(word, flag) for word, flag in pos_tags(text) if word.strip()]

    @classmethod
    def following(cls, hit: str, after: str) -> str:
        """The tag of the word the hit opens (最美: a) or, when the hit is a word of its own, of the next word."""
        pairs = cls._pairs((hit + after)[:16])
        if not pairs:
            return ""
        if pairs[0][0] == hit or len(pairs[0][0]) < len(hit):
            rest = pairs[1:]
            return rest[0][1] if rest else ""
        return pairs[0][1]

    @classmethod
    def tags(cls, text: str) -> frozenset[str]:
        return _tags(text)

    @staticmethod
    def screen(prefixes: Sequence[str]):
        """Whether a text can hold a word tagged with one of ``prefixes`` at all (``tokenize.TagScreen``)."""
        from .tokenize import tag_screen

        return tag_screen(prefixes)

    @classmethod
    def last(cls, text: str) -> str:
        pairs = cls._pairs(text[-12:])
        return pairs[-1][1] if pairs else ""


@lru_cache(maxsize=4096)
def _tags(text: str) -> frozenset[str]:
    # words of two or more characters: jieba tags many single characters as names (锡 ns)
    from .tokenize import pos_tags

    return frozenset(flag for word, flag in pos_tags(text) if len(word.strip()) >= 2)


class _Breaks:
    """Where the clauses and sentences of one field's text end: found once per document, not per hit."""

    __slots__ = ("clause", "sentence")

    def __init__(self, text: str):
        self.clause = [m.start() for m in _CLAUSE_BREAKS.finditer(text)]
        self.sentence = [m.start() for m in _SENTENCE_ENDS.finditer(text)]

    @staticmethod
    def around(positions: list[int], start: int, end: int, length: int) -> tuple[int, int]:
        """The span from just after the last break before ``start`` to the first break at or after ``end``."""
        i = bisect.bisect_left(positions, start)
        begin = positions[i - 1] + 1 if i else 0
        j = bisect.bisect_left(positions, end)
        return begin, positions[j] if j < len(positions) else length


class _Views(dict):
    """The folded text of each part of a hit's context, folded only when a cue reads it."""

    def __init__(self, text: str, spans: dict[str, tuple[int, int]]):
        super().__init__()
        self._text = text
        self._spans = spans

    def __missing__(self, key: str) -> str:
        start, end = self._spans[key]
        value = self[key] = fold(self._text[start:end])
        return value


# Context models loaded in this process, by (name, working folder).
_MODELS: dict[tuple[str, str], object] = {}


class _CompiledFamily:
    def __init__(self, family: Family):
        self.family = family
        self.cues = tuple((cue, LazyPattern(cue.pattern, 0) if cue.pattern else None,
                           LazyPattern(cue.hit, 0) if cue.hit else None) for cue in family.cues)
        self.hit_noise = LazyPattern(family.hit_noise, 0) if family.hit_noise else None

    def __getstate__(self):
        return {"family": self.family}

    def __setstate__(self, state):
        self.__init__(state["family"])


class ContextStage:
    """Compiled once from the packs and the context settings; immutable and picklable."""

    def __init__(self, packs: Iterable[Pack], settings: ContextSettings | None = None):
        self.settings = settings or ContextSettings()
        packs = list(packs)
        self._voices: Mapping[str, frozenset[RuleVoice]] = {
            rule.id: frozenset(rule.voices or pack.voices or ALL_VOICES) for pack in packs for rule in pack.rules}
        self._advertiser_categories = frozenset(self.settings.voice.advertiser_categories)
        self._not_advertising = frozenset(self.settings.voice.not_advertising)
        model = self.settings.model
        self._model_families = frozenset(model.families) if model is not None else frozenset()
        unknown = self._model_families - {f.name for f in self.settings.families}
        if unknown:
            raise ConfigError(f"context settings: model.families names unknown families: {sorted(unknown)}")
        if model is not None and self._model_families:
            # The model is read on first use; a missing folder is a configuration error now. (The folder as
            # models.artifact.shipped_model_dir names it, without importing numpy at load.)
            from ..config.resources import data_dir

            folder = Path(model.name) if ("/" in model.name or "\\" in model.name) else data_dir("models") / model.name
            if not folder.exists():
                raise ConfigError(f"context settings: model.name {model.name!r}: no model folder {folder} "
                                  "(train it with benchmarks/train_context.py, or remove the 'model' section)")
        families = [_CompiledFamily(f) for f in self.settings.families]
        self._families = {compiled.family.name: compiled for compiled in families}
        # Each rule belongs to the first family that names it.
        self._family_of: dict[str, _CompiledFamily] = {}
        for rule_id in self._voices:
            for compiled in families:
                if any(fnmatch.fnmatchcase(rule_id, glob) for glob in compiled.family.rules):
                    self._family_of[rule_id] = compiled
                    break

    def voices_of(self, rule_id: str) -> frozenset[RuleVoice]:
        return self._voices.get(rule_id, frozenset(ALL_VOICES))

    def channel_of(self, document: Document) -> str:
        """The class of channel the document is published on (``channels`` in the settings)."""
        return self.settings.channels.of(document.platform)

    def family_of(self, rule_id: str) -> str | None:
        compiled = self._family_of.get(rule_id)
        return compiled.family.name if compiled else None

    def apply(self, document: Document, findings: Sequence[Finding]) -> list[Finding]:
        """The findings that stand (see :meth:`decide`)."""
        return self.decide(document, findings)[0]

    def decide(self, document: Document, findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
        """The findings that stand in this document's voice and context, and those the context dropped.

        Findings of rules that do not judge the document's voice are not findings at all and are in
        neither list; findings the context dropped carry their ``context`` (label, score, reason).
        """
        if not findings:
            return [], []
        speaker = document.speaker
        channel = self.channel_of(document)
        advertises = speaker == "public" and any(
            f.category.split(".", 1)[0] in self._advertiser_categories and f.rule_id not in self._not_advertising
            and speaker in self.voices_of(f.rule_id) for f in findings)
        texts = dict(document.fields())
        breaks: dict[str, _Breaks] = {}
        kept: list[Finding] = []
        dropped: list[Finding] = []
        for finding in findings:
            voices = self.voices_of(finding.rule_id)
            if not (speaker in voices or (advertises and "advertiser" in voices)):
                continue
            update: dict = {"voice": speaker}
            compiled = self._family_of.get(finding.rule_id)
            if compiled is not None:
                text = texts.get(finding.field, "")
                if finding.field not in breaks:
                    breaks[finding.field] = _Breaks(text)
                context, drop_below, review_below = self._judge(compiled, text, finding, breaks[finding.field],
                                                                        (speaker, channel, finding.field))
                update["context"] = context
                if context.score < drop_below:
                    dropped.append(finding.model_copy(update=update))
                    continue
                if context.score < review_below:
                    update["confidence"] = round(finding.confidence * max(context.score, 0.05), 4)
            kept.append(finding.model_copy(update=update))
        return self._yield_overlaps(kept, dropped)

    def _yield_overlaps(self, kept: list[Finding], dropped: list[Finding]) -> tuple[list[Finding], list[Finding]]:
        def yields(finding: Finding) -> bool:
            compiled = self._family_of.get(finding.rule_id)
            return compiled is not None and compiled.family.yields

        if not any(yields(f) for f in kept):
            return kept, dropped
        standing = []
        for finding in kept:
            top = finding.category.split(".", 1)[0]
            cover = next((other for other in kept if other is not finding and not yields(other)
                          and other.field == finding.field and other.category.split(".", 1)[0] == top
                          and other.start < finding.end and finding.start < other.end), None)
            if yields(finding) and cover is not None:
                context = finding.context or FindingContext(label="covered", score=0.0)
                dropped.append(finding.model_copy(update={"context": context.model_copy(update={
                    "label": "covered", "reason": f"{context.reason}; said already by {cover.rule_id}"})}))
            else:
                standing.append(finding)
        return standing, dropped

    def cues(self, family: str, text: str, start: int, end: int, voice: str | None = None,
             channel: str | None = None, field: str | None = None) -> tuple[float, tuple[str, ...]]:
        """The hand-weighted cue score and the labels of the cues that fire for a hit ``text[start:end]``
        of ``family`` (the training script computes the model's cue features with this). A cue that names
        voices, channels or fields fires only when ``voice`` / ``channel`` / ``field`` is given and is one of them."""
        compiled = self._families.get(family)
        if compiled is None:
            raise KeyError(f"no context family {family!r}")
        score, fired, _ = self._fire(compiled, text, start, end, said=(voice, channel, field))
        return score, tuple(cue.label for _, cue in fired)

    def _model(self):
        # Found once per process and working folder (a name may be a folder there), not looked up per hit.
        key = (self.settings.model.name, os.getcwd())
        model = _MODELS.get(key)
        if model is None:
            from ..models.context import load_context_model

            model = _MODELS[key] = load_context_model(key[0])
        return model

    def _judge(self, compiled: _CompiledFamily, text: str, finding: Finding, breaks: _Breaks | None = None,
               said: _Said = (None, None, None)) -> tuple[FindingContext, float, float]:
        """The finding's context and the thresholds it is held to."""
        family = compiled.family
        model = self.settings.model
        if model is None or family.name not in self._model_families \
                or text[finding.start:finding.end] != finding.text:
            return self._weigh(compiled, text, finding, breaks, said), family.drop_below, family.review_below
        from ..models.context import ContextExample

        classifier = self._model()
        width = classifier.window
        low, high = max(0, finding.start - width), min(len(text), finding.end + width)
        window = text[low:high]
        cue_score, fired, _ = self._fire(compiled, text, finding.start, finding.end, breaks, said)
        if low == 0 and high == len(text):
            # The window is the whole text (a short post): the same cues fire on it, only the prior differs.
            window_score, window_cues = family.prior, fired
            for weight, _ in fired:
                window_score += weight
            window_score = min(1.0, max(0.0, window_score))
        else:
            window_score, window_cues, _ = self._fire(compiled, window, finding.start - low, finding.end - low,
                                                      said=said, trained_prior=True)
        probability, top = classifier.probability(ContextExample(
            window=window, offset=finding.start - low, hit=finding.text, family=family.name,
            cues=tuple(cue.label for _, cue in window_cues),
            cue_score=window_score if classifier.uses_cue_score else None, voice=said[0]))
        blended = min(1.0, max(0.0, model.blend * probability + (1 - model.blend) * cue_score))
        score = min(blended, cue_score) if model.combine == "min" else blended
        if score >= model.drop_below:
            label = family.label
        else:
            negative = [pair for pair in fired if pair[0] < 0]
            label = min(negative, key=lambda pair: pair[0])[1].label if negative else "occurs"
        explained = ", ".join(f"{name} {weight:+.2f}" for name, weight in top[:model.explain])
        cues = "; ".join(f"{c.label} ({w:+.2f})" for w, c in fired)
        reason = (f"{family.name}: context model p={probability:.2f}: {finding.text} "
                  f"{'used as ' + label if score < model.drop_below else label}"
                  + (f" [{explained}]" if explained else "")
                  + (f"; cues {cues} → {cue_score:.2f}" if cues else "")
                  + (f"; blend {model.blend:.2f} → {blended:.2f}" if model.blend < 1 else "")
                  + (f"; the lower of blend and cues → {score:.2f}" if model.combine == "min" else ""))
        context = FindingContext(label=label, score=round(score, 4), confidence_before=finding.confidence,
                                 reason=reason, cues=tuple(c.label for _, c in fired))
        return context, model.drop_below, model.review_below

    def _weigh(self, compiled: _CompiledFamily, text: str, finding: Finding, breaks: _Breaks | None = None,
               said: _Said = (None, None, None)) -> FindingContext:
        family = compiled.family
        voice = said[0]
        prior = family.prior_for(voice)
        score, fired, _ = self._fire(compiled, text, finding.start, finding.end, breaks, said)
        label = family.label if score >= family.drop_below else "occurs"
        negative = [pair for pair in fired if pair[0] < 0]
        if negative and score < family.review_below:
            label = min(negative, key=lambda pair: pair[0])[1].label
        elif score < family.drop_below and prior < family.prior:
            label = "mentions"  # the voice's lower prior, and nothing here promotes, solicits or agitates
        reason = "; ".join(f"{c.label} ({w:+.2f}){': ' + c.reason if c.reason else ''}"
                           + (f" [channel: {said[1]}]" if c.channels else "") for w, c in fired)
        return FindingContext(label=label, score=round(score, 4), confidence_before=finding.confidence,
                              reason=f"{family.name}: prior {prior:.2f}"
                              + (f" ({voice} voice)" if prior != family.prior else "")
                              + (f"; {reason}" if reason else "")
                              + f" → {score:.2f}", cues=tuple(c.label for _, c in fired))

    def _fire(self, compiled: _CompiledFamily, text: str, start: int, end: int,
              breaks: _Breaks | None = None, said: _Said = (None, None, None), trained_prior: bool = False):
        """(cue score, fired (weight, cue) pairs, views) for the hit text[start:end]; ``said`` is the
        document's (voice, channel class, field), which cues naming voices, channels or fields hold in."""
        family = compiled.family
        window = self.settings.window
        breaks = breaks if breaks is not None else _Breaks(text)
        # A clause or sentence is read at most limits.yaml context.max_clause_chars on each side of the
        # hit: a text without punctuation is one clause, and reading it whole for each hit is quadratic.
        reach = default_limits().context.max_clause_chars
        clause_start, clause_end = _Breaks.around(breaks.clause, start, end, len(text))
        clause_start, clause_end = max(clause_start, start - reach), min(clause_end, end + reach)
        sentence_start, sentence_end = _Breaks.around(breaks.sentence, start, end, len(text))
        sentence_start = max(sentence_start, start - reach)
        sentence_end = min(sentence_end + 1, len(text), end + reach)
        views = _Views(text, {
            "before": (max(clause_start, start - window), start),
            "after": (end, min(clause_end, end + window)),
            "clause": (clause_start, clause_end),
            "sentence": (sentence_start, sentence_end),
            "hit": (start, end),
            "around": (max(0, start - window), min(len(text), end + window)),
            "preceding": (max(0, start - window), start),
            "clause-before": (clause_start, start),
            "clause-after": (end, clause_end),
        })
        if compiled.hit_noise is not None:
            views["hit"] = compiled.hit_noise.sub("", views["hit"])
        voice, channel, field = said
        # The trained model's cue feature is computed as it was in training: from the family's one prior.
        score = family.prior if trained_prior else family.prior_for(voice)
        fired: list[tuple[float, Cue]] = []
        for cue, pattern, hit_pattern in compiled.cues:
            if ((cue.voices and voice not in cue.voices) or (cue.channels and channel not in cue.channels)
                    or (cue.fields and field not in cue.fields)):
                continue
            if hit_pattern is not None and not hit_pattern.search(views["hit"]):
                continue
            if pattern is not None:
                found = pattern.search(views[cue.where]) is not None
            else:
                if cue.where == "clause":  # any word of the clause but the hit's own
                    # tagged only where a word of the dictionary with one of the cue's tags occurs (exact)
                    screen = _Tagger.screen(cue.pos)
                    found = any(any(tag.startswith(prefix) for tag in _Tagger.tags(part) for prefix in cue.pos)
                                for part in (views["clause-before"], views["clause-after"])
                                if screen.may_tag(part))
                else:
                    subject = views[cue.where]
                    if not subject:
                        continue
                    tag = (_Tagger.following(views["hit"], subject) if cue.where == "after"
                           else _Tagger.last(subject))
                    found = any(tag.startswith(prefix) for prefix in cue.pos)
            if found:
                score += cue.weight
                fired.append((cue.weight, cue))
        score = min(1.0, max(0.0, score))
        return score, fired, views

"""The context stage: after match, before assess.

1. **Voice: who speaks.** Every rule names the voices it judges (``voices`` in the pack, the pack's
   default otherwise). A finding of a rule that does not judge the document's voice is not a
   finding: the Advertising Law binds the advertiser, so a customer's 最好的酒店 in a review is an
   opinion, while the account's own 最好 is a claim. A public document that is itself an
   advertisement (it carries a finding of a category listed under ``voice.advertiser_categories``
   in ``rules/context.yaml``, e.g. spam) also answers to the rules that judge the "advertiser".

Everything this stage decides with — categories, cue words, thresholds — is data in
``rules/context.yaml``; nothing here names a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..document import Document
from ..errors import ConfigError
from ..packs import ALL_VOICES, Pack, RuleVoice
from ..report import Finding
from ..yamlio import load_yaml


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VoiceSettings(_Frozen):
    # Categories (top level, e.g. "spam") whose finding in a public document makes it an advertisement.
    advertiser_categories: tuple[str, ...] = ()


class ContextSettings(_Frozen):
    version: str = "1"
    voice: VoiceSettings = VoiceSettings()

    @classmethod
    def from_file(cls, path: Path) -> ContextSettings:
        try:
            data = load_yaml(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read context settings: {exc}") from exc
        try:
            return cls.model_validate(data or {})
        except ValidationError as exc:
            problems = "; ".join(f"field '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in exc.errors())
            raise ConfigError(f"{path}: invalid context settings: {problems}") from None


class ContextStage:
    """Compiled once from the packs and the context settings; immutable and picklable."""

    def __init__(self, packs: Iterable[Pack], settings: ContextSettings | None = None):
        self.settings = settings or ContextSettings()
        self._voices: Mapping[str, frozenset[RuleVoice]] = {
            rule.id: frozenset(rule.voices or pack.voices or ALL_VOICES) for pack in packs for rule in pack.rules}
        self._advertiser_categories = frozenset(self.settings.voice.advertiser_categories)

    def voices_of(self, rule_id: str) -> frozenset[RuleVoice]:
        return self._voices.get(rule_id, frozenset(ALL_VOICES))

    def apply(self, document: Document, findings: Sequence[Finding]) -> list[Finding]:
        """The findings that stand in this document's voice, each marked with that voice."""
        speaker = document.speaker
        advertises = speaker == "public" and any(
            f.category.split(".", 1)[0] in self._advertiser_categories
            and speaker in self.voices_of(f.rule_id) for f in findings)
        kept = []
        for finding in findings:
            voices = self.voices_of(finding.rule_id)
            if speaker in voices or (advertises and "advertiser" in voices):
                kept.append(finding if finding.voice == speaker else finding.model_copy(update={"voice": speaker}))
        return kept

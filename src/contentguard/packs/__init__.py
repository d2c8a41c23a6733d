"""Rule packs: the schema of a pack file (``schema``), its loading (``load``) and the named validators a
pattern may require (``validators``). Packs are data owned by the compliance team; this package only reads
and checks them."""

from .load import (
    PackSource,
    load_pack_file,
    load_pack_source,
    read_lexicon_file,
    shipped_pack_dir,
    shipped_pack_names,
)
from .schema import (
    ALL_SCOPES,
    ALL_VOICES,
    PATTERN_FLAGS,
    CombinationRule,
    ContextCue,
    LexiconRule,
    ModelRule,
    Pack,
    PatternRule,
    RuleVoice,
    Scope,
    Term,
    pattern_info,
)

__all__ = [
    "ALL_SCOPES", "ALL_VOICES", "PATTERN_FLAGS", "CombinationRule", "ContextCue", "LexiconRule", "ModelRule",
    "Pack", "PackSource", "PatternRule", "RuleVoice", "Scope", "Term", "load_pack_file", "load_pack_source",
    "pattern_info", "read_lexicon_file", "shipped_pack_dir", "shipped_pack_names",
]

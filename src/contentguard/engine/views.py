"""Obfuscation views of lexicon terms: pinyin, homophones and code words, look-alike characters.

A lexicon rule (or its whole pack) opts in with ``views: [pinyin, homophone, lookalike]``. When
the ruleset is compiled, every term of such a rule gets the spellings people write to slip past a
keyword filter — 赌场 as du场 / 赌chang / duchang, 傻逼 as sha逼 / 伞兵, 你妈死了 as nmsl / 亻尔妈死了 —
and each spelling becomes one more automaton key that stands for the term. Nothing happens per
text: a document is scanned once, by the same automaton, whatever the views.

* ``pinyin``: a term's pinyin (pypinyin, phrase-aware readings, no tones) in place of one or two of
  its characters (mixed spellings: zui好, du场), of all of them (duchang: at least
  ``min_letters_alone`` letters, since short all-Latin spellings are other words too) and, for terms
  of ``initials_min_chars`` characters or more, their initials (nmsl). Latin letters at a key's
  edge match whole words only (the matcher's ASCII word boundary), so English text never fires.
* ``homophone`` and ``lookalike``: the rows of ``lexicons/obfuscation/homophones.tsv`` and
  ``lookalikes.tsv`` (``canonical<TAB>variant<TAB>options``) substituted wherever the canonical
  characters occur in a term.

pypinyin is an optional dependency (the ``pinyin`` extra) imported here only, and only when a rule
opts into the pinyin view; without it such a ruleset fails to load with an error that says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec

import regex

from ..config.settings import NormalizationSettings, ViewSettings
from ..errors import PackError
from .normalize import compact

VIEWS = ("pinyin", "homophone", "lookalike")

_HAN = regex.compile(r"\p{Han}")
_HAN_RUNS = regex.compile(r"\p{Han}+|\P{Han}+")
_LATIN = regex.compile(r"[a-z]")


@dataclass(frozen=True, slots=True)
class Variant:
    """One spelling of a term: the spelling (compact form), the obfuscations it carries, and the
    scopes it may match in (None: any)."""

    form: str
    obfuscation: tuple[str, ...]
    scopes: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class _Substitution:
    length: int  # characters of the term it replaces
    text: str
    tag: str
    scopes: tuple[str, ...] | None = None


def _pypinyin():
    try:
        import pypinyin
    except ImportError:
        return None
    return pypinyin


def require_pinyin(where: str) -> None:
    """Fail with a clear error when a rule opts into the pinyin view and pypinyin is not installed."""
    if find_spec("pypinyin") is None:  # imported only when a spelling is worked out (not cached)
        raise PackError(f"{where}: field 'views': the 'pinyin' view needs the pypinyin package, which is not "
                        f"installed: pip install 'contentguard[pinyin]' (or remove 'pinyin' from the views)")


@cache
def syllables(term: str) -> tuple[str | None, ...]:
    """The toneless pinyin of each character of ``term`` (None where a character is not Han).

    Runs of Han characters are read as phrases, so a polyphone takes its reading in the term
    (重庆 chong qing, 长城 chang cheng).
    """
    pypinyin = _pypinyin()
    assert pypinyin is not None, "require_pinyin() first"
    result: list[str | None] = []
    for run in _HAN_RUNS.finditer(term):
        text = run.group()
        if not _HAN.match(text):
            result.extend([None] * len(text))
            continue
        read = pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL, errors="ignore")
        if len(read) != len(text):  # a character pypinyin cannot read: read one at a time
            read = [(pypinyin.lazy_pinyin(ch, style=pypinyin.Style.NORMAL, errors="ignore") or [""])[0]
                    for ch in text]
        result.extend(syllable.lower() if syllable and syllable.isascii() else None for syllable in read)
    return tuple(result)


def _table_substitutions(term: str, rows: Sequence[tuple[str, str, str]], tag: str,
                         norm: NormalizationSettings) -> list[tuple[int, _Substitution]]:
    found = []
    for canonical, variant, options in rows:
        canonical_form = compact(canonical, norm)
        flags = {option.strip() for option in options.split(",") if option.strip()}
        if not canonical_form or ("compound" in flags and canonical_form == term):
            continue
        scopes = ("comment",) if "comment" in flags else None
        start = term.find(canonical_form)
        while start >= 0:
            found.append((start, _Substitution(len(canonical_form), compact(variant, norm), tag, scopes)))
            start = term.find(canonical_form, start + 1)
    return found


def term_variants(term: str, views: Sequence[str], settings: ViewSettings,
                  norm: NormalizationSettings) -> list[Variant]:
    """The spellings of one term (its compact form) that the views generate, fewest substitutions
    first, at most ``settings.max_variants_per_term``; the term itself is not among them."""
    n = len(term)
    options: list[list[_Substitution]] = [[] for _ in range(n)]
    reading: tuple[str | None, ...] = ()
    if "pinyin" in views:
        reading = syllables(term)
        for i, syllable in enumerate(reading):
            if syllable:
                options[i].append(_Substitution(1, syllable, "pinyin"))
    for view, rows in (("homophone", settings.homophone_rows), ("lookalike", settings.lookalike_rows)):
        if view in views:
            for start, substitution in _table_substitutions(term, rows, view, norm):
                options[start].append(substitution)

    pinyin = settings.pinyin
    found: dict[str, tuple[int, Variant]] = {}

    def keep(form: str, tags: set[str], scopes: tuple[str, ...] | None, count: int, pinyin_letters: int) -> None:
        if form == term or form in found:
            return
        if "pinyin" in tags:
            alone = not _HAN.search(form)
            if pinyin_letters < (pinyin.min_letters_alone if alone else pinyin.min_letters_mixed):
                return
        found[form] = (count, Variant(form, tuple(v for v in VIEWS if v in tags), scopes))

    def walk(i: int, pieces: list[str], tags: set[str], scopes: tuple[str, ...] | None, count: int,
             pinyin_letters: int) -> None:
        if i >= n:
            if count:
                keep("".join(pieces), tags, scopes, count, pinyin_letters)
            return
        walk(i + 1, [*pieces, term[i]], tags, scopes, count, pinyin_letters)
        if count >= settings.max_substitutions:
            return
        for sub in options[i]:
            letters = pinyin_letters + (len(_LATIN.findall(sub.text)) if sub.tag == "pinyin" else 0)
            walk(i + sub.length, [*pieces, sub.text], tags | {sub.tag}, scopes or sub.scopes, count + 1, letters)

    walk(0, [], set(), None, 0, 0)
    if reading and all(reading):
        # All of it in pinyin (duchang), and the initials of a long term (nmsl).
        full = "".join(reading)  # type: ignore[arg-type]
        keep(full, {"pinyin"}, None, n, len(full))
        if n >= pinyin.initials_min_chars:
            initials = "".join(s[0] for s in reading)  # type: ignore[index]
            found.setdefault(initials, (n, Variant(initials, ("pinyin",))))
    ordered = sorted(found.values(), key=lambda item: (item[0], item[1].form))
    return [variant for _, variant in ordered[: settings.max_variants_per_term]]

"""Stage 3 — match: the compiled form of every rule and the search of one document.

All terms of all rules — lexicon terms, allow terms, and the words of context cues — go into
one Aho-Corasick automaton over the *compact* view, so a field is scanned once whatever the
number of terms. Patterns run with the ``regex`` module under a time limit. Work per hit
(boundaries, allow terms, exemption contexts) happens only for candidate hits.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs
import regex

from ..config.settings import RulesetSettings
from ..document import Document
from ..document import Field as DocumentField
from ..errors import PackError
from ..packs import PATTERN_FLAGS, CombinationRule, ContextCue, LexiconRule, ModelRule, Pack, PatternRule, Term
from ..packs.validators import VALIDATORS
from ..report import Finding, ReportError
from .compilecache import cached
from .lazyregex import BranchSubsets, LazyPattern, top_level_branches
from .literals import branch_literal_sets, minimum_length, repeat_gate, required_literal_sets, untimed_length
from .normalize import NormalizedText, compact, key_of_compact, warm_noise_candidates
from .tokenize import WordSegmenter
from .views import require_pinyin, term_variants

# Target kinds stored in the automaton.
_TERM, _ALLOW, _CUE, _GATE = 0, 1, 2, 3
_GLOBAL = -1


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with what the engine derived from it once: its pack, its compiled patterns."""

    index: int
    pack: str
    rule: LexiconRule | PatternRule | CombinationRule | ModelRule
    patterns: tuple[LazyPattern, ...] = ()
    # Cue ids (into Matcher._cues) of the rule's exemption contexts and combination parts.
    allow_cues: tuple[int, ...] = ()
    all_of_cues: tuple[int, ...] = ()
    validator: Callable[[str], bool] | None = None
    # Per pattern: the gates that must all be open for it to run (none: always runs).
    pattern_gates: tuple[tuple[int, ...], ...] = ()
    # Per pattern: (the fewest characters a match has, the repeat it needs as (width, times) or None).
    pattern_checks: tuple[tuple[int, tuple[int, int] | None], ...] = ()
    # Per pattern: the longest text it searches without a time limit (literals.untimed_length).
    pattern_untimed: tuple[int, ...] = ()
    # Per pattern that is an alternation: per branch, the gates that branch needs (one branch's all open, or
    # the pattern cannot match); empty for other patterns.
    pattern_branches: tuple[tuple[frozenset[int], ...], ...] = ()

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.__slots__ if name not in ("patterns", "validator")}

    def __setstate__(self, state):
        for name, value in state.items():
            object.__setattr__(self, name, value)
        patterns, validator = _compiled_parts(state["rule"])
        object.__setattr__(self, "patterns", patterns)
        object.__setattr__(self, "validator", validator)


@dataclass(frozen=True, slots=True)
class _Cue:
    spec: ContextCue
    pattern: LazyPattern | None  # for pattern cues; term cues come from the automaton
    gates: tuple[int, ...] = ()  # all open, or the pattern cannot match
    untimed: int = 0  # the longest text the pattern searches without a time limit
    branches: tuple[frozenset[int], ...] = ()  # for an alternation: one branch's gates all open, or no match
    # For an alternation of at most _MAX_SUBSET_BRANCHES branches: the branches whose gates are open, searched
    # alone (lazyregex.BranchSubsets).
    subsets: BranchSubsets | None = None

    def __getstate__(self):
        return {"spec": self.spec, "gates": self.gates, "untimed": self.untimed, "branches": self.branches,
                "subsets": self.subsets}

    def __setstate__(self, state):
        object.__setattr__(self, "spec", state["spec"])
        object.__setattr__(self, "gates", state["gates"])
        object.__setattr__(self, "branches", state["branches"])
        object.__setattr__(self, "untimed", state["untimed"])
        object.__setattr__(self, "subsets", state["subsets"])
        object.__setattr__(self, "pattern", _compile_cue(state["spec"]))


# An alternation of more branches is searched whole: telling which branches are open would cost more than
# the search saves (the 13-branch insider part of confidentiality/insider-relay: 42.6 -> 9.7 µs a 600-character
# post, measured, with 17 different sets of open branches in 300 posts).
_MAX_SUBSET_BRANCHES = 16


def _branch_subsets(pattern: str, branches: tuple[frozenset[int], ...]) -> BranchSubsets | None:
    if not 1 < len(branches) <= _MAX_SUBSET_BRANCHES:
        return None
    texts = top_level_branches(pattern)
    # The text's branches must be the ones the gates were worked out for, one for one.
    return BranchSubsets(texts, PATTERN_FLAGS) if len(texts) == len(branches) else None


def _compiled_parts(rule) -> tuple[tuple[LazyPattern, ...], Callable[[str], bool] | None]:
    """A pattern rule's patterns (compiled on first use) and validator (nothing for other kinds)."""
    if not isinstance(rule, PatternRule):
        return (), None
    flags = PATTERN_FLAGS if rule.ignore_case else 0
    patterns = tuple(LazyPattern(p, flags) for p in rule.patterns)
    return patterns, VALIDATORS[rule.validator] if rule.validator else None


def _compile_cue(spec: ContextCue) -> LazyPattern | None:
    return LazyPattern(spec.pattern, PATTERN_FLAGS) if spec.pattern else None


def _analysis(pattern: str) -> tuple[tuple[frozenset[str], ...], int, tuple[int, int] | None,
                                      tuple[tuple[frozenset[str], ...], ...]]:
    """What literals.py works out of a pattern (the sets of gate strings it needs one of each, its shortest
    match, its repeat, the sets of each branch of an alternation), cached."""
    def compute() -> list[Any]:
        repeat = repeat_gate(pattern)
        return [[sorted(literals) for literals in required_literal_sets(pattern)], minimum_length(pattern),
                list(repeat) if repeat else None,
                [[sorted(literals) for literals in sets] for sets in branch_literal_sets(pattern)]]

    sets, shortest, repeat, branches = cached("pattern-analysis/2", pattern, compute)  # /2: with the branch sets
    return (tuple(frozenset(literals) for literals in sets), shortest, (tuple(repeat) if repeat else None),
            tuple(tuple(frozenset(literals) for literals in branch) for branch in branches))


def _untimed(pattern: str) -> int:
    """literals.untimed_length of a pattern, cached."""
    return cached("pattern-untimed", pattern, lambda: untimed_length(pattern))


@dataclass(frozen=True, slots=True)
class TermKey:
    """What an automaton key of a lexicon term stands for: the term, the compact form the rule knows
    it by (``matched``), the spelling the key was made from (``form``: the term itself, or a variant
    that a view generated) and the obfuscations that spelling carries; ``scopes`` limits a variant
    to some scopes (None: any)."""

    term: Term
    matched: str
    form: str
    obfuscation: tuple[str, ...] = ()
    scopes: tuple[str, ...] | None = None


@dataclass(slots=True)
class _Candidate:
    folded_start: int
    folded_end: int
    matched: str
    evidence: str
    term: Term | None = None
    obfuscation: tuple[str, ...] = ()


_PLACEHOLDER = regex.compile(r"{(match|term|note)}")


def _fill(template: str, values: dict[str, str]) -> str:
    """Put the hit into a message; other braces stay as written (no str.format surprises)."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template) if template else ""


def _number_end(subject: str, end: int) -> int:
    """Where the number that runs on past ``end`` ends: digits, and a decimal part after one point."""
    length = len(subject)
    while end < length and subject[end].isdigit():
        end += 1
    if end + 1 < length and subject[end] == "." and subject[end + 1].isdigit():
        end += 1
        while end < length and subject[end].isdigit():
            end += 1
    return end


def _repeats(subject: str, width: int, times: int) -> bool:
    """Whether some ``width`` characters occur ``times`` times in ``subject`` (overlaps counted)."""
    count = len(subject) - width + 1
    if count < times:
        return False
    grams = subject if width == 1 else [subject[i:i + width] for i in range(count)]
    if count - len(set(grams)) < times - 1:
        return False  # too few repeated grams for any one to occur that often
    return max(Counter(grams).values()) >= times


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class Matcher:
    """The immutable compiled ruleset: safe to share across threads and to pickle to workers."""

    def __init__(self, packs: Sequence[Pack], settings: RulesetSettings, global_allow: Sequence[str] = ()):
        self.settings = settings
        norm = settings.normalization
        rules: list[CompiledRule] = []
        cues: list[_Cue] = []
        # compact key -> list of (target kind, rule index, payload)
        targets: dict[str, list[tuple[int, int, Any]]] = defaultdict(list)
        segmenter_words: set[str] = set()

        norm_key = hashlib.sha256(norm.model_dump_json().encode("utf-8")).hexdigest()[:24]

        def forms(text: str) -> tuple[str, str]:
            """A term's compact form and its automaton key, kept in the compile cache by the normalization."""
            def compute() -> list[str]:
                form = compact(text, norm)
                return [form, key_of_compact(form, norm)]

            return tuple(cached("term-forms", f"{norm_key}|{text}", compute))  # type: ignore[return-value]

        def add_key(text: str, target: tuple[int, int, Any], where: str) -> str:
            key = forms(text)[1]
            if not key:
                raise PackError(f"{where}: term {text!r} is empty once normalized (only noise characters)")
            targets[key].append(target)
            return key

        gate_count = 0
        char_gates: list[tuple[int, str]] = []
        views_key: list[str] = []

        def variants_of(form: str, views: Sequence[str]) -> list[list[Any]]:
            """term_variants as [spelling, its automaton key, obfuscation, scopes] lists, kept in the compile
            cache by the view tables and normalization that shape them: a warm load() neither keys the
            ~7,000 spellings again nor builds a Variant for each (#13)."""
            if not views_key:
                views_key.append(hashlib.sha256((settings.views.model_dump_json() + "\0"
                                                 + norm.model_dump_json()).encode("utf-8")).hexdigest()[:24])

            def compute() -> list[Any]:
                return [[v.form, key_of_compact(v.form, norm), list(v.obfuscation),
                         list(v.scopes) if v.scopes is not None else None]
                        for v in term_variants(form, views, settings.views, norm)]

            return cached("term-variants-keyed", f"{views_key[0]}|{','.join(views)}|{form}", compute)

        gate_ids: dict[tuple[frozenset[str], frozenset[str]], int] = {}

        def new_gate(chars: frozenset[str], keys: frozenset[str] = frozenset()) -> int:
            """The gate opened by any of ``chars`` in the folded view or any of ``keys`` in the keyed one
            (patterns that need the same strings share it)."""
            nonlocal gate_count
            found = gate_ids.get((chars, keys))
            if found is not None:
                return found
            gate = gate_ids[(chars, keys)] = gate_count
            gate_count += 1
            if chars:
                char_gates.append((gate, "".join(sorted(chars))))
            for key in keys:
                targets[key].append((_GATE, gate, None))
            return gate

        def add_gates(pattern: str) -> tuple[int, ...]:
            """The gates of a pattern: one per set of required literals (see literals.py), each opened by any
            literal of its set; the pattern can match only when all are open."""
            gates = (add_gate(literals) for literals in _analysis(pattern)[0])
            return tuple(dict.fromkeys(gate for gate in gates if gate is not None))

        def add_branch_gates(pattern: str) -> tuple[frozenset[int], ...]:
            """Per branch of a pattern that is an alternation, the gates it needs (empty: not gated so)."""
            found = []
            for branch in _analysis(pattern)[3]:
                gates = frozenset(gate for gate in map(add_gate, branch) if gate is not None)
                if not gates:
                    return ()  # a branch that may match anywhere: any text may hold a match
                found.append(gates)
            return tuple(found)

        gate_of_literals: dict[frozenset[str], int | None] = {}

        def add_gate(literals: frozenset[str]) -> int | None:
            """``_add_gate``, once per set of literals: many patterns share one (\\d alone is 770 digits)."""
            try:
                return gate_of_literals[literals]
            except KeyError:
                gate = gate_of_literals[literals] = _add_gate(literals)
                return gate

        def _add_gate(literals: frozenset[str]) -> int | None:
            """A gate opened by any of ``literals`` (None: no gate can be built from them)."""
            if any(norm.noise_regex.search(literal.lower()) for literal in literals):
                # A literal with a noise character ({{, ${) is not in the compact view the automaton reads;
                # any one of its characters is in the folded view: gate on one character of each.
                literals = frozenset(literal[0] for literal in literals)
            if all(len(literal) == 1 for literal in literals):
                # Single characters (a digit, "+", a class of letters) would stop the automaton at every
                # occurrence: a C-level set test on the folded view (where every view's characters are,
                # noise included) is far cheaper. Every case of the character: patterns ignore case.
                return new_gate(frozenset(variant for literal in literals
                                          for variant in (literal, literal.lower(), literal.upper(), literal.casefold())
                                          if len(variant) == 1))
            # Patterns see the folded view, the automaton the compact one: a literal present in
            # the folded text is present in the compact text once its noise is removed.
            keys = {norm.noise_regex.sub("", literal.lower()) for literal in literals}
            if "" in keys:
                return None
            # Single characters are tested on the compact view, longer literals on the keyed one. Beside longer
            # ones, a single character that has no other case (不, 1, +) is looked for in the folded view too:
            # in the automaton it would stop the scan at each of its occurrences.
            singles: set[str] = set()
            if not all(len(key) == 1 for key in keys):
                singles = {key for key in keys if len(key) == 1 and key == key.upper() == key.casefold()}
                keys = {key_of_compact(key, norm) for key in keys - singles}
            if all(len(key) == 1 for key in keys):
                return new_gate(frozenset(keys | singles))
            return new_gate(frozenset(singles), frozenset(keys))

        def add_cue(spec: ContextCue, rule_index: int, where: str) -> int:
            cue_id = len(cues)
            branches = add_branch_gates(spec.pattern) if spec.pattern else ()
            cues.append(_Cue(spec, _compile_cue(spec), add_gates(spec.pattern) if spec.pattern else (),
                             _untimed(spec.pattern) if spec.pattern else 0, branches,
                             _branch_subsets(spec.pattern, branches) if branches else None))
            for word in spec.terms:
                add_key(word, (_CUE, rule_index, cue_id), where)
            return cue_id

        for pack in packs:
            for rule in pack.rules:
                where = f"{pack.source}: rule {rule.id!r}"
                index = len(rules)
                for word in rule.allow:
                    add_key(word, (_ALLOW, index, None), where)
                allow_cues = tuple(add_cue(cue, index, where) for cue in rule.allow_contexts)
                all_of = ()
                gates: tuple[tuple[int, ...], ...] = ()
                branches: tuple[tuple[frozenset[int], ...], ...] = ()
                checks: tuple[tuple[int, tuple[int, int] | None], ...] = ()
                untimed: tuple[int, ...] = ()
                patterns, validator = _compiled_parts(rule)
                if isinstance(rule, LexiconRule):
                    if not rule.terms:
                        raise PackError(f"{where}: field 'terms': a lexicon rule needs at least one term")
                    views = rule.views if rule.views is not None else pack.views
                    if "pinyin" in views:
                        require_pinyin(where)
                    rule_keys: set[str] = set()
                    for term in rule.terms:
                        form = forms(term.term)[0]
                        rule_keys.add(add_key(term.term, (_TERM, index, TermKey(term, form, form)), where))
                        segmenter_words.add(form)
                    for term in rule.terms if views else ():
                        form = forms(term.term)[0]
                        for spelling, key, obfuscation, scopes in variants_of(form, views):
                            if key and key not in rule_keys:  # a spelling the rule lists itself stays plain
                                rule_keys.add(key)
                                targets[key].append((_TERM, index, TermKey(
                                    term, form, spelling, tuple(obfuscation),
                                    tuple(scopes) if scopes is not None else None)))
                elif isinstance(rule, PatternRule):
                    gates = tuple(add_gates(p) for p in rule.patterns)
                    branches = tuple(add_branch_gates(p) for p in rule.patterns)
                    checks = tuple(_analysis(p)[1:3] for p in rule.patterns)
                    untimed = tuple(_untimed(p) for p in rule.patterns)
                elif isinstance(rule, CombinationRule):
                    all_of = tuple(add_cue(cue, index, where) for cue in rule.all_of)
                rules.append(CompiledRule(index, pack.pack, rule, patterns, allow_cues, all_of, validator, gates,
                                          checks, untimed, branches))
        for word in global_allow:
            add_key(word, (_ALLOW, _GLOBAL, None), "configuration allowlist")

        self.rules: tuple[CompiledRule, ...] = tuple(rules)
        # Which patterns a field needs to try: the ungated ones always, the rest when all their gates are open
        # (looked at when the first is); a combination when every one of its cues may be there, looked at
        # when one of them is (its first word cue found, else its first cue's gate open, else always).
        ungated: list[tuple[int, int, tuple[frozenset[int], ...]]] = []
        by_gate: dict[int, list[tuple[int, int, frozenset[int], tuple[frozenset[int], ...]]]] = defaultdict(list)
        combinations_always: list[tuple[int, frozenset[int], frozenset[int]]] = []
        combinations_by_cue: dict[int, list[tuple[int, frozenset[int], frozenset[int]]]] = defaultdict(list)
        combinations_by_gate: dict[int, list[tuple[int, frozenset[int], frozenset[int]]]] = defaultdict(list)
        for compiled in rules:
            if isinstance(compiled.rule, PatternRule):
                for position, gates in enumerate(compiled.pattern_gates):
                    branches = compiled.pattern_branches[position] if compiled.pattern_branches else ()
                    if gates:
                        by_gate[gates[0]].append((compiled.index, position, frozenset(gates[1:]), branches))
                    else:
                        ungated.append((compiled.index, position, branches))
            elif isinstance(compiled.rule, CombinationRule):
                term_cues = frozenset(c for c in compiled.all_of_cues if cues[c].pattern is None)
                cue_gates = frozenset(gate for c in compiled.all_of_cues if cues[c].pattern is not None
                                      for gate in cues[c].gates)
                entry = (compiled.index, term_cues, cue_gates)
                if term_cues:
                    combinations_by_cue[min(term_cues)].append(entry)
                elif cue_gates:
                    combinations_by_gate[min(cue_gates)].append(entry)
                else:
                    combinations_always.append(entry)
        self._ungated_patterns = tuple(ungated)
        self._patterns_by_gate = {gate: tuple(found) for gate, found in by_gate.items()}
        self._combinations_always = tuple(combinations_always)
        self._combinations_by_cue = {cue: tuple(found) for cue, found in combinations_by_cue.items()}
        self._combinations_by_gate = {gate: tuple(found) for gate, found in combinations_by_gate.items()}
        # The gates that index something: a text opens some fifty gates, most of them only the second or
        # third part a pattern needs; these sets keep the look-ups to the few that index one.
        self._pattern_gate_set = frozenset(self._patterns_by_gate)
        self._combination_gate_set = frozenset(self._combinations_by_gate)
        self._cues: tuple[_Cue, ...] = tuple(cues)
        self._char_gates: tuple[tuple[int, frozenset[str]], ...] = tuple(
            (gate, frozenset(chars)) for gate, chars in char_gates)
        self._char_gate_chars = frozenset("".join(chars for _, chars in char_gates))
        # Found in a text by a C-level class search for the Basic Multilingual Plane's characters, and by a set
        # test for the others (emoji) only in a text that has such a character.
        plane = sorted(c for c in self._char_gate_chars if c <= "\uffff")
        self._char_gate_search = re.compile("[" + "".join(re.escape(c) for c in plane) + "]") if plane else None
        self._char_gate_astral = frozenset(c for c in self._char_gate_chars if c > "\uffff")
        gates_by_char: dict[str, list[int]] = defaultdict(list)
        for gate, chars in char_gates:
            for char in chars:
                gates_by_char[char].append(gate)
        self._gates_by_char = {char: tuple(gates) for char, gates in gates_by_char.items()}
        # Every automaton key with its targets; the automaton reports a key by its position here.
        self._keys: tuple[tuple[str, tuple[tuple[int, int, Any], ...]], ...] = tuple(
            (key, tuple(key_targets)) for key, key_targets in targets.items())
        # Per key, by its position: the gates it opens (whatever the words around it), and its other targets.
        self._key_gates: tuple[tuple[int, ...], ...] = tuple(
            tuple(gate for kind, gate, _ in key_targets if kind == _GATE) for _, key_targets in self._keys)
        self._key_targets: tuple[tuple[tuple[int, int, Any], ...], ...] = tuple(
            tuple(target for target in key_targets if target[0] != _GATE) for _, key_targets in self._keys)
        self._automaton = self._build_automaton()
        self.segmenter = WordSegmenter(segmenter_words)
        warm_noise_candidates(norm)

    def compile_patterns(self) -> None:
        """Compile every pattern now (a warm worker process), not on first use."""
        for compiled in self.rules:
            for pattern in compiled.patterns:
                pattern.compiled()
        for cue in self._cues:
            if cue.pattern is not None:
                cue.pattern.compiled()

    # ---- pickling: the automaton is rebuilt (fast) rather than shipped ---------------------
    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_automaton", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._automaton = self._build_automaton()
        warm_noise_candidates(self.settings.normalization)

    def _build_automaton(self) -> ahocorasick_rs.AhoCorasick | None:
        # ahocorasick-rs over pyahocorasick: 4x the search speed on this ruleset's keys
        # (benchmarks/bench_automaton.py); overlapping matches, which leftmost-longest per rule
        # and allow terms that cover a hit need.
        if not self._keys:
            return None
        return ahocorasick_rs.AhoCorasick([key for key, _ in self._keys])

    # ---- scanning ---------------------------------------------------------------------------
    def scan(self, document: Document, fields: Sequence[tuple[DocumentField, NormalizedText]],
             rule_filter: Callable[[CompiledRule], bool] | None = None) -> tuple[list[Finding], list[ReportError]]:
        """Every finding of every enabled rule in scope for each field, in field and text order.

        ``rule_filter`` replaces the rules' ``enabled`` switch (used to test one rule alone).
        """
        scans = [_FieldScan(self, name, text, document.scope_of(name)) for name, text in fields]
        findings: list[Finding] = []
        errors: list[ReportError] = []
        for scan in scans:
            for compiled in scan.rules_that_may_match():
                rule = compiled.rule
                wanted = rule_filter(compiled) if rule_filter else rule.enabled
                if not wanted or scan.scope not in rule.scope:
                    continue
                if isinstance(rule, LexiconRule):
                    candidates = scan.lexicon_candidates(compiled)
                elif isinstance(rule, PatternRule):
                    candidates = scan.pattern_candidates(compiled, errors)
                else:
                    candidates = scan.combination_candidates(compiled, errors)
                if not candidates:
                    continue
                kept = [c for c in candidates if not scan.exempted(compiled, c, scans, errors)]
                findings.extend(scan.to_finding(compiled, c) for c in _leftmost_longest(kept))
        findings.sort(key=lambda f: (f.field != "title", f.start, f.end, f.rule_id))
        return findings, errors


# The order obfuscations are listed in on a finding.
_OBFUSCATION_ORDER = ("noise", "number-style", "pinyin", "homophone", "lookalike", "repeat")


def _ordered(tags: list[str]) -> tuple[str, ...]:
    return tuple(tag for tag in _OBFUSCATION_ORDER if tag in tags)


def _leftmost_longest(candidates: list[_Candidate]) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    last_end = -1
    for candidate in sorted(candidates, key=lambda c: (c.folded_start, -c.folded_end)):
        if candidate.folded_start >= last_end:
            chosen.append(candidate)
            last_end = candidate.folded_end
    return chosen


class _FieldScan:
    """The per-field working state of one scan: automaton hits grouped by target."""

    __slots__ = ("matcher", "name", "text", "scope", "term_hits", "allow_spans", "_allow_longest", "cue_hits",
                 "_token_cache", "_term_cues", "_open_gates", "_patterns_to_run")

    def __init__(self, matcher: Matcher, name: DocumentField, text: NormalizedText, scope: str):
        self.matcher = matcher
        self.name = name
        self.text = text
        self.scope = scope
        self.term_hits: dict[int, list[tuple[int, int, str, TermKey]]] = {}
        self.allow_spans: dict[int, list[tuple[int, int]]] = {}
        self._allow_longest: dict[int, int] = {}
        self.cue_hits: dict[int, list[tuple[int, int]]] = {}
        self._token_cache: dict[tuple, tuple[frozenset[int], frozenset[int]]] = {}
        # Per pattern rule to try: the positions of its patterns whose gate is open (see rules_that_may_match).
        self._patterns_to_run: dict[int, list[int]] = {}
        term_cues: dict[int, list[tuple[int, int]]] = {}
        folded = text.folded
        automaton = matcher._automaton
        keys, key_gates, key_targets = matcher._keys, matcher._key_gates, matcher._key_targets
        open_gates: set[int] = set()
        matches = automaton.find_matches_as_indexes(text.keyed, overlapping=True) if automaton else ()
        for key_index, c_start, c_end in matches:
            gates = key_gates[key_index]
            if gates:
                open_gates.update(gates)
            targets = key_targets[key_index]
            if not targets:
                continue  # the common case: a gate literal and nothing else
            c_start, c_end = text.keyed_to_compact(c_start, c_end)
            f_start, f_end = text.compact_to_folded(c_start, c_end)
            if not self._whole_word(folded, f_start, f_end):
                continue
            key = keys[key_index][0]
            for kind, rule_index, payload in targets:
                if kind == _TERM:
                    self.term_hits.setdefault(rule_index, []).append((c_start, c_end, key, payload))
                elif kind == _ALLOW:
                    self.allow_spans.setdefault(rule_index, []).append((f_start, f_end))
                    if f_end - f_start > self._allow_longest.get(rule_index, 0):
                        self._allow_longest[rule_index] = f_end - f_start
                else:
                    term_cues.setdefault(payload, []).append((f_start, f_end))
        for spans in self.allow_spans.values():
            spans.sort(key=lambda span: span[1])  # _covered_by_allow_term bisects by end
        self._term_cues = term_cues
        gates_by_char = matcher._gates_by_char
        search, astral = matcher._char_gate_search, matcher._char_gate_astral
        chars = set(search.findall(folded)) if search is not None else set()
        if astral and folded and max(folded) > "\uffff":
            chars.update(astral.intersection(folded))
        if chars:
            open_gates.update(*map(gates_by_char.__getitem__, chars))
        self._open_gates = open_gates

    def rules_that_may_match(self) -> list[CompiledRule]:
        """Lexicon rules with a hit, pattern rules with an open gate, combinations with every cue possible."""
        matcher = self.matcher
        open_gates = self._open_gates
        to_run: dict[int, list[int]] = {}
        for rule_index, position, branches in matcher._ungated_patterns:
            if not branches or any(branch <= open_gates for branch in branches):
                to_run.setdefault(rule_index, []).append(position)
        patterns_by_gate = matcher._patterns_by_gate
        for gate in open_gates.intersection(matcher._pattern_gate_set):
            for rule_index, position, other_gates, branches in patterns_by_gate[gate]:
                if (not other_gates or other_gates <= open_gates) and (
                        not branches or any(branch <= open_gates for branch in branches)):
                    to_run.setdefault(rule_index, []).append(position)
        for positions in to_run.values():
            positions.sort()
        self._patterns_to_run = to_run
        indexes = set(self.term_hits)
        indexes.update(to_run)
        found_cues = self._term_cues.keys()
        possible = [*matcher._combinations_always]
        for cue in found_cues:
            possible.extend(matcher._combinations_by_cue.get(cue, ()))
        for gate in open_gates.intersection(matcher._combination_gate_set):
            possible.extend(matcher._combinations_by_gate[gate])
        for index, term_cues, cue_gates in possible:
            if term_cues <= found_cues and cue_gates <= open_gates:
                indexes.add(index)
        return [matcher.rules[index] for index in sorted(indexes)]

    @staticmethod
    def _whole_word(folded: str, start: int, end: int) -> bool:
        # ASCII terms match whole words only (av not in "have") and digit terms whole numbers
        # (69 not in 695); CJK around them is fine (测av试, 1av2). The text's own edge characters
        # decide (a key folds 一 to 1; 一 written as such has no ASCII edge).
        first, last = folded[start], folded[end - 1]
        if start > 0 and _is_word_char(first) and _is_word_char(folded[start - 1]):
            if first.isdigit() == folded[start - 1].isdigit():
                return False
        if end < len(folded) and _is_word_char(last) and _is_word_char(folded[end]):
            if last.isdigit() == folded[end].isdigit():
                return False
        return True

    # ---- candidates per rule kind -------------------------------------------------------------
    def lexicon_candidates(self, compiled: CompiledRule) -> list[_Candidate]:
        hits = self.term_hits.get(compiled.index)
        if not hits:
            return []
        rule: LexiconRule = compiled.rule  # type: ignore[assignment]
        candidates = []
        repeats = self.matcher.settings.normalization.collapse_repeats
        for c_start, c_end, key, term_key in hits:
            if term_key.scopes is not None and self.scope not in term_key.scopes:
                continue
            f_start, f_end = self.text.compact_to_folded(c_start, c_end)
            # The cheap test first: an allow term covering the hit spares the word segmenter.
            if self._covered_by_allow_term(compiled.index, f_start, f_end):
                continue
            written = self.text.compact[c_start:c_end]
            obfuscation = list(term_key.obfuscation)
            if f_end - f_start != c_end - c_start:
                obfuscation.insert(0, "noise")
            if repeats and len(written) != len(key):
                obfuscation.append("repeat")
            elif written != term_key.form:
                obfuscation.append("number-style")
            # A disguised hit is segmented as the term it stands for (du场 → 赌场).
            as_term = term_key.matched if written != term_key.matched else None
            if rule.boundary != "none" and not self._on_token_boundary(c_start, c_end, rule.boundary, as_term):
                continue
            if set(obfuscation) - {"number-style"}:
                evidence = "obfuscated"
            elif not obfuscation and self.text.is_verbatim(f_start, f_end):
                evidence = "exact"
            else:
                evidence = "folded"
            candidates.append(_Candidate(f_start, f_end, term_key.matched, evidence, term_key.term,
                                         _ordered(obfuscation)))
        return candidates

    def pattern_candidates(self, compiled: CompiledRule, errors: list[ReportError]) -> list[_Candidate]:
        rule: PatternRule = compiled.rule  # type: ignore[assignment]
        on_compact = rule.skip_noise
        subject = self.text.compact if on_compact else self.text.folded
        candidates = []
        length = len(subject)
        limit = self.matcher.settings.matching.pattern_timeout_seconds
        patterns, checks, untimed_lengths = compiled.patterns, compiled.pattern_checks, compiled.pattern_untimed
        for position in self._patterns_to_run.get(compiled.index, ()):  # the patterns whose gate is open
            pattern, (shortest, repeat), untimed = patterns[position], checks[position], untimed_lengths[position]
            if length < shortest or (repeat is not None and not _repeats(subject, *repeat)):
                continue  # too short for any match, or no unit repeated as often as the pattern needs
            try:
                # No time limit where the pattern's worst case on a text this long is far below it (and no
                # timeout argument at all: even None costs a microsecond).
                found = pattern.finditer(subject) if length <= untimed else pattern.finditer(subject, timeout=limit)
                for match in found:
                    start, end = match.span(rule.group)
                    if start < 0 or end <= start:
                        continue
                    if compiled.validator:
                        value = match.group(rule.group)
                        if not compiled.validator(value):
                            continue
                    else:
                        # A pattern that stops at a number's first digits (…毛利率\d) reports the whole number
                        # (毛利率38.5), never half of it.
                        if end < length and subject[end].isdigit() and subject[end - 1].isdigit():
                            end = _number_end(subject, end)
                        value = subject[start:end]
                    obfuscation: tuple[str, ...] = ()
                    if on_compact:
                        c_length = end - start
                        start, end = self.text.compact_to_folded(start, end)
                        if end - start != c_length:
                            obfuscation = ("noise",)
                    evidence = "validated" if compiled.validator else "pattern"
                    candidates.append(_Candidate(start, end, value, evidence, obfuscation=obfuscation))
            except TimeoutError:
                errors.append(ReportError(code="pattern-timeout", rule_id=rule.id,
                                          message=f"pattern {pattern.pattern!r} ran past its time limit on the "
                                                  f"{self.name}; the rest of this pattern's matches were skipped"))
        return candidates

    def combination_candidates(self, compiled: CompiledRule, errors: list[ReportError]) -> list[_Candidate]:
        rule: CombinationRule = compiled.rule  # type: ignore[assignment]
        # Word cues first: the automaton has found them already, and one missing cue ends the search.
        cues = self.matcher._cues
        open_gates = self._open_gates
        for cue_id in compiled.all_of_cues:
            # A part none of whose branches can match (its gates are set tests, no search): the combination
            # cannot match, whatever the parts before it would have cost to search (rules_that_may_match
            # looked at the parts' gates, not at their branches).
            branches = cues[cue_id].branches
            if branches and not any(branch <= open_gates for branch in branches):
                return []
        by_cost = sorted(compiled.all_of_cues, key=lambda c: cues[c].pattern is not None)
        found: dict[int, list[tuple[int, int]]] = {}
        for cue_id in by_cost:
            found[cue_id] = self.cue_occurrences(cue_id, errors)
            if not found[cue_id]:
                return []
        occurrences = [found[cue_id] for cue_id in compiled.all_of_cues]
        candidates = []
        for anchor_start, anchor_end in occurrences[0]:
            span_start, span_end = anchor_start, anchor_end
            region = None if isinstance(rule.within, int) else self._region(rule.within, anchor_start, anchor_end)
            for others in occurrences[1:]:
                # A cue found inside the anchor's own words adds nothing (老师 within 跟着老师); one that
                # takes the anchor in (a wide pattern around 员工) still counts.
                apart = [o for o in others if not (anchor_start <= o[0] and o[1] <= anchor_end)]
                if not apart:
                    break
                best = min(apart, key=lambda o: max(0, o[0] - anchor_end, anchor_start - o[1]))
                gap = max(0, best[0] - anchor_end, anchor_start - best[1])
                if region is None and gap > rule.within:
                    break
                if region is not None and not (region[0] <= best[0] and best[1] <= region[1]):
                    break
                span_start, span_end = min(span_start, best[0]), max(span_end, best[1])
            else:
                matched = self.text.folded[anchor_start:anchor_end]
                candidates.append(_Candidate(span_start, span_end, matched, "combination"))
        return candidates

    # ---- exemptions ----------------------------------------------------------------------------
    def exempted(self, compiled: CompiledRule, candidate: _Candidate, scans: list[_FieldScan],
                 errors: list[ReportError]) -> bool:
        start, end = candidate.folded_start, candidate.folded_end
        # Lexicon hits (the ones with a term) had their allow terms checked before the segmenter ran.
        if candidate.term is None and self._covered_by_allow_term(compiled.index, start, end):
            return True
        for cue_id in compiled.allow_cues:
            within = self.matcher._cues[cue_id].spec.within
            if within == "document":
                if any(scan.cue_occurrences(cue_id, errors) for scan in scans):
                    return True
                continue
            low, high = self._region(within, start, end)
            if any(low <= o_start and o_end <= high for o_start, o_end in self.cue_occurrences(cue_id, errors)):
                return True
        return False

    def _covered_by_allow_term(self, rule_index: int, start: int, end: int) -> bool:
        for owner in (rule_index, _GLOBAL):
            spans = self.allow_spans.get(owner)
            if not spans:
                continue
            # Spans arrive ordered by their end: skip those ending before ``end``, stop at those that
            # end so far on that they cannot start at or before ``start``.
            longest = self._allow_longest[owner]
            for a_start, a_end in spans[bisect_left(spans, end, key=lambda span: span[1]):]:
                if a_start <= start:
                    return True
                if a_end - longest > start:
                    break
        return False

    def _region(self, within: int | str, start: int, end: int) -> tuple[int, int]:
        """The folded span around ``[start, end)`` that a context or combination looks in."""
        if within == "clause":
            return self.text.clause_bounds(start, end)
        if within == "sentence":
            return self.text.sentence_bounds(start, end)
        return max(0, start - within), end + within

    def cue_occurrences(self, cue_id: int, errors: list[ReportError]) -> list[tuple[int, int]]:
        cached = self.cue_hits.get(cue_id)
        if cached is not None:
            return cached
        cue = self.matcher._cues[cue_id]
        found: list[tuple[int, int]] = []
        if cue.pattern is None:
            found = sorted(set(self._term_cues.get(cue_id, ())))
        elif all(gate in self._open_gates for gate in cue.gates) and (
                not cue.branches or any(branch <= self._open_gates for branch in cue.branches)):
            pattern = cue.pattern
            if cue.subsets is not None:
                # Only the branches that can match here: the same matches (see BranchSubsets), less to try. The
                # whole pattern's time bound holds for fewer branches.
                chosen = tuple(i for i, branch in enumerate(cue.branches) if branch <= self._open_gates)
                if len(chosen) < len(cue.branches):
                    pattern = cue.subsets.get(chosen) or pattern
            try:
                folded = self.text.folded
                matches = pattern.finditer(folded) if len(folded) <= cue.untimed else \
                    pattern.finditer(folded, timeout=self.matcher.settings.matching.pattern_timeout_seconds)
                found = [m.span() for m in matches if m.end() > m.start()]
            except TimeoutError:
                errors.append(ReportError(code="pattern-timeout", message=f"context pattern {cue.spec.pattern!r} "
                                          f"ran past its time limit on the {self.name}"))
        self.cue_hits[cue_id] = found
        return found

    # ---- word boundaries -------------------------------------------------------------------------
    def _on_token_boundary(self, c_start: int, c_end: int, mode: str, as_term: str | None = None) -> bool:
        """Whether the hit starts (and ends) on a word boundary of the words around it; ``as_term``:
        segment the window with the hit written as this term (a pinyin or number-style spelling)."""
        compact_text = self.text.compact
        window = self.matcher.settings.matching.token_window
        low, high = max(0, c_start - window), min(len(compact_text), c_end + window)
        # Stop the window at hard breaks: a sentence's words do not depend on the next one.
        breaks = self.matcher.settings.normalization.hard_break_regex
        for match in breaks.finditer(compact_text, low, c_start):
            low = match.end()
        stop = breaks.search(compact_text, c_end, high)
        if stop:
            high = stop.start()
        key = (low, high, c_start, c_end, as_term) if as_term is not None else (low, high)
        bounds = self._token_cache.get(key)
        if bounds is None:
            window = compact_text[low:high] if as_term is None else \
                compact_text[low:c_start] + as_term + compact_text[c_end:high]
            bounds = self.matcher.segmenter.boundaries(window)
            self._token_cache[key] = bounds
        starts, ends = bounds
        if c_start - low not in starts:
            return False
        end = c_end - low if as_term is None else c_start - low + len(as_term)
        return mode == "word-start" or end in ends

    # ---- output --------------------------------------------------------------------------------
    def to_finding(self, compiled: CompiledRule, candidate: _Candidate) -> Finding:
        rule = compiled.rule
        start, end = self.text.folded_to_original(candidate.folded_start, candidate.folded_end)
        text = self.text.original[start:end]
        term = candidate.term
        note = (term.note if term else None) or ""
        values = {"match": text, "term": candidate.matched, "note": note}
        suggestion = term.suggestion if term and term.suggestion else rule.suggestion
        return Finding(
            rule_id=rule.id, category=rule.category, severity=rule.severity, field=self.name,
            start=start, end=end, text=text,
            message=_fill(rule.message, values),
            suggestion=_fill(suggestion, values), replacement=term.replacement if term else None,
            clause=rule.clause, pack=compiled.pack, matched=candidate.matched,
            evidence=candidate.evidence, confidence=rule.confidence, obfuscation=candidate.obfuscation,
        )

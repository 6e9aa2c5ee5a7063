"""Find the register's names in running text, by the matching rules of schemas/register-format.md.

How it works (and why it stays fast with tens of thousands of forms):

1. Every form is reduced to *keys*: its normalised characters (space runs one space, ’ as ', the
   Unicode hyphens as -), each case-folded. Two characters match when their keys are equal.
2. The forms are compiled into ONE regular expression shaped like their trie (the *filter*). Its
   branches start with a literal character, so ``re`` scans the text in C and skips every position
   whose character cannot begin a form; the word boundaries are part of the pattern. The filter
   over-approximates: after the first character it ignores case (``re``'s case-insensitivity
   accepts every pair of characters with equal keys; a test checks this for all of Unicode), it
   ignores the context rules and it stops after :data:`FILTER_DEPTH` characters. It only says
   *where* a name may start; such places are rare (about one per name in the text).
3. At each such start, Python checks the forms exactly: it case-folds a short window of the text
   once (C speed) and walks a radix tree of the forms' keys with ``str.startswith``, then checks
   the end boundary, the case rule and the context rules of each form that ends there. Windows where
   case-folding changes the length (ß → ss), and forms with such characters, take a character-by-
   character walk instead, so every text gets the same answer.
4. Of all candidates, the longest wins, then the leftmost; candidates overlapping a chosen one drop out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..register import (
    EQUIVALENT_CHARACTERS,
    Entity,
    NameForm,
    Register,
    first_letter_index,
    form_keys,
    normalise_form,
)

# The filter follows a form for at most this many characters: far enough that most names have
# parted ways, short enough to keep the pattern (and the time re takes to compile it) small.
FILTER_DEPTH = 8

_WORD_CHARACTER = r"[^\W_]"  # a letter or digit: exactly str.isalnum() for str patterns
_START_BOUNDARY = rf"(?<!{_WORD_CHARACTER}[\s\S])"  # sits after the first character, see _trie_pattern
_END_BOUNDARY = rf"(?!{_WORD_CHARACTER})"
_SPACE_RUN = re.compile(r"\s+")

# Keys that stand for several characters re does not fold together: they are single-character edges in
# the radix tree, and the walk looks their characters up here (case-folding leaves them unchanged).
_SEPARATOR_KEYS = {**EQUIVALENT_CHARACTERS, "'": "'", "-": "-"}
_SEPARATOR_KEYS.update({chr(code): " " for code in range(0x3001) if chr(code).isspace()})


@dataclass(frozen=True)
class NameMatch:
    """A name found in a text: ``text[start:end]`` names ``entity_id`` through the register form ``form``."""

    start: int
    end: int
    entity_id: str
    entity_type: str
    form: str


def character_key(char: str) -> str:
    """What the matcher compares a (non-space) character by: equivalents unified, then case-folded."""
    return EQUIVALENT_CHARACTERS.get(char, char).casefold()


@functools.cache
def _characters_by_key() -> dict[str, frozenset[str]]:
    """Every character whose key differs from itself, grouped by key (built once, ~30 ms)."""
    groups: dict[str, set[str]] = {}
    # Planes 0 and 1 hold every cased character and every equivalent; planes 2-16 are CJK ideographs,
    # tags and private use, none of which has case. A test checks this against the whole range.
    for code in range(0x20000):
        char = chr(code)
        key = character_key(char)
        if key != char:
            groups.setdefault(key, set()).add(char)
    return {key: frozenset(chars | ({key} if len(key) == 1 else set())) for key, chars in groups.items()}


@functools.cache
def _multiple_folds() -> re.Pattern:
    """A character class of the characters that case-fold to several (ß, İ, ŉ, ﬁ …); all are letters."""
    chars = sorted(char for key, group in _characters_by_key().items() if len(key) > 1 for char in group)
    return re.compile("[" + "".join(re.escape(char) for char in chars) + "]")


def characters_for(key: str) -> frozenset[str]:
    """All characters whose key is ``key``."""
    return _characters_by_key().get(key, frozenset({key}))


# Inside the filter's case-insensitive part, a key is written as one character re folds like it;
# the equivalents and white space, which re does not fold together, are written out.
_KEY_PATTERNS = {" ": r"\s++", "'": "['\u2019]", "-": "[\\-\u2010\u2011]"}


def _key_pattern(key: str) -> str:
    return _KEY_PATTERNS.get(key) or re.escape(min(characters_for(key)))


# --- context rules ------------------------------------------------------------------------------------

# re.match(p, text[end:]) and re.compile(p).match(text, end) differ only where a pattern looks at the
# start of its string or behind it; such patterns are run on the slice, the others in place.
_LOOKS_AT_START = ("^", r"\A", r"\b", r"\B", "(?<")


def _max_width(regex: re.Pattern) -> int | None:
    """The longest text a pattern can match, or None if unbounded (or unknown)."""
    try:
        # The parser re itself uses; getwidth() is its own width analysis. Typeshed leaves the private module out.
        from re import _parser  # type: ignore[attr-defined]

        high = _parser.parse(regex.pattern, regex.flags).getwidth()[1]
    except Exception:  # noqa: BLE001 - a private module: any surprise means "unknown", which is safe
        return None
    return None if high >= _parser.MAXREPEAT else high


class _Followed:
    """``followed_by`` / ``not_followed_by``: re.match on text[end:]."""

    def __init__(self, pattern: str, must: bool) -> None:
        self.regex = re.compile(pattern)
        self.on_slice = any(token in pattern for token in _LOOKS_AT_START)
        self.must = must

    def holds(self, text: str, start: int, end: int) -> bool:
        if self.on_slice:
            found = self.regex.match(text[end:]) is not None
        else:
            found = self.regex.match(text, end) is not None
        return found is self.must


class _Preceded:
    """``preceded_by`` / ``not_preceded_by``: ``(?:REGEX)\\Z`` searched on text[:start]."""

    def __init__(self, pattern: str, must: bool) -> None:
        self.regex = re.compile(f"(?:{pattern})\\Z")
        # A match must end at ``start`` (endpos makes \Z match there), so with a bounded width it begins
        # at most that far back; searching from there instead of 0 keeps long texts linear. re's search
        # with pos still sees text before pos for \A, ^, \b and lookbehinds, so the answer is the same.
        self.width = _max_width(self.regex)
        self.must = must

    def holds(self, text: str, start: int, end: int) -> bool:
        low = 0 if self.width is None else max(0, start - self.width)
        found = self.regex.search(text, low, start) is not None
        return found is self.must


CONTEXT_CHECKS: dict[str, Callable[[str], _Followed | _Preceded]] = {
    "followed_by": lambda pattern: _Followed(pattern, True),
    "not_followed_by": lambda pattern: _Followed(pattern, False),
    "preceded_by": lambda pattern: _Preceded(pattern, True),
    "not_preceded_by": lambda pattern: _Preceded(pattern, False),
}


# --- forms ----------------------------------------------------------------------------------------------


class _Form:
    """A register form ready to check at one place in a text."""

    __slots__ = (
        "text",
        "normalised",
        "keys",
        "case",
        "first_letter",
        "checks",
        "entity_id",
        "entity_type",
        "rank",
        "quick",
    )

    def __init__(self, form: NameForm, entity: Entity, order: int) -> None:
        self.text = form.text
        self.normalised = normalise_form(form.text)
        self.keys = form_keys(self.normalised)
        self.case = form.case
        self.first_letter = first_letter_index(self.normalised)
        self.checks = tuple(CONTEXT_CHECKS[rule](pattern) for rule, pattern in form.rules)
        self.entity_id = entity.id
        self.entity_type = entity.type
        # Same span, several forms: a form whose context rules held is better evidence than one with
        # none; then register order decides.
        self.rank = (-len(self.checks), order)
        # Most forms only need their first character to be exactly the text's: say which, to skip accepts().
        simple = self.case == "initial" and self.first_letter == 0 and not self.checks
        self.quick = self.normalised[0] if simple else None

    def accepts(self, text: str, start: int, end: int) -> bool:
        """True if the case rule and context rules hold for text[start:end] (whose keys already match)."""
        if self.case == "initial":
            if self.first_letter == 0:
                if text[start] != self.normalised[0]:
                    return False
            elif (
                self.first_letter is not None
                and normalise_form(text[start:end])[self.first_letter] != self.normalised[self.first_letter]
            ):
                return False
        elif self.case == "exact" and normalise_form(text[start:end]) != self.normalised:
            return False
        if self.checks:
            return all(check.holds(text, start, end) for check in self.checks)
        return True

    @property
    def aligned(self) -> bool:
        """True if every character of the form has a one-character key (so folded text lines up)."""
        return all(len(key) == 1 for key in self.keys)

    def first_characters(self) -> frozenset[str]:
        """The characters a text may have where this form starts."""
        first = self.normalised[0]
        if self.case != "any" and first.isalpha():
            return frozenset({first})
        return characters_for(self.keys[0])


# --- the filter -----------------------------------------------------------------------------------------


def _filter_pattern(forms: list[_Form]) -> str | None:
    """One regex, shaped like the trie of forms, that matches wherever some form may start."""
    root: dict = {}
    for form in forms:
        keys = form.keys[:FILTER_DEPTH]
        complete = len(form.keys) <= FILTER_DEPTH
        for first in form.first_characters():
            node = root.setdefault(first, {})
            for key in keys[1:]:
                node = node.setdefault(key, {})
            # None marks an end: True if the end boundary applies (a whole form), False for a cut prefix.
            node[None] = node.get(None, True) and complete
    if not root:
        return None
    branches = []
    for first in sorted(root):
        # Every branch starts with a literal character, which lets re skip ahead in C; the start
        # boundary is a lookbehind over that character and the one before it.
        rest = _trie_pattern(root[first])
        branches.append(re.escape(first) + _START_BOUNDARY + (f"(?i:{rest})" if rest else ""))
    return "|".join(branches)


def _trie_pattern(node: dict) -> str:
    branches = []
    if node.get(None) is not None:
        # Only where a match starts matters, so the shortest form is enough: trying it first lets re stop.
        branches.append(_END_BOUNDARY if node[None] else "")
    for key in sorted(k for k in node if k is not None):
        branches.append(_key_pattern(key) + _trie_pattern(node[key]))
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


# --- the exact walk -------------------------------------------------------------------------------------


def _character_trie(forms: Iterable[_Form]) -> dict:
    """A trie of dicts keyed by character keys; the list of forms ending at a node is under None."""
    root: dict = {}
    for form in forms:
        node = root
        for key in form.keys:
            node = node.setdefault(key, {})
        node.setdefault(None, []).append(form)
    return root


class _RadixNode:
    """A node of the radix tree: edges by the first character of their label, forms that end here."""

    __slots__ = ("edges", "forms")

    def __init__(self) -> None:
        self.edges: dict[str, tuple[str, _RadixNode]] = {}
        self.forms: list[_Form] | None = None


def _radix_insert(root: _RadixNode, form: _Form) -> None:
    """Add a form whose keys are all one character to a radix tree.

    A space, an apostrophe and a hyphen are edges of their own: each stands for several characters of
    the text (one space for a run of white space). Other runs of keys share edges as far as they agree.
    """
    keys = "".join(form.keys)
    node = root
    index = 0
    while index < len(keys):
        first = keys[index]
        stop = index + 1
        if first not in _SEPARATOR_KEYS:
            while stop < len(keys) and keys[stop] not in _SEPARATOR_KEYS:
                stop += 1
        edge = node.edges.get(first)
        if edge is None:
            child = _RadixNode()
            node.edges[first] = (keys[index:stop], child)
            node, index = child, stop
            continue
        label, child = edge
        shared = 1
        while shared < len(label) and index + shared < stop and label[shared] == keys[index + shared]:
            shared += 1
        if shared < len(label):  # split the edge where the form parts from it
            middle = _RadixNode()
            middle.edges[label[shared]] = (label[shared:], child)
            node.edges[first] = (label[:shared], middle)
            child = middle
        node, index = child, index + shared
    if node.forms is None:
        node.forms = []
    node.forms.append(form)


class NameMatcher:
    """Finds every register form in a text; build once, call :meth:`find` on each block of text.

    Context rules see only the text given to :meth:`find`; a ``preceded_by`` rule of unbounded width
    (``\\s+``, ``.*``) searches all of it before the name, so give it blocks (paragraphs, notes), as the
    tagger does, rather than a whole book at once.
    """

    def __init__(
        self,
        source: Register | Iterable[tuple[NameForm, Entity]],
        given_names: Callable[[str], bool] | None = None,
    ) -> None:
        if isinstance(source, Register):
            # The preferred name is always a form ("Alexandra Kollontai" even if only "Kollontai" is listed).
            pairs = [(form, entity) for entity in source.entities for form in entity.match_forms]
        else:
            pairs = list(source)
        # With a given-name test, a person's name takes in the given names and initials before it.
        self._given_names = given_names
        self._forms = [_Form(form, entity, order) for order, (form, entity) in enumerate(pairs)]
        self._radix = _RadixNode()
        for form in self._forms:
            if form.aligned:
                _radix_insert(self._radix, form)
        # Forms with a character that folds to two or more (ß → ss) are few: walk them one by one.
        unaligned = [form for form in self._forms if not form.aligned]
        self._unaligned_trie = _character_trie(unaligned) if unaligned else None
        # The stretch of text the radix walk reads at first; white space can make a name longer.
        self._window = max((len(form.keys) for form in self._forms), default=0) + 16
        pattern = _filter_pattern(self._forms)
        self._filter = re.compile(pattern) if pattern is not None else None

    @property
    def form_count(self) -> int:
        """How many forms the matcher looks for."""
        return len(self._forms)

    def find(self, text: str) -> list[NameMatch]:
        """All names in ``text``, longest then leftmost, never overlapping, in text order."""
        if self._filter is None:
            return []
        candidates: list[tuple[int, int, _Form]] = []
        search = self._filter.search
        window = self._window
        radix = self._radix
        unaligned = self._unaligned_trie
        position = 0
        while True:
            found = search(text, position)
            if found is None:
                break
            # The filter has checked the start boundary; now find every form that matches here.
            start = found.start()
            position = start + 1
            size = window
            while not _walk_window(radix, text, start, size, candidates):
                size *= 4  # a run of white space went past the window: read more
            if unaligned is not None:
                _walk_characters(unaligned, text, start, candidates)
        matches = [
            NameMatch(start, end, form.entity_id, form.entity_type, form.text)
            for start, end, form in _choose(candidates)
        ]
        if self._given_names is not None:
            matches = _with_given_names(text, matches, self._given_names)
        return matches


# --- names the register half-knows ------------------------------------------------------------------------

# The word right before a person's name, separated by spaces on the same line: an initial ("A.", "A.M.") or a
# capitalised word (its letters, apostrophes and hyphens).
_WORD_BEFORE = re.compile(r"(?:(?P<initial>(?:[^\W\d_]\.[^\S\n]?)+)|(?P<word>[^\W\d_][\w'’-]*))[^\S\n]+\Z")
# How far back a given name may begin (a handful of words before the surname).
_LOOK_BACK = 60


def _with_given_names(text: str, matches: list[NameMatch], is_given: Callable[[str], bool]) -> list[NameMatch]:
    """Person matches grown leftwards over the given names and initials that stand right before them.

    "Nikolai Bukharin" is one name even when the register lists only "Bukharin": the whole name is tagged,
    never a part of it. A word counts if ``is_given`` says it is a given name; initials always count.
    """
    result: list[NameMatch] = []
    for match in matches:
        if match.entity_type == "person":
            floor = result[-1].end if result else 0
            start = match.start
            while True:
                before = _WORD_BEFORE.search(text, max(floor, start - _LOOK_BACK), start)
                if before is None or (before.start() > 0 and text[before.start() - 1].isalnum()):
                    break
                word = before.group("word")
                if word is not None and not (word[0].isupper() and is_given(word)):
                    break
                start = before.start()
            if start != match.start:
                match = NameMatch(start, match.end, match.entity_id, match.entity_type, match.form)
        result.append(match)
    return result


def register_given_names(register: Register) -> frozenset[str]:
    """The given names a register knows: each person's forename, else the words before the preferred name's last."""
    names: set[str] = set()
    for entity in register.entities:
        if entity.type != "person":
            continue
        if entity.forename is not None:
            names.update(entity.forename.split())
        else:
            names.update(word for word in entity.name.split()[:-1] if word[:1].isupper())
    return frozenset(names)


@functools.cache
def _name_data():
    """gender-guesser's given-name table (about 45,000 names of many countries), or None if not installed."""
    try:
        from gender_guesser.detector import Detector
    except ImportError:
        return None
    return Detector(case_sensitive=True)


def name_data_available() -> bool:
    """Whether the given-name data (the gender-guesser package) is installed."""
    return _name_data() is not None


def known_given_name(word: str) -> bool:
    """True if the name data knows ``word`` as a given name (not a function word or a month)."""
    from .suggest import CALENDAR_WORDS, FUNCTION_WORDS  # the cue words live with the suggester

    detector = _name_data()
    if detector is None or word in FUNCTION_WORDS or word in CALENDAR_WORDS:
        return False
    return detector.get_gender(word) != "unknown"


def given_name_test(register: Register, *, name_data: bool = True) -> Callable[[str], bool]:
    """The test a tagger uses: a given name the register lists, or (with ``name_data``) one the name data knows."""
    listed = register_given_names(register)
    if not name_data:
        return listed.__contains__
    return lambda word: word in listed or known_given_name(word)


def _add_accepted(forms: list[_Form], text: str, start: int, end: int, candidates: list) -> None:
    for form in forms:
        quick = form.quick
        if quick is not None:
            if text[start] == quick:
                candidates.append((start, end, form))
        elif form.accepts(text, start, end):
            candidates.append((start, end, form))


def _walk_window(root: _RadixNode, text: str, start: int, size: int, candidates: list) -> bool:
    """Add the candidates at ``start`` of the forms in the radix tree, reading ``size`` characters.

    Returns False, having added nothing, if a form might go on past the end of the window.
    """
    piece = text[start : start + size]
    folded = piece.casefold()
    final = start + size >= len(text)
    if len(folded) != len(piece):
        # A character that folds to several (ß → ss) cannot be part of these forms, nor follow one (it
        # is a letter, so no word boundary): read up to it, and stop there for good.
        fold = _multiple_folds().search(piece)
        assert fold is not None  # the lengths differ: some character folds to several
        piece = piece[: fold.start()]
        folded = piece.casefold()
        final = True
    mark = len(candidates)
    node = root
    offset = 0
    size = len(folded)
    length = len(text)
    separators = _SEPARATOR_KEYS
    while offset < size:
        char = folded[offset]
        key = separators.get(char)
        if key is None:
            edge = node.edges.get(char)
            if edge is None:
                return True
            label = edge[0]
            if not folded.startswith(label, offset):
                if offset + len(label) > size and not final:  # the label may go on past the window
                    del candidates[mark:]
                    return False
                return True
            offset += len(label)
        else:
            edge = node.edges.get(key)
            if edge is None:
                return True
            if key == " ":
                run = _SPACE_RUN.match(folded, offset)
                assert run is not None  # the key of white space
                offset = run.end()
            else:
                offset += 1
        node = edge[1]
        if offset >= size and not final:
            del candidates[mark:]
            return False
        if node.forms:
            end = start + offset
            if end == length or not text[end].isalnum():
                _add_accepted(node.forms, text, start, end, candidates)
    return True


def _walk_characters(trie: dict, text: str, start: int, candidates: list) -> None:
    """Add the candidates at ``start``, reading one character at a time (any text, any form)."""
    node = trie
    length = len(text)
    index = start
    while index < length:
        char = text[index]
        if char.isspace():
            run = _SPACE_RUN.match(text, index)
            assert run is not None  # char is white space
            index = run.end()
            key = " "
        else:
            index += 1
            key = character_key(char)
        child = node.get(key)
        if child is None:
            break
        node = child
        forms = node.get(None)
        if forms and (index == length or not text[index].isalnum()):
            _add_accepted(forms, text, start, index, candidates)


def _choose(candidates: list[tuple[int, int, _Form]]) -> list[tuple[int, int, _Form]]:
    """Longest first, then leftmost, then best ranked; drop what overlaps a chosen match. In text order.

    ``candidates`` come in order of start (the filter scans left to right). Candidates that do not
    overlap, even through others, never compete: each such cluster is settled on its own.
    """
    chosen: list[tuple[int, int, _Form]] = []
    count = len(candidates)
    first = 0
    while first < count:
        cluster_end = candidates[first][1]
        after = first + 1
        while after < count and candidates[after][0] < cluster_end:
            cluster_end = max(cluster_end, candidates[after][1])
            after += 1
        if after == first + 1:
            chosen.append(candidates[first])
        else:
            chosen.extend(_choose_in_cluster(candidates[first:after]))
        first = after
    return chosen


def _choose_in_cluster(cluster: list[tuple[int, int, _Form]]) -> list[tuple[int, int, _Form]]:
    low = cluster[0][0]
    taken = bytearray(max(end for _, end, _ in cluster) - low)
    chosen = []
    for candidate in sorted(cluster, key=lambda c: (c[0] - c[1], c[0], c[2].rank)):
        start, end = candidate[0] - low, candidate[1] - low
        if taken.find(1, start, end) == -1:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(candidate)
    chosen.sort(key=lambda c: c[0])
    return chosen

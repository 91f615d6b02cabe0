"""Long alternations of words, matched faster: plain Python, no odoo.

Python's ``re`` tries every alternative of ``\\b(kapot|defect|storing|...)\\b``
at every position of a post. factored() groups the alternatives by their
first character (``\\b(k(?:apot|...)|d(?:efect|...)|...)\\b``), so that at
most one group is tried past the first character, which roughly halves the
time of the classifier's cue patterns.

The factored pattern matches exactly the same spans as the original: each
group has its own first character, so at any position at most one group can
match, and within a group the alternatives keep their order, so the first
alternative that matches at a position is the same one. A leading ``\\b``
before a word character becomes ``(?<!\\w\\w)`` after it (the same test). Only the numbers of
capturing groups inside the alternatives may move (the outer group stays
group 1). A pattern that does not fit this shape is returned unchanged.
"""

import re

#: characters that do not stand for themselves at the start of an alternative
_SPECIAL = set("\\.^$*+?{}[]|()")
_QUANTIFIERS = set("*+?{")


def _scan(source, start=0):
    """(index, character) of ``source`` from ``start``, skipping escapes and
    character classes (what cannot open, close or split a group); ends with
    (-1, None) when a character class is not closed."""
    i = start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            end = source.find("]", i + 2 if source[i + 1 : i + 2] in ("]", "^") else i + 1)
            if end < 0:
                yield -1, None
                return
            i = end + 1
            continue
        yield i, char
        i += 1


def _alternatives(source):
    """The top-level alternatives of ``source``, or None if unbalanced."""
    parts, depth, start = [], 0, 0
    for i, char in _scan(source):
        if i < 0:
            return None
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    if depth:
        return None
    parts.append(source[start:])
    return parts


def _closing(source, start):
    """Index of the parenthesis closing the one at ``start``, or -1."""
    depth = 0
    for i, char in _scan(source, start):
        if i < 0:
            return -1
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if not depth:
                return i
    return -1


def _factor(alternatives):
    """The alternatives grouped by first character, or None."""
    groups = {}
    for alternative in alternatives:
        boundary = alternative.startswith("\\b")
        body = alternative[2:] if boundary else alternative
        if not body or body[0] in _SPECIAL or body[1:2] in _QUANTIFIERS:
            return None
        groups.setdefault(body[0], []).append((boundary, body[1:]))
    parts = []
    for first, rests in groups.items():
        kinds = {boundary for boundary, _rest in rests}
        if kinds == {False}:
            head, rests = first, [rest for _boundary, rest in rests]
        elif re.match(r"\w", first):
            # "\bw...": after a word character, "\b" before it means that
            # the character before it is not a word character; and a branch
            # that starts with a character is the one re checks fastest
            head = first
            rests = [("(?<!\\w\\w)" if boundary else "") + rest for boundary, rest in rests]
        elif kinds == {True}:
            head, rests = "\\b" + first, [rest for _boundary, rest in rests]
        else:
            return None
        if len(rests) == 1:
            parts.append(head + rests[0])
        else:
            parts.append(head + "(?:" + "|".join(rests) + ")")
    return "|".join(parts)


def factored(pattern):
    """``pattern`` (compiled) with its alternatives grouped by first
    character when that is safe; else ``pattern`` itself."""
    source = pattern.pattern
    if not isinstance(source, str) or pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return pattern
    if re.search(r"\\[1-9]|\(\?P=", source):
        return pattern  # back-references count groups: leave them be
    head = tail = ""
    inner = source
    if (
        source.startswith("\\b(")
        and source.endswith(")\\b")
        and _closing(source, 2) == len(source) - 3
    ):
        head, inner, tail = "\\b(", source[3:-3], ")\\b"
    elif (
        source.startswith("(")
        and not source.startswith("(?")
        and _closing(source, 0) == len(source) - 1
    ):
        head, inner, tail = "(", source[1:-1], ")"
    alternatives = _alternatives(inner)
    if not alternatives or len(alternatives) < 2:
        return pattern
    grouped = _factor(alternatives)
    if grouped is None:
        return pattern
    return re.compile(head + grouped + tail, pattern.flags)

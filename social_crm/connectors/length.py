"""How long a text is for a platform, counted the way the platform counts.

Plain Python (no Odoo). ``static/src/chatter/length.esm.js`` counts the
same way in the browser, so the counter the agent sees while typing and the
server's check before sending agree.

Rules:

- ``"chars"``: Unicode code points (Facebook, Instagram, demo);
- ``"mastodon"``: code points, every link counted as 23;
- ``"graphemes"``: what a reader sees as one character (Bluesky counts 300
  of them): a letter with its accents, an emoji with its skin tone or ZWJ
  parts, a flag;
- ``"x"``: X's weighted count: a link counts 23, a character of the Latin,
  Greek, Cyrillic... ranges 1, anything else (CJK, emoji) 2, per grapheme.
"""

import re
import unicodedata

URL_LENGTH = 23
#: links as the platforms find them (scheme and host, then anything but space)
URL_RE = re.compile(r"https?://[^\s]+", re.IGNORECASE)
#: X's ranges of characters that weigh 1 (twitter-text v3)
X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

ZWJ = 0x200D


def _extends(code, previous):
    """Does code point ``code`` join the grapheme before it?"""
    if previous == ZWJ or code == ZWJ:
        return True
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True  # variation selectors, skin tones, tag characters
    return unicodedata.category(chr(code)) in ("Mn", "Me", "Mc")


def graphemes(text):
    """``text`` split into the characters a reader sees (an approximation of
    Unicode's extended grapheme clusters, without a dependency)."""
    clusters = []
    previous = None
    regional = False  # a flag is a pair of regional indicators
    for char in text or "":
        code = ord(char)
        is_regional = 0x1F1E6 <= code <= 0x1F1FF
        if clusters and (_extends(code, previous) or (is_regional and regional)):
            clusters[-1] += char
            regional = False
        else:
            clusters.append(char)
            regional = is_regional
        previous = code
    return clusters


def _x_weight(cluster):
    code = ord(cluster[0])
    return 1 if any(low <= code <= high for low, high in X_LIGHT) else 2


def text_length(text, rule="chars"):
    """The length of ``text`` under ``rule`` (see the module's doc)."""
    text = text or ""
    if rule == "graphemes":
        return len(graphemes(text))
    if rule in ("x", "mastodon"):
        links = URL_RE.findall(text)
        rest = URL_RE.sub("", text)
        if rule == "x":
            return URL_LENGTH * len(links) + sum(_x_weight(c) for c in graphemes(rest))
        return URL_LENGTH * len(links) + len(rest)
    return len(text)

"""Photo campaigns: the rules for hashtags, entries and usage rights.

Plain Python (no Odoo), so the rules are testable without a database.

A campaign listens for a hashtag (``#hollandiastijl``). A post that carries
the hashtag and at least one photo or video is an entry. Before the company
uses an entry, it asks the author in a reply; the author grants the rights
by answering with the campaign's rights keyword (``#ok_hollandiastijl``). Only
that answer, from the author of the entry, in the entry's conversation,
after the request, counts as evidence; a negated keyword ("no #jahollandia")
does not.
"""

import hashlib
import re
import unicodedata

#: what a platform accepts as a hashtag: letters, digits and underscores,
#: not only digits
HASHTAG_RE = re.compile(r"^[^\W_](?:\w){0,99}$")
TOKEN_RE = re.compile(r"#?\w+(?:'\w+)?")
#: words that turn the keyword right after them into a refusal
NEGATIONS = frozenset(
    {"no", "not", "never", "don't", "dont", "nee", "niet", "geen", "nooit", "non", "nein"}
)
MAX_MEDIA = 10


class RightsError(ValueError):
    """Input a person has to correct; the message says how."""


def normalize_hashtag(value):
    """``"#HollandiaStijl "`` -> ``"hollandiastijl"``; raises RightsError
    for what no platform accepts as a hashtag.

    >>> normalize_hashtag(" #HollandiaStijl")
    'hollandiastijl'
    """
    tag = unicodedata.normalize("NFC", (value or "").strip()).lstrip("#").strip()
    if not tag:
        raise RightsError("Enter a hashtag, such as #yourbrandstyle.")
    if not HASHTAG_RE.match(tag) or tag.isdigit():
        raise RightsError(
            f"'{value.strip()}' is not a hashtag: use letters, digits and underscores only, "
            "without spaces, and not only digits."
        )
    return tag.casefold()


def default_keyword(hashtag):
    """The rights keyword proposed for a campaign's hashtag.

    >>> default_keyword("hollandiastijl")
    'ok_hollandiastijl'
    """
    return f"ok_{normalize_hashtag(hashtag)}"[:100]


def _tokens(text):
    return [t.casefold() for t in TOKEN_RE.findall(unicodedata.normalize("NFC", text or ""))]


def has_hashtag(text, hashtag):
    """Does ``text`` carry ``#hashtag`` (any case, as a whole tag)?

    >>> has_hashtag("Mijn look! #HollandiaStijl 😍", "hollandiastijl")
    True
    >>> has_hashtag("#hollandiastijlfout", "hollandiastijl")
    False
    """
    wanted = "#" + normalize_hashtag(hashtag)
    return wanted in _tokens(text)


def grants(text, keyword):
    """Does ``text`` answer a rights request with ``keyword`` (with or
    without "#", any case), not negated by the word before it?

    >>> grants("Ja hoor! #OK_hollandiastijl", "ok_hollandiastijl")
    True
    >>> grants("liever niet #ok_hollandiastijl", "ok_hollandiastijl")
    False
    """
    return any(not negated for negated in _keyword_uses(text, keyword))


def _keyword_uses(text, keyword):
    """For each use of ``keyword`` in ``text`` (with or without "#", any
    case): whether the word before it negates it ("no", "niet", "don't")."""
    wanted = normalize_hashtag(keyword)
    tokens = _tokens(text)
    uses = []
    for index, token in enumerate(tokens):
        if token.lstrip("#") == wanted:
            before = tokens[index - 1].lstrip("#") if index else ""
            uses.append(before in NEGATIONS or before.endswith("n't"))
    return uses


#: how people take their permission back, in English and Dutch
_PHOTO_EN = r"\b(my|the|that|this)\b.{0,12}\b(photo|picture|pic|image|video)s?\b"
_PHOTO_NL = r"\b(mijn|de|die|deze)\b.{0,12}\b(foto|afbeelding|plaatje|video)('?s)?\b"
WITHDRAWAL_RE = re.compile(
    "|".join(
        (
            r"\b(remove|delete|take down|take off|stop using|don'?t use|do not use|no longer use)"
            r"\b.{0,20}" + _PHOTO_EN,
            r"\bverwijder\w*\b.{0,20}" + _PHOTO_NL,
            r"\bhaal\b.{0,20}" + _PHOTO_NL + r".{0,20}\b(weg|offline)\b",
            r"\bgebruik\b.{0,20}" + _PHOTO_NL + r".{0,20}\bniet\b",
            _PHOTO_NL + r".{0,30}\bniet (meer )?(gebruiken|tonen|plaatsen)\b",
        )
    ),
    re.I,
)
#: a withdrawal that only means the photo in the photo's own conversation
GENERAL_WITHDRAWAL_RE = re.compile(
    r"\b(withdraw|revoke|intrekken)\b|\btrek\w*\b.{0,30}\bin\b|#stop\b", re.I
)


def withdraws(text, keyword, in_thread=False):
    """Does ``text`` take the permission back? A request to remove or stop
    using the photo does, anywhere; "I withdraw", "#stop" or the keyword
    negated only in the photo's own conversation (``in_thread``).

    >>> withdraws("Please remove my photo from your site", "ok_x")
    True
    >>> withdraws("Verwijder mijn foto alsjeblieft", "ok_x")
    True
    >>> withdraws("I withdraw my complaint, all sorted", "ok_x")
    False
    >>> withdraws("I withdraw my permission", "ok_x", in_thread=True)
    True
    >>> withdraws("Love it, thanks for sharing my photo!", "ok_x", in_thread=True)
    False
    """
    text = unicodedata.normalize("NFC", text or "")
    if WITHDRAWAL_RE.search(text):
        return True
    if not in_thread:
        return False
    if GENERAL_WITHDRAWAL_RE.search(text):
        return True
    return any(_keyword_uses(text, keyword))


def is_entry(text, media_urls, hashtag):
    """A post enters the campaign with the hashtag and a photo or video."""
    return bool(public_media(media_urls)) and has_hashtag(text, hashtag)


def public_media(media_urls):
    """The http(s) URLs among ``media_urls`` (a list or one URL a line), at
    most MAX_MEDIA, in order, without repeats; anything else (javascript:,
    data:, relative paths) is dropped, so a gallery never embeds it."""
    if isinstance(media_urls, str):
        media_urls = media_urls.splitlines()
    seen = []
    for url in media_urls or ():
        url = (url or "").strip()
        if re.match(r"^https?://[^\s/$.?#][^\s\"'<>]*$", url, re.I) and url not in seen:
            seen.append(url)
    return seen[:MAX_MEDIA]


def terms_version(terms):
    """A short, stable version of the terms' wording: the same wording has
    the same version, any change gives another one.

    >>> terms_version("We may show your photo.") == terms_version("We may show your photo. ")
    True
    """
    wording = " ".join((terms or "").split())
    return hashlib.sha256(wording.encode()).hexdigest()[:12]

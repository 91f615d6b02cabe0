"""Social handles and profile URLs as people type them in a spreadsheet.

Plain Python (no Odoo imports): the contact import (issue 14) reads a
platform column plus a handle or profile URL column with :func:`parse`, which
returns the platform, the handle in the form the connectors use, and the
profile URL, or raises :class:`HandleError` with plain words for that row.

- X: ``@name``, ``x.com/name``, ``twitter.com/name`` (1 to 15 of a-z, 0-9, _)
- Mastodon: ``@name@host``, ``name@host``, ``https://host/@name`` (the full
  address: a bare name does not say which server)
- Bluesky: ``name.bsky.social``, ``bsky.app/profile/name.bsky.social``
  (the AT Protocol handle syntax)
- Facebook: ``facebook.com/name`` or ``facebook.com/profile.php?id=123``
- Instagram: ``instagram.com/name`` (1 to 30 of a-z, 0-9, ``.``, ``_``)
"""

# pylint: disable=prefer-env-translation
# (no Odoo here: ``_`` only marks the messages for the .pot)
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

from .connectors.bluesky import is_valid_handle as _is_bluesky_handle

#: platform codes (as in social_crm.account's PLATFORMS) and the words a
#: spreadsheet may use for them
PLATFORM_WORDS = {
    "x": ("x", "x (twitter)", "twitter", "x.com", "twitter.com"),
    "facebook": ("facebook", "fb", "facebook.com", "meta"),
    "instagram": ("instagram", "ig", "insta", "instagram.com"),
    "mastodon": ("mastodon", "fediverse"),
    "bluesky": ("bluesky", "bsky", "bsky.app", "bsky.social"),
}
PLATFORM_LABELS = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
}
_WORDS = {word: code for code, words in PLATFORM_WORDS.items() for word in words}

#: web hosts of the platforms with one home (Mastodon has many: any other host)
HOSTS = {
    "x.com": "x",
    "twitter.com": "x",
    "mobile.twitter.com": "x",
    "mobile.x.com": "x",
    "bsky.app": "bluesky",
    "facebook.com": "facebook",
    "m.facebook.com": "facebook",
    "fb.com": "facebook",
    "instagram.com": "instagram",
}
PROFILE_BASE = {
    "x": "https://x.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
    "facebook": "https://www.facebook.com/{}",
    "instagram": "https://www.instagram.com/{}",
}

_X = re.compile(r"[A-Za-z0-9_]{1,15}")
_INSTAGRAM = re.compile(r"(?!.*\.\.)[A-Za-z0-9._]{1,30}")
# letters, digits and dots, at least 5 (Facebook's own rule), or a numeric id
_FACEBOOK = re.compile(r"[A-Za-z0-9.]{5,50}|[0-9]{1,20}")
_MASTODON_USER = re.compile(r"[A-Za-z0-9_]+([A-Za-z0-9_.-]+[A-Za-z0-9_])?")
_HOST = re.compile(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
#: paths on x.com etc. that are pages, not people
_NOT_PEOPLE = {
    "x": {"home", "i", "search", "explore", "settings", "intent", "share", "hashtag"},
    "facebook": {"pages", "groups", "events", "watch", "sharer", "sharer.php", "story.php"},
    "instagram": {"p", "reel", "reels", "explore", "stories", "accounts"},
}


def _(source):
    """Marks a message for Odoo's translation template (the .pot); the model
    translates it when it shows the error (``HandleError.template``)."""
    return source


class HandleError(ValueError):
    """A platform or handle this import cannot use; ``str()`` says why in
    English, ``template`` and ``params`` let Odoo say it in the user's language."""

    def __init__(self, template, **params):
        self.template = template
        self.params = params
        super().__init__(template % params)


def parse_platform(value):
    """The platform code for what a spreadsheet says (``"Twitter"`` -> ``"x"``),
    ``""`` when empty; HandleError when unknown."""
    word = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    if not word:
        return ""
    if word in _WORDS:
        return _WORDS[word]
    raise HandleError(
        _("Unknown platform '%(value)s': use one of %(platforms)s."),
        value=str(value).strip(),
        platforms=", ".join(PLATFORM_LABELS.values()),
    )


def _is_url(value):
    return "/" in value or value.lower().startswith(("http:", "https:", "www."))


def _split_url(value):
    url = value if "://" in value else f"https://{value}"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    segments = [s for s in parts.path.split("/") if s]
    return host, segments, parts


def _from_url(value, platform):
    """(platform, handle) from a profile URL; HandleError when it is none."""
    host, segments, parts = _split_url(value)
    found = HOSTS.get(host)
    if not host or not _HOST.fullmatch(host):
        raise HandleError(_("'%(value)s' is not a profile URL."), value=value)
    if found is None:
        # any other server: a Mastodon profile is https://host/@name
        if segments and segments[0].startswith("@") and len(segments[0]) > 1:
            found = "mastodon"
            name = segments[0][1:]
            handle = name if "@" in name else f"{name}@{host}"
            return _check(found, platform, handle, value)
        raise HandleError(
            _(
                "'%(value)s' is not a profile URL of X, Facebook, Instagram, Bluesky or a "
                "Mastodon server (https://server/@name)."
            ),
            value=value,
        )
    if found == "bluesky":
        if len(segments) < 2 or segments[0] != "profile":
            raise HandleError(
                _("'%(value)s' is not a Bluesky profile (bsky.app/profile/name)."), value=value
            )
        return _check(found, platform, segments[1], value)
    if found == "facebook" and segments[:1] == ["profile.php"]:
        ids = parse_qs(parts.query).get("id") or [""]
        return _check(found, platform, ids[0], value)
    if not segments or segments[0].lower() in _NOT_PEOPLE.get(found, ()):
        raise HandleError(_("'%(value)s' is not the address of a person's profile."), value=value)
    return _check(found, platform, segments[0], value)


def _check(found, platform, handle, typed):
    if platform and platform != found:
        raise HandleError(
            _("'%(value)s' is an address on %(found)s, but the platform column says %(platform)s."),
            value=typed,
            found=PLATFORM_LABELS[found],
            platform=PLATFORM_LABELS[platform],
        )
    return found, handle


def validate(platform, handle):
    """The handle in the connectors' form (``@`` removed, Bluesky and
    Mastodon in lower case); HandleError with the platform's rule."""
    handle = handle.strip()
    if platform == "mastodon":
        handle = handle[1:] if handle.startswith("@") else handle
        user, _at, host = handle.partition("@")
        if not host:
            raise HandleError(
                _(
                    "'@%(user)s' is not a full Mastodon address: add the server, such as "
                    "@%(user)s@mastodon.social."
                ),
                user=user,
            )
        if not _MASTODON_USER.fullmatch(user) or not _HOST.fullmatch(host.lower()):
            raise HandleError(
                _("'%(value)s' is not a valid Mastodon address (such as @name@mastodon.social)."),
                value=handle,
            )
        return f"{user}@{host.lower()}"
    handle = handle.removeprefix("@")
    if platform == "bluesky":
        if not _is_bluesky_handle(handle):
            raise HandleError(
                _("'%(value)s' is not a valid Bluesky handle (such as name.bsky.social)."),
                value=handle,
            )
        return handle.lower()
    rules = {
        "x": (_X, _("'%(value)s' is not a valid X name (1 to 15 letters, digits or _).")),
        "instagram": (
            _INSTAGRAM,
            _("'%(value)s' is not a valid Instagram name (1 to 30 letters, digits, . or _)."),
        ),
        "facebook": (
            _FACEBOOK,
            _(
                "'%(value)s' is not a valid Facebook name (at least 5 letters, digits or "
                "dots, or a numeric id)."
            ),
        ),
    }
    pattern, message = rules[platform]
    if not pattern.fullmatch(handle):
        raise HandleError(message, value=handle)
    return handle


def parse(platform, value):
    """``(platform, handle, profile_url)`` for one spreadsheet row, or None
    when both are empty.

    :param platform: what the platform column says (may be empty when
        ``value`` is a profile URL)
    :param value: a handle (``@name``) or a profile URL
    :raises HandleError: an unknown platform, a URL of no known platform, a
        platform that contradicts the URL, or an invalid handle
    """
    code = parse_platform(platform)
    value = unicodedata.normalize("NFKC", str(value or "")).strip()
    if not value:
        if code:
            raise HandleError(
                _("No handle or profile URL for %(platform)s."), platform=PLATFORM_LABELS[code]
            )
        return None
    url = ""
    if _is_url(value):
        code, handle = _from_url(value, code)
        url = value if "://" in value else f"https://{value}"
    else:
        if not code:
            raise HandleError(
                _(
                    "Which platform is '%(value)s' on? Fill in the platform column, or give "
                    "the profile URL."
                ),
                value=value,
            )
        handle = value
    handle = validate(code, handle)
    if not url:
        if code == "mastodon":
            user, host = handle.split("@")
            url = f"https://{host}/@{user}"
        else:
            url = PROFILE_BASE[code].format(handle)
    return code, handle, url


def key(platform, handle):
    """Two rows with the same key are the same social account."""
    return platform, (handle or "").strip().lstrip("@").lower()

"""Plumbing shared by the connectors that speak JSON over ``requests``
(Mastodon, Bluesky).

:class:`JsonHttpConnector` sends every request through the injected session
with an explicit ``timeout``, turns network trouble and HTTP errors into
:class:`~.base.ConnectorError` subclasses with plain-words messages, reads the
rate-limit reset header of a 429, and refuses bodies that are not the JSON it
expects. The helpers read Link headers and turn post HTML into plain text.
"""

import re
from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import requests

from .base import (
    DEFAULT_TIMEOUT,
    AccessLevelError,
    AuthenticationError,
    Connector,
    MalformedResponse,
    PlatformUnavailable,
    RateLimitError,
    RequestRefused,
    from_epoch,
    json_object,
    parse_time,
    said,
    utcnow,
)
from .messages import Message

#: how long to wait after a 429 that names no (future) reset time
DEFAULT_RETRY = timedelta(minutes=5)
#: rate-limit reset headers: ISO 8601 on Mastodon, epoch seconds on Bluesky
RESET_HEADERS = ("x-ratelimit-reset", "ratelimit-reset")


@contextmanager
def network_errors(place):
    """Network trouble on a call to ``place`` (no answer in time, no
    connection) becomes :class:`PlatformUnavailable`, in our words."""
    try:
        yield
    except requests.Timeout as exc:
        raise PlatformUnavailable(Message("timeout", place=place)) from exc
    except requests.RequestException as exc:
        raise PlatformUnavailable(
            Message("unreachable", place=place, why=type(exc).__name__),
            detail=str(exc),
        ) from exc


def reset_time(value):
    """A rate-limit reset header value as a naive UTC datetime (or None)."""
    value = str(value or "").strip()
    return from_epoch(value) if value.isdigit() else parse_time(value)


def link_param(response, rel, name):
    """Query parameter ``name`` of the ``rel`` URL in the Link header."""
    url = (response.links.get(rel) or {}).get("url")
    values = parse_qs(urlsplit(url).query).get(name) if url else None
    return values[0] if values else None


def page_limit(page_size, most):
    """``page_size`` within 1 and the platform's maximum ``most``."""
    return min(max(int(page_size or most), 1), most)


def id_order(value):
    """Sort key for numeric string ids (Mastodon's), without trusting int()."""
    value = str(value)
    return (len(value), value)


# --------------------------------------------------------------------------
# HTML to plain text
# --------------------------------------------------------------------------
_PARAGRAPHS = {"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
_LINES = {"br", "li"}
_SKIPPED = {"script", "style"}


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag in _PARAGRAPHS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _PARAGRAPHS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(value):
    """Plain text of post or bio HTML: tags stripped, entities unescaped,
    ``<br>`` kept as a line break and paragraphs as a blank line. Hidden
    parts of shortened links (``<span class="invisible">``) are kept, so a
    link reads in full."""
    if not value:
        return ""
    parser = _TextParser()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts).replace("\r\n", "\n")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --------------------------------------------------------------------------
# The connector base
# --------------------------------------------------------------------------
class JsonHttpConnector(Connector):
    """A connector whose platform answers JSON over HTTP."""

    #: the platform's name as people know it, for messages
    label = ""
    #: what the person who set up the account can do about a 401 / a 403
    #: (keys of :mod:`.messages`, or "")
    advice = {401: "", 403: ""}
    #: the credential holding the server's address, and its default
    url_credential = ""
    default_url = ""

    def __init__(self, credentials=None, session=None):
        super().__init__(credentials, session)
        url = (self.credentials.get(self.url_credential) or self.default_url).strip().rstrip("/")
        if url and "://" not in url:
            url = f"https://{url}"
        #: the server's address, such as ``https://mastodon.social``
        self.base_url = url

    @property
    def timeout(self):
        return getattr(self.session, "default_timeout", None) or DEFAULT_TIMEOUT

    def _send(self, method, url, **kwargs):
        """Send one request, always with a timeout; network trouble becomes
        :class:`PlatformUnavailable`."""
        with network_errors(self.label):
            return self.session.request(method, url, timeout=self.timeout, **kwargs)

    def _read(self, response, expect=dict):
        """The JSON body (of type ``expect``) of a successful answer; a
        :class:`ConnectorError` for an error or an unreadable body."""
        if response.status_code >= 400:
            raise self._error(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, expect):
            raise MalformedResponse(
                Message(
                    "not_json",
                    place=self.label,
                    status=response.status_code,
                    size=len(response.content or b""),
                ),
                status=response.status_code,
            )
        return body

    @staticmethod
    def _detail(response):
        """The platform's own words about an error (Mastodon's ``error``,
        XRPC's ``error`` and ``message``): for the server log only."""
        body = json_object(response) or {}
        words = [
            str(body[key]) for key in ("error", "message", "error_description") if body.get(key)
        ]
        return ": ".join(words)

    @staticmethod
    def _code(response):
        """A short code of the platform's (XRPC's ``error``, such as
        ``ExpiredToken``), or ""; sanitised where it is shown."""
        return (json_object(response) or {}).get("error") or ""

    def _error(self, response):
        """A :class:`ConnectorError` in our own words: the status and at most a
        short code; the platform's own words go to ``detail`` (the log)."""
        status = response.status_code
        facts = {"status": status, "code": self._code(response), "detail": self._detail(response)}
        what = said(status, facts["code"])
        if status == 401:
            return AuthenticationError(
                Message(
                    "credentials_rejected", place=self.label, what=what, advice=self._advice(401)
                ),
                **facts,
            )
        if status == 403:
            return AccessLevelError(
                Message("not_allowed", place=self.label, what=what, advice=self._advice(403)),
                **facts,
            )
        if status == 429:
            return self._rate_limit_error(response)
        if status >= 500:
            return PlatformUnavailable(
                Message("server_error", place=self.label, status=status), **facts
            )
        return RequestRefused(Message("refused", place=self.label, what=what), **facts)

    def _advice(self, status):
        """What the person who set up the account can do about ``status``
        (a :class:`Message`), or ""."""
        key = self.advice.get(status)
        return Message(key) if key else ""

    def _rate_limit_error(self, response):
        """A 429: when to retry (the reset header, else in five minutes), and
        whether a daily cap (an IETF ``ratelimit-policy`` window of a day or
        more, as Bluesky sends for writes) or a short window was hit."""
        headers = response.headers
        now = utcnow()
        retry_at = next((reset_time(headers[h]) for h in RESET_HEADERS if h in headers), None)
        if not retry_at or retry_at < now:
            retry_at = now + DEFAULT_RETRY
        window = re.search(r"\bw=(\d+)", headers.get("ratelimit-policy") or "")
        daily = bool(window) and int(window.group(1)) >= 86400
        return RateLimitError(
            Message(
                "daily_limit" if daily else "rate_limit",
                place=self.label,
                when=f"{retry_at:%Y-%m-%d %H:%M}",
            ),
            retry_at=retry_at,
            scope="daily" if daily else "window",
        )

"""Platform-neutral types, errors and HTTP session for social_crm connectors.

Nothing in ``social_crm.connectors`` imports Odoo: connectors take plain
values and an injected :class:`requests.Session`, return plain dataclasses,
and raise :class:`ConnectorError` subclasses whose message is written for the
person who configured the account.
"""

import dataclasses
import re
from datetime import datetime, timezone

import requests

from ..profile import Profile  # noqa: F401 (one type: connectors and matching)
from .messages import Message
from .messages import said as said_message

#: (connect, read) seconds applied to every request that does not set its own.
DEFAULT_TIMEOUT = (5, 30)
#: the conversation key prefix of private messages: ``"dm:<the person's user id>"``
DM_PREFIX = "dm:"


class TimeoutSession(requests.Session):
    """A ``requests.Session`` that never waits forever.

    Connectors (and the libraries they wrap, such as tweepy, which passes no
    ``timeout``) send every request through an injected session of this class.
    """

    def __init__(self, timeout=DEFAULT_TIMEOUT):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method, url, *args, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


# --------------------------------------------------------------------------
# Time and body helpers shared by the connectors
# --------------------------------------------------------------------------
def utcnow():
    """Now, as a naive UTC datetime."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def from_epoch(value):
    """Epoch seconds (int or str) as a naive UTC datetime; None if unreadable."""
    try:
        return datetime.fromtimestamp(int(value), timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_time(value):
    """An ISO 8601 timestamp as a naive UTC datetime; None if unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def json_object(response):
    """The JSON object of ``response``, or None when it is not one."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
class ConnectorError(Exception):
    """A platform call failed. ``str(error)`` is a plain-words explanation,
    in English; ``message`` (a :class:`~.messages.Message`: ``key`` and
    ``params``) lets the models store it and show it in the reader's language.

    :param retry_at: naive UTC datetime before which the call should not be
        retried, when the platform said so (rate limits).
    :param transient: whether retrying later may succeed without any change
        by a person (network trouble, 5xx, rate limits).
    """

    transient = False
    #: the images that went out before the call failed (a message of their
    #: own each, as on Messenger), as ``(images_key, platform ids)``; empty
    #: when nothing went out
    images_sent = ()

    def __init__(self, message, *, retry_at=None, status=None, code="", detail=""):
        super().__init__(str(message))
        #: the catalogue message (None for words written without a key)
        self.message = message if isinstance(message, Message) else None
        self.retry_at = retry_at
        self.status = status
        #: a short code of the platform's, sanitised (:func:`safe_code`)
        self.code = safe_code(code)
        #: the platform's own words: for the server log only, never shown
        self.detail = str(detail or "")

    @property
    def key(self):
        """The catalogue key of the words (:mod:`.messages`), or ""."""
        return self.message.key if self.message else ""

    @property
    def params(self):
        """The parameters that fill the catalogue template."""
        return dict(self.message.params) if self.message else {}

    def words(self):
        """What a model stores: ``{"key", "params", "text"}``, or ``{"text"}``
        for words without a key."""
        return self.message.to_json() if self.message else {"text": str(self)}


class AuthenticationError(ConnectorError):
    """Credentials are missing, wrong or revoked (HTTP 401)."""


class AccessLevelError(ConnectorError):
    """The credentials are valid but the plan or app may not use this (403)."""


class RateLimitError(ConnectorError):
    """The platform asks us to slow down (HTTP 429).

    ``scope`` is ``"window"`` (a short window, e.g. X's 15 minutes),
    ``"daily"`` or ``"monthly"`` (a usage cap of the plan).
    """

    transient = True

    def __init__(self, message, *, retry_at=None, status=429, scope="window", **kwargs):
        super().__init__(message, retry_at=retry_at, status=status, **kwargs)
        self.scope = scope


class PlatformUnavailable(ConnectorError):
    """Network trouble, a timeout or a 5xx: try again later."""

    transient = True


class MalformedResponse(ConnectorError):
    """The platform answered something we cannot read (not the JSON we expect)."""

    transient = True


class RequestRefused(ConnectorError):
    """The platform refused this particular request (400, 404, duplicate...)."""


class UnsafeRequest(RequestRefused):
    """We refused to send (or to read) a request: not https, not a public
    address, a redirect, a body over the size cap (:mod:`.safety`)."""


class CursorExpired(RequestRefused):
    """The platform no longer accepts the stream's cursor (an old
    ``since_id``, an expired page token). ``cursor`` is the safe cursor to
    start again from; the stream stores it and says so, once."""

    def __init__(self, message, *, cursor=None, **kwargs):
        super().__init__(message, **kwargs)
        self.cursor = dict(cursor or {})


def safe_code(value, size=40):
    """``value`` when it is a short code (letters, digits, ``_.:/-``), else ""."""
    value = str(value or "").strip()
    return value if re.fullmatch(r"[A-Za-z0-9_.:/#-]{1,%d}" % size, value) else ""


def said(status, code=""):
    """`` (403 Forbidden, code X)``: the status and code of a refusal, in our
    words, as a :class:`~.messages.Message` to put in another (or "")."""
    return said_message(status, code)


# --------------------------------------------------------------------------
# Normalised data
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Post:
    """One post, normalised. ``posted_at`` is a naive UTC datetime."""

    external_id: str
    text: str
    posted_at: datetime | None = None
    url: str = ""
    author: Profile | None = None
    conversation_key: str = ""
    parent_external_id: str = ""
    media_urls: list = dataclasses.field(default_factory=list)
    lang: str = ""

    def __post_init__(self):
        if not self.conversation_key:
            self.conversation_key = self.parent_external_id or self.external_id


@dataclasses.dataclass
class StreamSpec:
    """What a stream listens for, in connector terms.

    ``kind`` is ``"mention"`` (posts that mention our account), ``"keyword"``,
    ``"hashtag"`` or ``"dm"`` (private messages to our account, where the
    connector ``supports_dms``); ``query`` holds the keyword or hashtag.
    """

    kind: str
    query: str = ""
    account_user_id: str = ""
    account_handle: str = ""
    page_size: int = 100


@dataclasses.dataclass
class FetchResult:
    """A page of posts plus the cursor to store once they are saved.

    ``has_more`` tells that another page is waiting right now.
    """

    posts: list
    cursor: dict
    has_more: bool = False


def run_cursor(
    cursor, newest, next_page, page_key, since_key="since_id", pending_key="pending_newest_id"
):
    """The cursor after one page of a run that pages back from the newest post.

    ``cursor[since_key]`` marks where the previous complete run began. While
    pages remain (``next_page``), it keeps its value and the newest mark of
    this run (the ``newest`` of its first page) waits under ``pending_key``;
    after the last page, ``since_key`` moves to it. A crash or a rate limit in
    the middle of the pages therefore never skips a post.
    Returns ``(new_cursor, has_more)``.
    """
    since = cursor.get(since_key)
    pending = (cursor.get(pending_key) if cursor.get(page_key) else None) or newest
    if next_page:
        return {since_key: since, pending_key: pending, page_key: next_page}, True
    return {since_key: pending or since, pending_key: None, page_key: None}, False


@dataclasses.dataclass
class Metrics:
    """The public counts of one post at one moment (spread tracking).

    Counts the platform does not offer stay 0 (Mastodon has no quotes,
    Facebook no reposts in the counts we read).
    """

    reposts: int = 0
    quotes: int = 0
    likes: int = 0
    replies: int = 0


def count(value):
    """A platform's count as a non-negative int (0 when unreadable)."""
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


@dataclasses.dataclass
class FollowersResult:
    """A page of our account's followers plus the cursor of the next page.

    A sweep starts with cursor None and goes on with the returned cursor
    while ``has_more``; once ``has_more`` is False the sweep has seen every
    follower, so whoever it did not see no longer follows the account.
    """

    profiles: list
    cursor: dict
    has_more: bool = False


class Connector:
    """The one interface every platform implements."""

    platform = None
    #: whether :meth:`fetch_followers` can list the account's followers
    supports_followers = False
    #: whether :meth:`send_private` can reach a person privately (a DM)
    supports_private = False
    #: whether a stream of kind ``"dm"`` can read the account's private messages
    supports_dms = False
    #: whether sending again with the same ``idempotency_key`` never posts
    #: twice (the platform deduplicates), so an unknown outcome may be resent
    deduplicates = False
    #: the longest reply the platform takes, counted by ``length_rule``
    #: (:mod:`.length`); 0 for no limit worth counting
    max_length = 0
    length_rule = "chars"
    #: whether a reply or a private message can carry images (``images=``;
    #: what each platform takes: :mod:`.media`)
    supports_media = False
    #: how many posts one :meth:`fetch_metrics` call looks up (0: the
    #: platform offers no public counts to this connector)
    metrics_batch = 0
    #: whether the platform bills every post looked up, not every call (X:
    #: each post returned counts against the plan's monthly post cap)
    metrics_cost_per_post = False
    #: the longest post :meth:`publish` takes (0: ``max_length``)
    publish_max_length = 0
    #: whether :meth:`publish` needs an image (Instagram publishes no text-only post)
    publish_needs_image = False

    def __init__(self, credentials=None, session=None):
        self.credentials = dict(credentials or {})
        if session is None:
            from .safety import SafeSession  # noqa: PLC0415 (safety imports this module)

            session = SafeSession()
        self.session = session

    def text_length(self, text):
        """The length of ``text`` as this platform counts it."""
        from .length import text_length  # noqa: PLC0415

        return text_length(text, self.length_rule)

    def fetch(self, stream, cursor):
        """Return a :class:`FetchResult` for ``stream`` (a :class:`StreamSpec`)
        starting at ``cursor`` (a dict, or None for the first call)."""
        raise NotImplementedError

    @classmethod
    def restart_cursor(cls, cursor):
        """The cursor after a person resets the stream (``cursor`` is the
        current one). By default none: the next pull starts from the latest
        posts."""
        return None

    def reply(self, text, in_reply_to, idempotency_key=None, images=()):
        """Publish ``text`` as a reply to the post ``in_reply_to`` (its
        external id) and return the created :class:`Post`.

        ``idempotency_key`` names this one request: where the platform can
        deduplicate (Mastodon's Idempotency-Key, Bluesky's record key) the
        same key never publishes twice. ``images`` (:class:`.media.Image`)
        are checked against the platform's limits before anything is sent
        (:func:`.media.check_images`), uploaded, then attached to the post."""
        raise NotImplementedError

    def find_sent(self, idempotency_key, in_reply_to):
        """The :class:`Post` published earlier under ``idempotency_key``, or
        None when the platform has none; NotImplementedError when the
        platform cannot tell."""
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Publishing a post of our own (not a reply)
    # ------------------------------------------------------------------
    def publish_limit(self):
        """The longest post :meth:`publish` takes, counted by ``length_rule``
        (0 for no limit worth counting)."""
        return self.publish_max_length or self.max_length

    def check_publish(self, text, images=()):
        """Refuse, before anything is sent, what the platform would refuse:
        an empty text, a text over :meth:`publish_limit`, images it does not
        take with a post (:func:`.media.check_images`, ``kind`` "post"), a
        text-only post where the platform publishes only images."""
        from .media import check_images  # noqa: PLC0415 (media imports this module)

        place = getattr(self, "label", "") or self.platform or ""
        if self.publish_needs_image and not images:
            raise RequestRefused(Message("instagram_needs_image"))
        if not (text or "").strip() and not images:
            raise RequestRefused(Message("empty_message"))
        limit, length = self.publish_limit(), self.text_length(text)
        if limit and length > limit:
            raise RequestRefused(
                Message("publish_too_long", place=place, length=length, limit=limit)
            )
        check_images(self.platform, images, kind="post")

    def publish(self, text, idempotency_key=None, images=()):
        """Publish ``text`` as a post of our account (not a reply) and return
        the created :class:`Post` (its ``conversation_key`` is its own id, so
        replies to it join one conversation). ``idempotency_key`` as in
        :meth:`reply`. ``images`` (:class:`.media.Image`) go with it where
        the platform takes them. :meth:`check_publish` runs first: nothing
        is sent that the platform would refuse (length, images)."""
        raise AccessLevelError(
            Message("no_publish", place=getattr(self, "label", "") or self.platform or "")
        )

    def find_published(self, idempotency_key, text, since=None):
        """The :class:`Post` :meth:`publish` published earlier under
        ``idempotency_key`` (with ``text``, not before ``since``, a naive UTC
        datetime), or None when the platform has none; NotImplementedError
        when the platform cannot tell. Where the platform keeps no key (X,
        Meta) this reads back our recent posts and compares their words."""
        return self.find_sent(idempotency_key, "")

    def get_profile(self, user_id=None, handle=None):
        """Return the :class:`Profile` of one user, by id or by handle."""
        raise NotImplementedError

    def test_connection(self):
        """Check the credentials; return the :class:`Profile` of our account."""
        raise NotImplementedError

    def fetch_followers(self, cursor, account_user_id="", page_size=100):
        """Return a :class:`FollowersResult`: one page of the followers of our
        account (``account_user_id``, or the account of the credentials when
        empty), starting at ``cursor`` (None to start a sweep)."""
        raise AccessLevelError(Message("no_followers"))

    def fetch_metrics(self, external_ids):
        """The public counts of the posts ``external_ids`` (at most
        :attr:`metrics_batch` of them): ``{external id: Metrics}``. A post the
        platform no longer shows (deleted, private) or gives no counts for is
        absent from the answer; nothing is raised for it."""
        raise AccessLevelError(Message("no_metrics"))

    def metrics_calls(self, number):
        """What looking up ``number`` posts costs against a budget: calls, or
        posts where the platform bills each post (:attr:`metrics_cost_per_post`)."""
        if not self.metrics_batch or number <= 0:
            return 0
        if self.metrics_cost_per_post:
            return number
        return -(-number // self.metrics_batch)

    def send_private(self, text, recipient, in_reply_to="", idempotency_key=None, images=()):
        """Send ``text`` (and ``images``, as in :meth:`reply`) privately to
        ``recipient`` (a :class:`Profile`: its ``user_id``, and its ``handle``
        where the platform addresses people by handle), in the context of
        the post or comment ``in_reply_to`` (its external id) when given.

        Return the sent message as a :class:`Post`: its own ``external_id``,
        ``posted_at`` now, no ``author``, ``conversation_key`` the key of the
        private conversation (:func:`private_key`) and ``parent_external_id``
        ``in_reply_to`` or ``""``. Platforms that cannot (``supports_private``
        False) raise :class:`AccessLevelError`. ``idempotency_key`` as in
        :meth:`reply`.
        """
        raise AccessLevelError(Message("no_private"))


def same_words(published, sent):
    """Whether the text a platform shows (``published``) is the one we sent
    (``sent``): links left out (X shortens them), HTML entities read, white
    space collapsed. Used to find our own post again after a lost answer."""
    import html  # noqa: PLC0415

    from .length import URL_RE  # noqa: PLC0415

    def words(value):
        return " ".join(URL_RE.sub(" ", html.unescape(value or "")).split()).casefold()

    return bool(words(sent)) and words(published) == words(sent)


def private_key(user_id):
    """The conversation key of the private conversation with ``user_id``."""
    return f"{DM_PREFIX}{user_id}"


def recipient_id(recipient, label):
    """The ``user_id`` of the :class:`Profile` a private message goes to."""
    user_id = str(getattr(recipient, "user_id", "") or "").strip()
    if not user_id:
        raise RequestRefused(Message("no_recipient", place=label))
    return user_id

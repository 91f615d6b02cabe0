"""Platform connectors: plain Python, no Odoo imports.

Every connector implements :class:`~.base.Connector`: ``fetch(stream,
cursor)``, ``reply(text, in_reply_to)``, ``get_profile(...)``,
``test_connection()`` and, where ``supports_followers``,
``fetch_followers(cursor, account_user_id="", page_size=100)``; it sends HTTP
only through its injected session, by default a :class:`.safety.SafeSession`
(public https hosts only, no redirects, a deadline and a size cap).

Facebook Pages and Instagram deliver their posts by webhook:
:mod:`.meta` also holds ``verify_signature``, ``verify_subscription``,
``parse_webhook`` and the ``Reaction`` / ``WebhookBatch`` they return.
"""

from .base import (  # noqa: F401
    AccessLevelError,
    AuthenticationError,
    Connector,
    ConnectorError,
    CursorExpired,
    FetchResult,
    FollowersResult,
    MalformedResponse,
    Metrics,
    PlatformUnavailable,
    Post,
    Profile,
    RateLimitError,
    RequestRefused,
    StreamSpec,
    TimeoutSession,
    UnsafeRequest,
)
from .messages import Message, render  # noqa: F401
from .bluesky import BlueskyConnector
from .demo import DemoConnector
from .flickr import FlickrConnector
from .mastodon import MastodonConnector
from .safety import SafeSession, check_url  # noqa: F401
from .meta import InstagramConnector, MetaConnector
from .x import XConnector
from .google_reviews import GoogleReviewsConnector
from .trustpilot import TrustpilotConnector

CONNECTORS = {
    DemoConnector.platform: DemoConnector,
    XConnector.platform: XConnector,
    MastodonConnector.platform: MastodonConnector,
    BlueskyConnector.platform: BlueskyConnector,
    MetaConnector.platform: MetaConnector,
    InstagramConnector.platform: InstagramConnector,
    FlickrConnector.platform: FlickrConnector,
    GoogleReviewsConnector.platform: GoogleReviewsConnector,
    TrustpilotConnector.platform: TrustpilotConnector,
}


def get_connector(platform, credentials=None, session=None):
    """Instantiate the connector of ``platform`` with an injected session."""
    try:
        factory = CONNECTORS[platform]
    except KeyError:
        raise ConnectorError(Message("no_connector", platform=str(platform))) from None
    return factory(credentials=credentials, session=session)

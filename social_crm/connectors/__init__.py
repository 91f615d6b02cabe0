"""Platform connectors: plain Python, no Odoo imports.

Every connector implements :class:`~.base.Connector`: ``fetch(stream,
cursor)``, ``reply(text, in_reply_to)``, ``get_profile(...)`` and
``test_connection()``, and sends HTTP only through its injected session.
"""

from .base import (  # noqa: F401
    AccessLevelError,
    AuthenticationError,
    Connector,
    ConnectorError,
    FetchResult,
    MalformedResponse,
    PlatformUnavailable,
    Post,
    Profile,
    RateLimitError,
    RequestRefused,
    StreamSpec,
    TimeoutSession,
)
from .demo import DemoConnector
from .x import XConnector

CONNECTORS = {
    DemoConnector.platform: DemoConnector,
    XConnector.platform: XConnector,
}


def get_connector(platform, credentials=None, session=None):
    """Instantiate the connector of ``platform`` with an injected session."""
    try:
        factory = CONNECTORS[platform]
    except KeyError:
        raise ConnectorError(f"No connector for platform '{platform}'.") from None
    return factory(credentials=credentials, session=session)

"""OAuth flows of the Connect buttons: plain Python, no Odoo.

URL building, PKCE, and the token requests of each platform (exchange,
refresh, revoke, app registration, page listing), always through the injected
session (a :class:`.safety.SafeSession` in production, a replay in tests) and
with a timeout. The model (``social_crm.oauth``) keeps what must stay on the
server (the PKCE verifier, the tokens) and decides who may do what.

- **X**: OAuth 2.0 Authorization Code with PKCE (S256), through
  ``requests_oauthlib.OAuth2Session``; confidential client (HTTP Basic), the
  refresh token rotates at every refresh.
- **Mastodon**: an app registered once per instance (``POST /api/v1/apps``),
  then ``/oauth/authorize`` and ``/oauth/token``.
- **Meta**: Facebook Login for Business (``config_id``), the short-lived user
  token exchanged for a long-lived one, then the pages the person manages
  (``/me/accounts``, with their Instagram business account) and their tokens.
"""

import base64
import dataclasses
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import requests
from oauthlib.oauth2 import OAuth2Error
from requests_oauthlib import OAuth2Session

from .base import (
    DEFAULT_TIMEOUT,
    AuthenticationError,
    ConnectorError,
    MalformedResponse,
    PlatformUnavailable,
    RequestRefused,
    json_object,
    safe_code,
    utcnow,
)
from .messages import Message
from .meta import GRAPH_URL, GRAPH_VERSION, TOKEN_EXPIRED, appsecret_proof

X_AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
X_TOKEN_URL = "https://api.x.com/2/oauth2/token"
X_REVOKE_URL = "https://api.x.com/2/oauth2/revoke"
X_SCOPES = (
    "tweet.read",
    "tweet.write",
    "users.read",
    "dm.read",
    "dm.write",
    "follows.read",
    "offline.access",
)
#: added when the account sends images
X_MEDIA_SCOPE = "media.write"
MASTODON_SCOPES = "read write:statuses write:media"
META_DIALOG_URL = f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth"
#: the webhook fields a Page (and its Instagram account) is subscribed to
META_PAGE_FIELDS = ("feed", "mention", "ratings", "messages")
#: Meta's permissions the Login for Business configuration must ask for
META_PERMISSIONS = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_manage_metadata",
    "pages_read_user_content",
    "pages_messaging",
    "instagram_basic",
    "instagram_manage_comments",
    "instagram_manage_messages",
    "business_management",
)
#: how long an authorization may wait for its callback
STATE_LIFETIME = timedelta(minutes=10)
#: refresh a token this long before it expires
REFRESH_MARGIN = timedelta(minutes=10)


@dataclasses.dataclass
class Token:
    access_token: str
    refresh_token: str = ""
    expires_at: object = None  # naive UTC datetime, or None (does not expire)
    scope: str = ""


@dataclasses.dataclass
class Page:
    """A Facebook Page the person manages, with its token and Instagram account."""

    page_id: str
    name: str
    access_token: str
    instagram_id: str = ""
    instagram_username: str = ""


# --------------------------------------------------------------------------
# State and PKCE
# --------------------------------------------------------------------------
def new_state():
    """A random, unguessable ``state`` (single use, kept on the server)."""
    return secrets.token_urlsafe(32)


def pkce_pair():
    """``(verifier, challenge)``: RFC 7636 S256."""
    verifier = secrets.token_urlsafe(64)[:96]
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier):
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def x_scopes(media=False):
    return list(X_SCOPES) + ([X_MEDIA_SCOPE] if media else [])


def instance_url(domain):
    """``mastodon.social`` or ``https://mastodon.social/`` as
    ``https://mastodon.social`` (the host only)."""
    domain = (domain or "").strip()
    if not domain:
        raise RequestRefused(Message("oauth_no_server"))
    parts = urlsplit(domain if "://" in domain else f"https://{domain}")
    if parts.scheme != "https" or not parts.hostname:
        raise RequestRefused(Message("oauth_server_https"))
    return f"https://{parts.hostname.lower()}"


def _timeout(session):
    return getattr(session, "default_timeout", None) or DEFAULT_TIMEOUT


def _expires_at(seconds):
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return None
    return utcnow() + timedelta(seconds=seconds) if seconds > 0 else None


def _send(session, label, method, url, **kwargs):
    try:
        return session.request(method, url, timeout=_timeout(session), **kwargs)
    except requests.RequestException as exc:
        raise PlatformUnavailable(
            Message("unreachable_now", place=label, why=type(exc).__name__)
        ) from None


def _body(label, response):
    """The JSON object of a token answer, or our own error."""
    body = json_object(response)
    if response.status_code >= 500:
        raise PlatformUnavailable(
            Message("server_error_now", place=label, status=response.status_code),
            status=response.status_code,
        )
    if response.status_code >= 400:
        raise _refusal(label, response, body or {})
    if body is None:
        raise MalformedResponse(Message("answer_not_json", place=label))
    return body


def _refusal(label, response, body):
    error = body.get("error")
    code = error.get("code") if isinstance(error, dict) else error
    detail = str(body.get("error_description") or body.get("message") or "")
    if isinstance(error, dict):
        detail = str(error.get("message") or detail)
    if response.status_code == 401 or code in ("invalid_grant", "invalid_client", TOKEN_EXPIRED):
        return AuthenticationError(
            Message(
                "oauth_refused_authorization",
                place=label,
                code=safe_code(code) or response.status_code,
            ),
            status=response.status_code,
            code=str(code or ""),
            detail=detail,
        )
    return RequestRefused(
        Message(
            "oauth_refused", place=label, code=safe_code(str(code or "")) or response.status_code
        ),
        status=response.status_code,
        code=str(code or ""),
        detail=detail,
    )


class _Bridge(OAuth2Session):
    """``OAuth2Session`` for its OAuth logic (URLs, token parsing, Basic
    auth), sending through the injected session."""

    def __init__(self, http, **kwargs):
        super().__init__(**kwargs)
        self._http = http
        self.register_compliance_hook("access_token_response", self._check)
        self.register_compliance_hook("refresh_token_response", self._check)

    def request(self, method, url, data=None, headers=None, withhold_token=False, **kwargs):
        for key in ("verify", "proxies", "cert"):
            kwargs.pop(key, None)
        kwargs["timeout"] = kwargs.get("timeout") or _timeout(self._http)
        try:
            return self._http.request(method, url, data=data, headers=headers, **kwargs)
        except requests.RequestException as exc:
            raise PlatformUnavailable(
                Message("unreachable_now", place="X", why=type(exc).__name__)
            ) from None

    @staticmethod
    def _check(response):
        if response.status_code >= 400:
            _body("X", response)
        return response


def _x_token(fetch):
    try:
        raw = fetch()
    except OAuth2Error as exc:
        raise AuthenticationError(
            Message("oauth_x_refused", code=safe_code(exc.error)),
            code=exc.error,
            detail=exc.description or "",
        ) from None
    except (ValueError, Warning) as exc:
        raise MalformedResponse(Message("oauth_x_unreadable")) from exc
    if not raw.get("access_token"):
        raise MalformedResponse(Message("no_access_token", place="X"))
    scope = raw.get("scope") or ""
    return Token(
        access_token=raw["access_token"],
        refresh_token=raw.get("refresh_token") or "",
        expires_at=_expires_at(raw.get("expires_in")),
        scope=" ".join(scope) if isinstance(scope, list) else str(scope),
    )


# --------------------------------------------------------------------------
# X
# --------------------------------------------------------------------------
def x_authorize_url(client_id, redirect_uri, state, challenge, media=False):
    """X's consent screen, with ``state`` and the S256 ``challenge``."""
    oauth = OAuth2Session(client_id, redirect_uri=redirect_uri, scope=x_scopes(media))
    url, _state = oauth.authorization_url(
        X_AUTHORIZE_URL, state=state, code_challenge=challenge, code_challenge_method="S256"
    )
    return url


def x_exchange(session, client_id, client_secret, redirect_uri, code, verifier):
    """The authorization ``code`` and the PKCE ``verifier`` for tokens."""
    oauth = _Bridge(session, client_id=client_id, redirect_uri=redirect_uri)
    return _x_token(
        lambda: oauth.fetch_token(
            X_TOKEN_URL,
            code=code,
            code_verifier=verifier,
            auth=requests.auth.HTTPBasicAuth(client_id, client_secret),
            include_client_id=True,
        )
    )


def x_refresh(session, client_id, client_secret, refresh_token):
    """New tokens for ``refresh_token`` (which X then no longer accepts)."""
    oauth = _Bridge(session, client_id=client_id)
    return _x_token(
        lambda: oauth.refresh_token(
            X_TOKEN_URL,
            refresh_token=refresh_token,
            auth=requests.auth.HTTPBasicAuth(client_id, client_secret),
            client_id=client_id,
        )
    )


def x_revoke(session, client_id, client_secret, token, hint="refresh_token"):
    """Revoke ``token`` at X (Disconnect)."""
    response = _send(
        session,
        "X",
        "POST",
        X_REVOKE_URL,
        data={"token": token, "token_type_hint": hint, "client_id": client_id},
        auth=requests.auth.HTTPBasicAuth(client_id, client_secret),
    )
    _body("X", response)
    return True


# --------------------------------------------------------------------------
# Mastodon
# --------------------------------------------------------------------------
def mastodon_register(session, domain, redirect_uri, client_name, website=""):
    """Register our app on the instance ``domain``: ``{client_id, client_secret}``."""
    base = instance_url(domain)
    data = {"client_name": client_name, "redirect_uris": redirect_uri, "scopes": MASTODON_SCOPES}
    if website:
        data["website"] = website
    body = _body("Mastodon", _send(session, "Mastodon", "POST", f"{base}/api/v1/apps", data=data))
    if not body.get("client_id") or not body.get("client_secret"):
        raise MalformedResponse(Message("oauth_mastodon_app"))
    return {"client_id": str(body["client_id"]), "client_secret": str(body["client_secret"])}


def mastodon_authorize_url(domain, client_id, redirect_uri, state):
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": MASTODON_SCOPES,
        "state": state,
    }
    return f"{instance_url(domain)}/oauth/authorize?{urlencode(query)}"


def mastodon_exchange(session, domain, client_id, client_secret, redirect_uri, code):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uri": redirect_uri,
        "scope": MASTODON_SCOPES,
    }
    url = f"{instance_url(domain)}/oauth/token"
    body = _body("Mastodon", _send(session, "Mastodon", "POST", url, data=data))
    if not body.get("access_token"):
        raise MalformedResponse(Message("no_access_token", place="Mastodon"))
    return Token(access_token=str(body["access_token"]), scope=str(body.get("scope") or ""))


def mastodon_revoke(session, domain, client_id, client_secret, token):
    data = {"client_id": client_id, "client_secret": client_secret, "token": token}
    url = f"{instance_url(domain)}/oauth/revoke"
    _body("Mastodon", _send(session, "Mastodon", "POST", url, data=data))
    return True


# --------------------------------------------------------------------------
# Meta: Facebook Login for Business
# --------------------------------------------------------------------------
def meta_login_url(app_id, config_id, redirect_uri, state):
    query = {
        "client_id": app_id,
        "config_id": config_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "response_type": "code",
        "override_default_response_type": "true",
    }
    return f"{META_DIALOG_URL}?{urlencode(query)}"


def _meta_token(session, params):
    body = _body(
        "Meta", _send(session, "Meta", "GET", f"{GRAPH_URL}/oauth/access_token", params=params)
    )
    if not body.get("access_token"):
        raise MalformedResponse(Message("no_access_token", place="Meta"))
    return Token(
        access_token=str(body["access_token"]), expires_at=_expires_at(body.get("expires_in"))
    )


def meta_exchange(session, app_id, app_secret, redirect_uri, code):
    """The code for a short-lived user token, then that for a long-lived one."""
    short = _meta_token(
        session,
        {
            "client_id": app_id,
            "client_secret": app_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        },
    )
    return _meta_token(
        session,
        {
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "fb_exchange_token": short.access_token,
        },
    )


def meta_pages(session, app_secret, user_token):
    """The pages the person manages, with their tokens and Instagram accounts."""
    params = {
        "fields": "id,name,access_token,instagram_business_account{id,username}",
        "limit": 100,
        "access_token": user_token,
        "appsecret_proof": appsecret_proof(app_secret, user_token),
    }
    body = _body("Meta", _send(session, "Meta", "GET", f"{GRAPH_URL}/me/accounts", params=params))
    pages = []
    for item in body.get("data") or []:
        if not isinstance(item, dict) or not item.get("id") or not item.get("access_token"):
            continue
        instagram = item.get("instagram_business_account") or {}
        pages.append(
            Page(
                page_id=str(item["id"]),
                name=str(item.get("name") or item["id"]),
                access_token=str(item["access_token"]),
                instagram_id=str(instagram.get("id") or ""),
                instagram_username=str(instagram.get("username") or ""),
            )
        )
    return pages


def meta_subscribe(session, app_secret, page_id, page_token, fields=META_PAGE_FIELDS):
    """Subscribe our app to the page's webhook ``fields`` (needs pages_manage_metadata)."""
    params = {
        "subscribed_fields": ",".join(fields),
        "access_token": page_token,
        "appsecret_proof": appsecret_proof(app_secret, page_token),
    }
    url = f"{GRAPH_URL}/{page_id}/subscribed_apps"
    body = _body("Meta", _send(session, "Meta", "POST", url, params=params))
    if body.get("success") is not True:
        raise ConnectorError(Message("meta_webhook_not_confirmed"))
    return True


def needs_reconnect(error):
    """Does ``error`` mean the token is expired or revoked (401, Meta 190)?"""
    if not isinstance(error, ConnectorError):
        return False
    code = str(getattr(error, "code", "") or "")
    return (
        getattr(error, "status", None) == 401
        or code.split("/", maxsplit=1)[0] == str(TOKEN_EXPIRED)
        or code in ("invalid_grant", "invalid_token")
    )

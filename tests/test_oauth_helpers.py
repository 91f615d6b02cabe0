"""The plain-Python OAuth helpers of the Connect buttons (connectors/oauth.py),
against self-written fixtures shaped as the platforms document them."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from social_crm.connectors import (
    AuthenticationError,
    ConnectorError,
    RequestRefused,
    get_connector,
    oauth,
)
from social_crm.connectors.testing import local_recording

REDIRECT = "https://crm.example.com/social_crm/oauth/callback"


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def form(call):
    return {k: v[0] for k, v in parse_qs(call["body"]).items()}


def test_pkce_is_s256_of_the_verifier():
    verifier, challenge = oauth.pkce_pair()
    assert 43 <= len(verifier) <= 128
    digest = hashlib.sha256(verifier.encode()).digest()
    assert challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert oauth.pkce_pair()[0] != verifier
    assert oauth.new_state() != oauth.new_state()


def test_x_authorize_url_carries_state_challenge_and_scopes():
    url = oauth.x_authorize_url("cid", REDIRECT, "st4te", "ch4llenge", media=True)
    assert url.startswith(oauth.X_AUTHORIZE_URL)
    params = query(url)
    assert params["state"] == "st4te"
    assert params["code_challenge"] == "ch4llenge"
    assert params["code_challenge_method"] == "S256"
    assert params["redirect_uri"] == REDIRECT
    assert params["response_type"] == "code"
    assert set(params["scope"].split()) == set(oauth.X_SCOPES) | {"media.write"}
    assert "code_verifier" not in params
    assert "media.write" not in query(oauth.x_authorize_url("cid", REDIRECT, "s", "c"))["scope"]


def test_x_exchange_sends_the_verifier_with_basic_auth(session):
    session.add_recording(local_recording("x", "oauth.json")["token"])
    token = oauth.x_exchange(session, "cid", "csecret", REDIRECT, "the-code", "the-verifier")
    assert token.access_token == "x-access-1"
    assert token.refresh_token == "x-refresh-1"
    assert token.expires_at is not None
    call = session.calls[0]
    body = form(call)
    assert body["code_verifier"] == "the-verifier"
    assert body["code"] == "the-code"
    assert body["grant_type"] == "authorization_code"
    assert call["headers"]["Authorization"].startswith("Basic ")
    assert call["timeout"]


def test_x_refresh_rotates_and_revoke(session):
    fixtures = local_recording("x", "oauth.json")
    session.add_recording(fixtures["refreshed"])
    session.add_recording(fixtures["revoked"])
    token = oauth.x_refresh(session, "cid", "csecret", "x-refresh-1")
    assert (token.access_token, token.refresh_token) == ("x-access-2", "x-refresh-2")
    assert form(session.calls[0])["grant_type"] == "refresh_token"
    assert form(session.calls[0])["refresh_token"] == "x-refresh-1"
    assert oauth.x_revoke(session, "cid", "csecret", "x-refresh-2")
    assert form(session.calls[1])["token"] == "x-refresh-2"


def test_x_refused_code_is_our_words(session):
    session.add_recording(local_recording("x", "oauth.json")["invalid_grant"])
    with pytest.raises(ConnectorError) as caught:
        oauth.x_exchange(session, "cid", "csecret", REDIRECT, "bad", "v")
    assert "Value passed" not in str(caught.value)
    assert "Value passed" in caught.value.detail


def test_mastodon_register_authorize_exchange(session):
    fixtures = local_recording("mastodon", "oauth.json")
    session.add_recording(fixtures["app"])
    session.add_recording(fixtures["token"])
    app = oauth.mastodon_register(session, "Mastodon.Example/", REDIRECT, "Social CRM")
    assert app == {"client_id": "masto-client-id", "client_secret": "masto-client-secret"}
    sent = form(session.calls[0])
    assert sent["redirect_uris"] == REDIRECT
    assert sent["scopes"] == oauth.MASTODON_SCOPES
    url = oauth.mastodon_authorize_url("mastodon.example", "masto-client-id", REDIRECT, "st")
    assert url.startswith("https://mastodon.example/oauth/authorize?")
    assert query(url)["state"] == "st"
    token = oauth.mastodon_exchange(
        session, "mastodon.example", "masto-client-id", "masto-client-secret", REDIRECT, "c0de"
    )
    assert token.access_token == "masto-user-token"
    assert form(session.calls[1])["code"] == "c0de"


def test_mastodon_instance_must_be_public_https(session):
    with pytest.raises(RequestRefused):
        oauth.instance_url("http://mastodon.example")
    with pytest.raises(RequestRefused):
        oauth.instance_url("")
    with pytest.raises(ConnectorError):  # the SafeSession refuses a private host
        oauth.mastodon_register(session, "localhost", REDIRECT, "Social CRM")
    assert session.calls == []


def test_meta_long_lived_token_pages_and_subscription(session):
    fixtures = local_recording("meta", "oauth.json")
    for name in ("short_token", "long_token", "accounts", "subscribed"):
        session.add_recording(fixtures[name])
    url = oauth.meta_login_url("app1", "cfg9", REDIRECT, "st")
    assert query(url)["config_id"] == "cfg9" and query(url)["state"] == "st"
    token = oauth.meta_exchange(session, "app1", "appsecret", REDIRECT, "c0de")
    assert token.access_token == "meta-long-user-token"
    assert session.calls[0]["params"]["code"] == "c0de"
    assert session.calls[1]["params"]["grant_type"] == "fb_exchange_token"
    assert session.calls[1]["params"]["fb_exchange_token"] == "meta-short-user-token"
    pages = oauth.meta_pages(session, "appsecret", token.access_token)
    assert [p.page_id for p in pages] == ["1111111111", "2222222222"]
    assert pages[0].instagram_username == "fictional.bakery"
    assert "appsecret_proof" in session.calls[2]["params"]
    assert oauth.meta_subscribe(session, "appsecret", "1111111111", "page-token-bakery")
    assert session.calls[3]["params"]["subscribed_fields"] == "feed,mention,ratings,messages"


def test_needs_reconnect_by_code_not_status():
    assert oauth.needs_reconnect(AuthenticationError("x", status=401))
    assert oauth.needs_reconnect(AuthenticationError("x", status=400, code="190/463"))
    assert not oauth.needs_reconnect(RequestRefused("x", status=400, code="100"))
    assert not oauth.needs_reconnect(ValueError("x"))


def test_x_connector_sends_the_oauth2_user_token_as_bearer(session):
    """Connected with the button: replies go with the user token
    (``user_auth=False``), not OAuth 1.0a, and without any OAuth 1 key."""
    session.add(
        "POST", r"https://api\.twitter\.com/2/tweets$", body={"data": {"id": "9", "text": "Hi"}}
    )
    connector = get_connector(
        "x", {"bearer_token": "x-access-1", "oauth2_user": True, "handle": "store"}, session
    )
    post = connector.reply("Hi", "8")
    assert post.external_id == "9"
    assert session.calls[0]["headers"]["Authorization"] == "Bearer x-access-1"

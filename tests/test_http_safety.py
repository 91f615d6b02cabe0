"""The URL policy, redirect refusal, deadline and size cap of every
connector call (social_crm.connectors.safety), without network or DNS."""

import io

import pytest
import requests

from social_crm.connectors import (
    CursorExpired,
    PlatformUnavailable,
    StreamSpec,
    UnsafeRequest,
    get_connector,
)
from social_crm.connectors.safety import SafeSession, check_url, is_public_address
from social_crm.connectors.testing import ReplaySession, local_recording

MASTODON = {"instance_url": "https://mastodon.example", "access_token": "secret-token"}


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "0.0.0.0",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "ff02::1",
        "not an address",
    ],
)
def test_inner_addresses_are_not_public(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2a00:1450:4001:80b::200e", "1.1.1.1"])
def test_public_addresses(address):
    assert is_public_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://mastodon.social",
        "ftp://mastodon.social",
        "https://127.0.0.1",
        "https://[::1]/api",
        "https://[::ffff:7f00:1]/",
        "https://169.254.169.254/latest/meta-data",
        "https://2130706433/",  # 127.0.0.1 as one integer
        "https://0x7f000001/",
        "https://127.1/",
        "https://0177.0.0.1/",
        "https://localhost/",
        "https://intranet/",
        "https://user:pw@mastodon.social/",
        "https://mastodon.social:8443/",
        "https://mastodon.social:notaport/",
        "",
    ],
)
def test_url_policy_refuses(url):
    with pytest.raises(UnsafeRequest):
        check_url(url)


def test_url_policy_accepts_public_https():
    assert check_url("https://mastodon.social/api/v1") == ("mastodon.social", 443)
    assert check_url("https://MASTODON.social:443") == ("mastodon.social", 443)
    assert check_url("https://93.184.215.14/") == ("93.184.215.14", 443)


def test_a_name_resolving_to_an_inner_address_is_refused_before_sending():
    session = ReplaySession(resolver=lambda host, port: ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(UnsafeRequest, match="not public"):
        get_connector("mastodon", MASTODON, session).test_connection()
    assert session.calls == []


def test_the_connection_checks_the_address_again_after_dns_rebinding():
    """The first answer is public, the one at connect time is loopback: the
    real adapter refuses to connect (no socket is opened to 127.0.0.1)."""
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])
    session = SafeSession(resolver=lambda host, port: next(answers))
    with pytest.raises(UnsafeRequest, match="not public"):
        session.get("https://rebind.example/")
    with pytest.raises(StopIteration):
        next(answers)  # both resolutions happened


def test_plain_http_is_refused_by_the_session_too():
    with pytest.raises(UnsafeRequest):
        SafeSession(resolver=lambda host, port: ["93.184.215.14"]).get("http://example.org/")


def test_a_redirect_is_not_followed():
    session = ReplaySession()
    session.add(
        "GET",
        r"/api/v1/accounts/verify_credentials",
        status=302,
        headers={"Location": "https://169.254.169.254/latest/meta-data"},
    )
    with pytest.raises(UnsafeRequest, match="redirect") as info:
        get_connector("mastodon", MASTODON, session).test_connection()
    assert len(session.calls) == 1 and info.value.status == 302


def test_a_body_over_the_size_cap_is_refused():
    session = ReplaySession(max_bytes=1000)
    session.add("GET", r"/verify_credentials", raw='{"id": "1", "note": "' + "x" * 2000 + '"}')
    with pytest.raises(UnsafeRequest, match="larger than"):
        get_connector("mastodon", MASTODON, session).test_connection()


class _SlowBody(io.RawIOBase):
    """A body that takes 10 (fake) seconds per chunk, for ever."""

    def __init__(self, clock):
        self.clock = clock

    def readable(self):
        return True

    def readinto(self, buffer):
        self.clock.now += 10
        buffer[:4] = b"aaaa"
        return 4


class _Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_the_deadline_bounds_a_body_that_never_ends():
    clock = _Clock()

    class Slow(ReplaySession):
        def send(self, request, **kwargs):
            response = super().send(request, **kwargs)
            response._content = False
            response.raw = _SlowBody(clock)
            return response

    session = Slow(deadline=60, clock=clock)
    session.add("GET", r"/verify_credentials", body={})
    with pytest.raises(PlatformUnavailable) as info:
        get_connector("mastodon", MASTODON, session).test_connection()
    assert "did not answer in time" in str(info.value)
    assert 60 <= clock.now <= 80


def test_connectors_use_a_safe_session_by_default():
    connector = get_connector("mastodon", MASTODON)
    assert isinstance(connector.session, SafeSession)
    assert connector.session.trust_env is False


def test_remote_words_stay_out_of_the_message():
    session = ReplaySession()
    session.add(
        "GET",
        r"/verify_credentials",
        status=400,
        body={"error": "<b>secret.internal.host said hi</b>"},
    )
    with pytest.raises(Exception) as info:
        get_connector("mastodon", MASTODON, session).test_connection()
    assert "secret.internal" not in str(info.value)
    assert "secret.internal" in info.value.detail


def test_network_error_text_stays_in_the_log_detail():
    session = ReplaySession()
    session.add(
        "GET",
        r"/verify_credentials",
        exc=requests.ConnectionError("Max retries exceeded with url: /?access_token=secret"),
    )
    with pytest.raises(Exception) as info:
        get_connector("mastodon", MASTODON, session).test_connection()
    assert "secret" not in str(info.value) and "ConnectionError" in str(info.value)


# ----------------------------------------------------------------------
# Expired cursors
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, cursor",
    [
        ("invalid_since_id", {"since_id": "1"}),
        (
            "invalid_next_token",
            {
                "since_id": "1578516295611748353",
                "next_token": "b26v89c19zqg8o3fpzbkk5v6vqjfyfa7kb7l",
            },
        ),
    ],
)
def test_x_expired_cursor_says_where_to_start_again(name, cursor):
    session = ReplaySession()
    session.add_recording(local_recording("x", "errors.json")[name])
    x = get_connector("x", {"bearer_token": "b"}, session)
    with pytest.raises(CursorExpired) as info:
        x.fetch(StreamSpec("keyword", "hollandia"), cursor)
    assert info.value.cursor == {} and info.value.status == 400
    assert "starts again" in str(info.value) and "invalid" not in str(info.value).lower()


def test_bluesky_malformed_cursor_pages_again_from_the_newest():
    session = ReplaySession()
    session.add(
        "POST",
        r"createSession",
        body={"accessJwt": "jwt", "did": "did:plc:abc", "handle": "we.bsky.social"},
    )
    session.add(
        "GET",
        r"searchPosts",
        status=400,
        body={"error": "InvalidRequest", "message": "Malformed cursor"},
    )
    bsky = get_connector("bluesky", {"handle": "we.bsky.social", "app_password": "p"}, session)
    newest = {"at": "2026-01-01T00:00:00.000000", "uri": "at://x/app.bsky.feed.post/1"}
    with pytest.raises(CursorExpired) as info:
        bsky.fetch(StreamSpec("keyword", "hollandia"), {"newest": newest, "cursor": "bad"})
    assert info.value.cursor == {"newest": newest}

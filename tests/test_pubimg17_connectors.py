"""Issue 17, "images where allowed": planned posts carry images. Each
connector's ``publish(..., images=)`` replayed through the reply upload
paths (X ``/2/media/upload``, Mastodon ``/api/v2/media``, Bluesky
``uploadBlob``), the Facebook Page photo (``/{page-id}/photos``) and
Instagram's content publishing (container, status, ``media_publish``); the
limits of a post refused before anything is sent.

Real recordings: tweepy's create_tweet, Mastodon.py's media uploads and
status, RestFB's Instagram container status objects. The Facebook photo and
the Instagram container and publish answers are self-written from the
documentation (social_crm/tests/fixtures/pubimg17/publish_images.json).
"""

import json
from datetime import datetime
from urllib.parse import parse_qs

import pytest

from social_crm.connectors import PlatformUnavailable, RequestRefused, get_connector
from social_crm.connectors.base import DEFAULT_TIMEOUT
from social_crm.connectors.instagram_publish import InstagramPublishMixin
from social_crm.connectors.mastodon import MastodonConnector
from social_crm.connectors.media import MB, Image, MediaRefused, check_public_url, rule
from social_crm.connectors.testing import local_recording, shared_recording

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 2040
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 2044
KEYS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
X_USER = {"bearer_token": "AAAA-test-bearer", **dict.fromkeys(KEYS, "k")}
BSKY = {"handle": "warenhuishollandia.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
META = {"page_id": "1234567890321", "page_access_token": "page-token"}
IG = {**META, "page_id": "17841400000000000"}
KEY = "a" * 64 + ".1764759600000000"
PUBLIC = "https://crm.hollandia.nl/web/content/41/kerst.jpg?access_token=tok"


def png(name="kerst.png", size=None, alt=""):
    return Image(name, "image/png", PNG if size is None else b"\0" * size, alt)


def jpeg(name="kerst.jpg", url=PUBLIC):
    return Image(name, "image/jpeg", JPEG, "", url=url)


def mine(name):
    return local_recording("pubimg17", "publish_images.json")[name]


def timed(session):
    assert session.calls and all(c["timeout"] == DEFAULT_TIMEOUT for c in session.calls)


# ----------------------------------------------------------------------
# The limits of a post, before anything is sent
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("platform", "images", "words"),
    [
        ("x", [png()] * 5, "X takes at most 4 images with a post; there are 5"),
        ("facebook", [png()] * 2, "Facebook takes at most 1 image with a post"),
        ("instagram", [png()], "Instagram takes only JPEG images; 'kerst.png' is image/png"),
        ("instagram", [jpeg(), jpeg()], "Instagram takes at most 1 image with a post"),
        ("bluesky", [png(size=2 * MB)], "at most 1,000,000 bytes"),
        ("demo", [Image("offerte.pdf", "application/pdf", b"%PDF")], "'offerte.pdf' is"),
    ],
)
def test_post_limits_refused_before_any_call(session, platform, images, words):
    creds = {"x": X_USER, "bluesky": BSKY, "facebook": META, "instagram": IG}.get(platform, {})
    connector = get_connector(platform, creds, session)
    with pytest.raises(MediaRefused, match=words):
        connector.publish("Kerst!", images=images)
    assert session.calls == []


def test_post_rules_are_described_for_the_composer():
    assert str(rule("instagram", kind="post").describe()) == "JPEG; at most 1, 8 MB each"
    assert str(rule("facebook", kind="post").describe()) == "JPEG, PNG, GIF; at most 1, 4 MB each"
    assert rule("instagram").most == 0  # a comment still takes none


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.hollandia.nl/web/content/41",
        "https://localhost:8069/web/content/41",
        "https://192.168.1.20/web/content/41",
        "https://odoo/web/content/41",
        "https://crm.hollandia.example/web/content/41",
        "",
    ],
)
def test_instagram_needs_a_public_https_address(session, url):
    with pytest.raises(MediaRefused, match="not a public https address"):
        check_public_url(url)
    with pytest.raises(MediaRefused, match="System Parameter web.base.url"):
        get_connector("instagram", IG, session).publish("Kerst!", images=[jpeg(url=url)])
    assert session.calls == []


def test_a_public_address_passes():
    check_public_url(PUBLIC)
    check_public_url("https://8.8.8.8/x.jpg")


# ----------------------------------------------------------------------
# X, Mastodon, Bluesky: the reply uploads, then the post
# ----------------------------------------------------------------------
def test_x_publish_uploads_then_names_the_media(session, x_recording):
    session.default_timeout = DEFAULT_TIMEOUT  # tweepy sets none: the session's applies
    session.add_recording(local_recording("x", "media.json")["upload_image"])
    session.add_recording(x_recording("test_client_create_and_delete_tweet")[0])
    post = get_connector("x", X_USER, session).publish(
        "Test Tweet", idempotency_key=KEY, images=[png()]
    )
    assert post.external_id == "1456012973835788293"
    upload, tweet = session.calls
    assert upload["url"] == "https://api.x.com/2/media/upload"
    assert b'name="media_category"\r\n\r\ntweet_image' in upload["body"]
    sent = json.loads(tweet["body"])
    assert sent == {"text": "Test Tweet", "media": {"media_ids": ["1880028106020515840"]}}


def test_mastodon_publish_uploads_two_images_with_the_key(session, monkeypatch):
    session.url_policy = False  # recorded against a local Mastodon
    monkeypatch.setattr(MastodonConnector, "_pause", staticmethod(lambda attempt: None))
    rec = shared_recording("mastodon", "decoded", "test_media_post_multiple.json")
    for upload in [e for e in rec if e["uri"].endswith("/api/v2/media")]:
        session.add_recording(upload)
    session.add_recording(next(e for e in rec if e["uri"].endswith("/api/v1/statuses")))
    connector = get_connector(
        "mastodon", {"instance_url": "http://localhost:3000", "access_token": "t"}, session
    )
    post = connector.publish(
        "LOL check this out", idempotency_key=KEY, images=[png(alt="kerstboom"), png("b.png")]
    )
    assert post.external_id == "117020576664345360" and len(post.media_urls) == 2
    first, _second, create = session.calls
    assert b'name="description"\r\n\r\nkerstboom' in first["body"]
    form = parse_qs(create["body"])
    assert form["media_ids[]"] == ["117020576646493592", "117020576661238952"]
    assert form["visibility"] == ["public"] and "in_reply_to_id" not in form
    assert create["headers"]["Idempotency-Key"] == KEY
    timed(session)


def test_bluesky_publish_embeds_the_blob_under_the_fixed_key(session):
    fixtures = local_recording("bluesky", "session.json")
    session.add_recording(fixtures["create_session"])
    session.add_recording(local_recording("bluesky", "media.json")["upload_blob"])
    session.add_recording(fixtures["create_record"])
    post = get_connector("bluesky", BSKY, session).publish(
        "Kerst bij Hollandia", idempotency_key=KEY, images=[png(alt="De etalage")]
    )
    _login, upload, create = session.calls
    assert upload["body"] == PNG and upload["headers"]["Content-Type"] == "image/png"
    sent = json.loads(create["body"])
    assert sent["rkey"] and "reply" not in sent["record"]
    (embedded,) = sent["record"]["embed"]["images"]
    assert embedded["alt"] == "De etalage"
    assert post.media_urls and post.media_urls[0].endswith("@jpeg")
    timed(session)


# ----------------------------------------------------------------------
# Facebook Page photo; Instagram content publishing
# ----------------------------------------------------------------------
def test_facebook_publish_with_a_photo_posts_it_with_its_caption(session):
    session.add_recording(mine("facebook_photo"))
    post = get_connector("facebook", META, session).publish(
        "Kerstactie!", idempotency_key=KEY, images=[png()]
    )
    assert post.external_id == "1234567890321_5550001114445"  # the Page post, not the photo
    (call,) = session.calls
    assert call["url"].split("?")[0].endswith("/1234567890321/photos")
    assert b'name="caption"\r\n\r\nKerstactie!' in call["body"]
    assert b'name="source"; filename="kerst.png"' in call["body"] and PNG in call["body"]
    timed(session)


def test_instagram_publishes_a_container_once_it_is_finished(session, monkeypatch):
    monkeypatch.setattr(InstagramPublishMixin, "_pause", staticmethod(lambda attempt: None))
    session.add_recording(mine("instagram_container"))
    in_progress = shared_recording("meta", "instagram", "container_no_copyright.json")
    finished = shared_recording("meta", "instagram", "container.json")
    status = r"/17889615691921648(\?|$)"
    session.add("GET", status, body=in_progress)
    session.add("GET", status, body=finished)
    session.add_recording(mine("instagram_publish"))
    connector = get_connector("instagram", IG, session)
    post = connector.publish("Kerstactie: deel je foto", idempotency_key=KEY, images=[jpeg()])
    assert post.external_id == "17920238422030506"
    create, poll, _poll, publish = session.calls
    assert parse_qs(create["body"]) == {
        "image_url": [PUBLIC],
        "caption": ["Kerstactie: deel je foto"],
    }
    assert poll["params"]["fields"] == "status_code"
    assert parse_qs(publish["body"]) == {"creation_id": ["17889615691921648"]}
    timed(session)


def test_instagram_container_steps_and_refusals(session, monkeypatch):
    monkeypatch.setattr(InstagramPublishMixin, "_pause", staticmethod(lambda attempt: None))
    connector = get_connector("instagram", IG, session)
    session.add_recording(mine("instagram_container_error"))
    with pytest.raises(RequestRefused, match=r"could not prepare the photo \(ERROR\)"):
        connector.publish_container("17889615691921648")
    in_progress = shared_recording("meta", "instagram", "container_no_copyright.json")
    session.add("GET", r"/17889615691921648(\?|$)", body=in_progress, times=5)
    with pytest.raises(PlatformUnavailable, match="still preparing the photo"):
        connector.publish_container("17889615691921648")
    assert not any(c["url"].split("?")[0].endswith("media_publish") for c in session.calls)
    session.add_recording(mine("instagram_container_published"))
    assert connector.container_status("17889615691921648") == "PUBLISHED"


def test_instagram_find_published_reads_our_media_back(session):
    session.add_recording(mine("instagram_own_media"))
    found = get_connector("instagram", IG, session).find_published(
        KEY, "Kerstactie: deel je foto met #HollandiaKerst", since=datetime(2026, 12, 3, 10, 50)
    )
    assert found.external_id == "17920238422030506"
    assert found.url == "https://www.instagram.com/p/DKerst2026ab/"
    assert session.calls[0]["params"]["fields"] == "id,caption,timestamp,permalink"


def test_demo_publish_takes_images_and_sends_nothing():
    post = get_connector("demo").publish("", idempotency_key=KEY, images=[png()])
    assert post.external_id.startswith("demo-post-")

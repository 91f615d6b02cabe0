"""Issue 13's last gaps, plain Python: Messenger's image-then-text refusal
names the images that went (so a resend sends only the text), and Meta's
private reply to a comment has its 7-day, once-per-comment window."""

from datetime import datetime, timedelta

import pytest

from social_crm.connectors import AccessLevelError, ConnectorError, RequestRefused, get_connector
from social_crm.connectors.media import Image, images_key
from social_crm.connectors.testing import ReplaySession, local_recording
from social_crm.reply_window import private_reply_applies, private_reply_window

META = {"page_id": "1234567890321", "page_access_token": "t"}
IMAGE_ID = "m_ImAgE1pHoToQ8vYc2LwE6sKd0HjXoA1bZuMgF9iR3tVy"


def png():
    return Image("parcel.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "")


def refused_after_image(error):
    session = ReplaySession()
    session.add_recording(local_recording("meta", "media.json")["message_image"])
    session.add("POST", ".", status=400, body={"error": error})
    return session


def test_text_refused_after_the_image_names_the_image_sent():
    error = {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}
    session = refused_after_image(error)
    with pytest.raises(RequestRefused) as info:
        get_connector("facebook", META, session).reply(
            "Dit is uw label", in_reply_to="dm:7310294857163042", images=[png()]
        )
    assert info.value.key == "media_text_not_sent"
    assert info.value.images_sent == (images_key([png()]), (IMAGE_ID,))


def test_window_closing_between_image_and_text_keeps_its_kind_and_names_the_image():
    # Meta's "outside the window" refusal (code 10, subcode 2018278)
    error = {"message": "(#10) outside of allowed window", "code": 10, "error_subcode": 2018278}
    session = refused_after_image(error)
    with pytest.raises(AccessLevelError) as info:
        get_connector("facebook", META, session).reply(
            "Dit is uw label", in_reply_to="dm:7310294857163042", images=[png()]
        )
    assert info.value.images_sent == (images_key([png()]), (IMAGE_ID,))


def test_nothing_sent_names_no_image():
    assert ConnectorError("x").images_sent == ()
    session = ReplaySession()
    error = {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}
    session.add("POST", ".", status=400, body={"error": error})
    with pytest.raises(RequestRefused) as info:
        get_connector("facebook", META, session).reply("Hoi", in_reply_to="dm:73")
    assert info.value.images_sent == ()


# ----------------------------------------------------------------------
# The private reply to a comment: 7 days, once per comment
# ----------------------------------------------------------------------
def test_private_reply_window_is_seven_days_from_the_comment():
    comment_at = datetime(2026, 5, 1, 12, 0)
    window = private_reply_window(comment_at, comment_at + timedelta(days=6, hours=23))
    assert window.open and window.hours_left == 1
    assert window.ends_at == datetime(2026, 5, 8, 12, 0)
    assert not private_reply_window(comment_at, comment_at + timedelta(days=7)).open
    assert not private_reply_window(None, comment_at).open


@pytest.mark.parametrize(
    ("platform", "key", "applies"),
    [
        ("facebook", "1_2", True),
        ("instagram", "17890000000000001", True),
        ("facebook", "dm:73", False),  # a private thread: the 24-hour window
        ("x", "123", False),
        ("mastodon", "5", False),
    ],
)
def test_private_reply_applies_to_meta_comments(platform, key, applies):
    assert private_reply_applies(platform, key) is applies

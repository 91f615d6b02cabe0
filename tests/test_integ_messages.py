"""The branches merged after the error catalogue (images out, spread
tracking, Flickr) speak through it too: every raise of any connector error
class, in any connector module (``media.MediaRefused`` included, and the
re-raises ``type(exc)(...)``), names a catalogue key (Flickr's too); their words fill the
template and translate, nested words too."""

import ast
import importlib
import json
from pathlib import Path

import pytest
from test_connector_messages import _is_message, check
from test_flickr_connector import KEYS, OAUTH, TAG, flickr, queue, recorded
from test_flickr_connector import errors as flickr_errors

from social_crm.connectors import ConnectorError, Profile, get_connector
from social_crm.connectors.media import MB, Image, MediaRefused, check_images, rule
from social_crm.connectors.messages import render
from social_crm.connectors.testing import ReplaySession, local_recording

CONNECTORS = Path(__file__).resolve().parent.parent / "social_crm" / "connectors"


def _error_classes():
    names = set()
    for path in CONNECTORS.glob("*.py"):
        if path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"social_crm.connectors.{path.stem}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, ConnectorError):
                names.add(name)
    return names


def test_every_raise_in_every_connector_module_names_a_catalogue_key():
    classes = _error_classes()
    assert "MediaRefused" in classes
    bad, found = [], 0
    for path in sorted(CONNECTORS.glob("*.py")):
        if path.name in ("testing.py", "messages.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            call = node.exc
            func = call.func
            named = getattr(func, "id", None) in classes
            retyped = isinstance(func, ast.Call) and getattr(func.func, "id", "") == "type"
            if not (named or retyped):
                continue
            found += 1
            first = call.args[0] if call.args else None
            ok = (
                (isinstance(first, ast.Attribute) and first.attr == "message")
                or (isinstance(first, ast.Name) and first.id == "refusal")
                or _is_message(first)
            )
            if not ok:
                bad.append(f"{path.name}:{node.lineno} {ast.unparse(call)[:80]}")
    assert found > 80
    assert not bad, "\n".join(bad)


def png(name="parcel.png", size=2048, mimetype="image/png"):
    return Image(name, mimetype, b"\0" * size)


@pytest.mark.parametrize(
    "platform, private, images",
    [
        ("x", True, [png(), png()]),
        ("x", False, [png()] * 5),
        ("mastodon", False, [png("scan.pdf", mimetype="application/pdf")]),
        ("mastodon", False, [png("blob", mimetype="")]),
        ("bluesky", False, [png(size=2 * MB)]),
        ("x", False, [png(size=6 * MB)]),
        ("bluesky", True, [png()]),
        ("instagram", False, [png()]),
        ("instagram", True, [png()]),
        ("tiktok", False, [png()]),
    ],
)
def test_image_refusals_are_catalogue_words(platform, private, images):
    with pytest.raises(MediaRefused) as info:
        check_images(platform, images, private=private)
    stored = check(info.value)
    assert "Nothing was sent" in render(stored)


def test_the_image_rule_and_its_refusal_are_catalogue_words():
    assert str(rule("x").describe()) == "JPEG, PNG, GIF, WEBP; at most 4, 5 MB each"
    assert str(rule("instagram").describe()) == "no images"
    assert str(rule("bluesky", private=True).refused).startswith("Bluesky chat messages")
    assert str(rule("tiktok").refused) == "tiktok takes no images from Social CRM."
    # Flickr (merged after images out) takes no comment images: said by its name
    assert str(rule("flickr").refused) == "Flickr takes no images from Social CRM."


def test_facebook_private_reply_with_image_is_refused_in_catalogue_words():
    facebook = get_connector(
        "facebook", {"page_id": "1234567890321", "page_access_token": "t"}, ReplaySession()
    )
    with pytest.raises(MediaRefused) as info:
        facebook.send_private("Kijk", Profile(user_id="84"), in_reply_to="1_2", images=[png()])
    assert check(info.value)["params"] == {"place": "Facebook"}


def test_image_sent_but_text_refused_wraps_the_refusal():
    session = ReplaySession()
    session.add_recording(local_recording("meta", "media.json")["message_image"])
    # a Graph API error body as documented (code 100, invalid parameter): a refusal
    error = {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}
    session.add("POST", ".", status=400, body={"error": error})
    facebook = get_connector(
        "facebook", {"page_id": "1234567890321", "page_access_token": "t"}, session
    )
    with pytest.raises(ConnectorError) as info:
        facebook.reply("Dit is uw label", in_reply_to="dm:7310294857163042", images=[png()])
    stored = check(info.value)
    assert stored["key"] == "media_text_not_sent"
    assert stored["params"]["error"]["key"] == "refused"
    assert str(info.value).startswith("The image was sent, but the text was not: Facebook")
    assert "Invalid parameter" not in str(info.value)
    json.dumps(stored)


# ----------------------------------------------------------------------
# Flickr's errors (real recordings and its labelled self-written ones)
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "source, name",
    [
        ("recorded", "test_it_throws_if_bad_auth"),
        ("recorded", "test_a_persistent_error_201_is_raised"),
        ("recorded", "test_a_persistent_5xx_error_is_raised"),
        ("recorded", "TestGetUser.test_get_deleted_user_id"),
        ("errors", "search_unavailable"),
        ("errors", "search_offset"),
        ("errors", "rate_limited"),
        ("errors", "unavailable"),
        ("errors", "malformed"),
        ("errors", "entity_bomb"),
    ],
)
def test_flickr_errors_are_catalogue_words(session, source, name):
    exchange = recorded(name)[0] if source == "recorded" else flickr_errors(name)
    queue(session, exchange)
    with pytest.raises(ConnectorError) as info:
        flickr(session).fetch(TAG, {"min_upload_date": 1})
    check(info.value)


def test_flickr_comment_refusals_carry_the_advice_as_nested_words(session):
    queue(session, recorded("TestPostComment.test_throws_if_not_allowed_to_post_comment")[0])
    with pytest.raises(ConnectorError) as info:
        flickr(session, OAUTH).reply("Mogen wij je foto gebruiken?", "53374767803")
    stored = check(info.value)
    assert stored["key"] == "not_allowed"
    assert stored["params"]["what"] == {"key": "said_code", "params": {"code": "99"}}
    assert stored["params"]["advice"]["key"] == "advice_flickr_403"
    assert str(info.value).startswith("Flickr does not allow this (code 99). The Flickr member")
    with pytest.raises(ConnectorError) as info:
        flickr(session, KEYS).reply("hi", "1")
    assert check(info.value)["params"]["names"] == "oauth_token, oauth_token_secret"

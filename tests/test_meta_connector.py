"""Facebook Page and Instagram: webhooks and the Graph API connector.

Webhook bodies are the real deliveries collected by RestFB (bundled)
(meta/webhooks, meta/instagram/wh-*), the error envelopes are Meta's real
ones (meta/errors), the signature vector is the documented one
(webhook_specs); self-written fixtures cover what was never recorded
(successful Graph answers, rate limits, permission errors, 5xx)."""

import copy
import hashlib
import hmac
import json
from datetime import datetime, timedelta

import pytest
import requests

from social_crm.connectors import (
    CONNECTORS,
    AccessLevelError,
    AuthenticationError,
    MalformedResponse,
    PlatformUnavailable,
    Post,
    Profile,
    RateLimitError,
    RequestRefused,
    StreamSpec,
    get_connector,
    meta,
)
from social_crm.connectors.base import DEFAULT_TIMEOUT, utcnow
from social_crm.connectors.meta import (
    GRAPH_URL,
    InstagramConnector,
    MetaConnector,
    Reaction,
    WebhookBatch,
    parse_webhook,
    verify_signature,
    verify_subscription,
)
from social_crm.connectors.testing import local_recording, recorded_path, shared_recording

PAGE = "1234567890321"
TOKEN = "EAAGm0PX4ZCpsBAPageTokenForTests"
SECRET = "0123456789abcdef0123456789abcdef"
CREDS = {"page_id": PAGE, "page_access_token": TOKEN, "app_secret": SECRET}
PROOF = hmac.new(SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def session(session):
    # no default timeout: every request must carry the connector's own
    session.default_timeout = None
    return session


def shared(*parts):
    return shared_recording(*parts)


def webhook(name):
    return shared("meta", "webhooks", f"{name}.json")


def instagram(name):
    return shared("meta", "instagram", f"{name}.json")


def graph(name):
    return local_recording("meta", "graph.json")[name]


def graph_error(name):
    return local_recording("meta", "errors.json")[name]


def private(name):
    return local_recording("meta", "private.json")[name]


def one(payload):
    (batch,) = parse_webhook(payload)
    return batch


def facebook(session, **changes):
    return get_connector("facebook", {**CREDS, **changes}, session)


def ig(session, **changes):
    return get_connector("instagram", {**CREDS, "page_id": "173435464534", **changes}, session)


def assert_signed_and_timed(session):
    assert session.calls
    for call in session.calls:
        assert call["timeout"] == DEFAULT_TIMEOUT
        assert call["params"]["access_token"] == TOKEN
        assert call["params"]["appsecret_proof"] == PROOF


def webhook_files():
    folder = recorded_path("meta")
    files = sorted((folder / "webhooks").glob("*.json"))
    files += sorted((folder / "instagram").glob("wh-*.json"))
    assert len(files) > 140, "the bundled Meta webhook recordings are missing"
    return files


# ----------------------------------------------------------------------
# Signatures and the subscription handshake
# ----------------------------------------------------------------------
def test_signature_known_answer():
    (vector,) = shared("webhook_specs", "signature_test_vectors.json")
    body = vector["body_utf8"].encode("utf-8")
    assert verify_signature(vector["secret"], body, vector["expected"])
    assert verify_signature(vector["secret"], body, f"  {vector['expected'].upper()} ")
    assert not verify_signature("another secret", body, vector["expected"])
    assert not verify_signature(vector["secret"], body + b" ", vector["expected"])


@pytest.mark.parametrize(
    "secret, body, header",
    [
        ("s", b"{}", None),
        ("s", b"{}", ""),
        ("s", b"{}", "sha256="),
        ("s", b"{}", "sha1=" + hashlib.sha1(b"{}").hexdigest()),
        ("s", b"{}", "sha256=not-hex-at-all"),
        ("s", b"{}", "sha256=\u00e9\u00e9"),
        ("s", b"{}", b"sha256=00"),
        ("", b"{}", "sha256=" + hmac.new(b"", b"{}", hashlib.sha256).hexdigest()),
        (None, b"{}", "sha256=00"),
        ("s", "{}", "sha256=" + hmac.new(b"s", b"{}", hashlib.sha256).hexdigest()),
    ],
)
def test_signature_false_for_missing_or_malformed_input(secret, body, header):
    assert verify_signature(secret, body, header) is False


def test_signature_is_over_the_raw_escaped_bytes():
    """Meta signs the body as sent, non-ASCII escaped as \\uXXXX; the same
    JSON re-serialised with the characters themselves no longer verifies."""
    payload = copy.deepcopy(webhook("feed-comment-add-25"))
    payload["entry"][0]["changes"][0]["value"]["message"] = "Prima service, dank je! Café ☕ 👍"
    raw = json.dumps(payload).encode("ascii")  # ensure_ascii: "\u00e9", "\u2615"...
    assert b"\\u00e9" in raw and b"\\ud83d\\udc4d" in raw
    header = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert verify_signature(SECRET, raw, header)
    reserialised = json.dumps(json.loads(raw), ensure_ascii=False).encode("utf-8")
    assert json.loads(reserialised) == json.loads(raw)
    assert not verify_signature(SECRET, reserialised, header)
    # what the handler then parses is the same comment
    (post,) = one(json.loads(raw)).posts
    assert post.text == "Prima service, dank je! Café ☕ 👍"


def test_subscription_handshake():
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": "our-token",
        "hub.challenge": "1158201444",
    }
    assert verify_subscription(params, "our-token") == "1158201444"
    assert verify_subscription({**params, "hub.verify_token": "their-token"}, "our-token") is None
    assert verify_subscription({**params, "hub.mode": "unsubscribe"}, "our-token") is None
    assert (
        verify_subscription({k: v for k, v in params.items() if k != "hub.challenge"}, "our-token")
        is None
    )
    assert verify_subscription({**params, "hub.verify_token": ""}, "") is None
    assert verify_subscription({**params, "hub.verify_token": None}, "our-token") is None
    assert verify_subscription(None, "our-token") is None


def test_appsecret_proof():
    assert meta.appsecret_proof(SECRET, TOKEN) == PROOF


# ----------------------------------------------------------------------
# Webhook parsing: every real body
# ----------------------------------------------------------------------
@pytest.mark.parametrize("path", webhook_files(), ids=lambda p: p.name)
def test_every_real_webhook_body_parses(path):
    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    batches = parse_webhook(payload)
    assert len(batches) == len(payload["entry"])
    for batch in batches:
        assert isinstance(batch, WebhookBatch)
        assert batch.platform in ("facebook", "instagram", "")
        assert isinstance(batch.account_ref, str)
        # nothing disappears silently: kept, or skipped with a reason
        assert batch.posts or batch.reactions or batch.reviews or batch.skipped
        assert all(isinstance(reason, str) and reason for reason in batch.skipped)
        for post in batch.posts:
            assert isinstance(post, Post) and post.external_id and isinstance(post.text, str)
            assert post.conversation_key
            assert post.posted_at is None or post.posted_at.tzinfo is None
            assert post.author is None or (post.author.user_id and not post.author.bio)
        for reaction in batch.reactions:
            assert isinstance(reaction, Reaction) and reaction.author.user_id
            assert reaction.external_id == (
                f"{reaction.object_id}:{reaction.author.user_id}:{reaction.kind}"
            )


def test_platforms_and_account_refs():
    assert (
        one(webhook("feed-post-add-25")).platform,
        one(webhook("feed-post-add-25")).account_ref,
    ) == (
        "facebook",
        PAGE,
    )
    # Messenger sends the page id as a number
    batch = one(webhook("messaging-message-basic"))
    assert (batch.object, batch.platform, batch.account_ref) == ("page", "facebook", "12345654332")
    batch = one(instagram("wh-comments"))
    assert (batch.object, batch.platform, batch.account_ref) == ("instagram", "instagram", "0")
    batch = one(webhook("user-email"))
    assert batch.platform == "" and not batch.posts
    assert "'user' are not for a Facebook Page" in batch.skipped[0]
    two = parse_webhook(webhook("feed-two-entries-25"))
    assert [b.skipped for b in two] == [
        ["A 'parking' change: social_crm does not read this field."],
        ["A 'payment_options' change: social_crm does not read this field."],
    ]


# ----------------------------------------------------------------------
# Facebook feed
# ----------------------------------------------------------------------
def test_feed_comment_add():
    batch = one(webhook("feed-comment-add-25"))
    (post,) = batch.posts
    assert post.external_id == "901097836652708_903438993085259"
    assert post.text == "and the next one"
    assert post.posted_at == datetime(2015, 12, 3, 9, 30, 3)
    assert (post.author.user_id, post.author.display_name) == (PAGE, "Tester")
    assert post.author.handle == "" and post.author.profile_url == ""
    assert post.parent_external_id == "1234567890321_901097836652708"
    assert post.conversation_key == "1234567890321_901097836652708"
    assert post.url == "" and post.lang == ""
    assert batch.reactions == [] and batch.skipped == []
    # the newer body names the author under "from"; the same post comes out
    assert one(webhook("feed-comment-add-211")).posts == [post]


def test_feed_comment_reply_keeps_its_parent_comment_and_media():
    payload = copy.deepcopy(webhook("feed-comment-add-with-photo"))
    value = payload["entry"][0]["changes"][0]["value"]
    value["parent_id"] = "901097836652708_903000000000001"
    del value["message"]
    (post,) = one(payload).posts
    assert post.parent_external_id == "901097836652708_903000000000001"
    assert post.conversation_key == "1234567890321_901097836652708"
    assert post.text == "[photo]"
    assert post.media_urls == [value["photo"]]


def test_feed_comment_edited_is_skipped():
    batch = one(webhook("feed-comment-edited-25"))
    assert batch.posts == [] and batch.reactions == []
    assert batch.skipped == [
        "Feed comment edited (900728623356296_900744590021366): an edit; the copy "
        "stored when it was added is kept."
    ]


@pytest.mark.parametrize(
    "name, words",
    [
        ("feed-comment-hide", "hidden on the page"),
        ("feed-comment-unhide", "shown again"),
        ("feed-comment-remove-25", "removed on the platform; the stored copy is kept"),
        ("feed-post-edit", "an edit"),
        ("feed-video-block", "'block' is not an addition"),
        ("feed-album-add", "not a post, comment or reaction"),
    ],
)
def test_feed_changes_we_keep_nothing_of(name, words):
    batch = one(webhook(name))
    assert batch.posts == [] and batch.reactions == []
    (reason,) = batch.skipped
    assert words in reason


def test_feed_post_by_a_visitor():
    (post,) = one(webhook("feed-post-add-25")).posts
    assert post.external_id == "1234567890321_7293787835232"
    assert post.text == "Let's check this"
    assert (post.author.user_id, post.author.display_name) == ("8423678347823", "John Doe")
    assert post.conversation_key == post.external_id and post.parent_external_id == ""
    # no created_time: the entry's time
    assert post.posted_at == datetime(2016, 2, 5, 21, 17)


def test_feed_posts_by_the_page_itself_are_skipped():
    for name in ("feed-status-add-25", "feed-photo-add-message", "feed-share-add-25"):
        batch = one(webhook(name))
        assert batch.posts == []
        assert batch.skipped[0].endswith("posted by the page itself.")


def test_feed_photo_by_a_visitor_carries_the_photo():
    payload = copy.deepcopy(webhook("feed-photo-add-message"))
    payload["entry"][0]["changes"][0]["value"].update(sender_id=555, sender_name="Visitor")
    (post,) = one(payload).posts
    assert post.text == "A new really great Photo"
    assert post.media_urls == ["https://www.example.org/test.jpg"]
    assert post.author.user_id == "555"


def test_feed_reaction_add():
    """The real body is the page's own reaction (its anonymised sender is the
    page id): skipped. The same body from a visitor is a Reaction."""
    payload = webhook("feed-reaction-add")
    batch = one(payload)
    assert batch.reactions == [] and batch.posts == []
    assert batch.skipped == [
        "Feed reaction (1234567890321_98735342324352): a reaction by the page itself."
    ]
    visitor = copy.deepcopy(payload)
    visitor["entry"][0]["changes"][0]["value"]["from"] = {"id": "8423678347823", "name": "Joe"}
    (reaction,) = one(visitor).reactions
    assert reaction == Reaction(
        external_id="1234567890321_98735342324352:8423678347823:reaction:love",
        kind="reaction:love",
        author=meta.Profile(user_id="8423678347823", display_name="Joe"),
        object_id="1234567890321_98735342324352",
        removed=False,
        at=datetime(2016, 10, 4, 11, 0, 54),
    )


def test_feed_reaction_on_a_comment_targets_the_comment():
    payload = copy.deepcopy(webhook("feed-reaction-add-comment"))
    payload["entry"][0]["changes"][0]["value"]["from"]["id"] = "42"
    (reaction,) = one(payload).reactions
    assert reaction.object_id == "1234567890321_1264545546974600"
    assert reaction.external_id == "1234567890321_1264545546974600:42:reaction:love"


def test_feed_like_add():
    (reaction,) = one(webhook("feed-like-add-25")).reactions
    assert reaction.kind == "like" and not reaction.removed
    assert reaction.object_id == "909653922461664_940663242694065"
    assert (reaction.author.user_id, reaction.author.display_name) == ("909653922461664", "Tester")
    assert reaction.external_id == "909653922461664_940663242694065:909653922461664:like"
    assert reaction.at == datetime(2015, 12, 21, 12, 35, 19)
    (comment_like,) = one(webhook("feed-like-add-comment-25")).reactions
    assert comment_like.object_id == "940663242694065_659751347534292"
    # a like with neither post nor comment is a like of the page
    (page_like,) = one(webhook("feed-like-add-page-25")).reactions
    assert (page_like.object_id, page_like.author.user_id) == (PAGE, "10201978818232600")


def test_feed_like_remove():
    """The real removal is by the page itself (skipped); by a person it is a
    removal with the same external id as the addition, so it finds it."""
    payload = webhook("feed-like-remove-25")
    batch = one(payload)
    assert batch.reactions == []
    assert batch.skipped == [
        "Feed like (1234567890321_940663242694065): a reaction by the page itself."
    ]
    visitor = copy.deepcopy(payload)
    visitor["entry"][0]["changes"][0]["value"]["sender_id"] = 909653922461664
    (removal,) = one(visitor).reactions
    assert removal.removed and removal.kind == "like"
    assert removal.external_id == "1234567890321_940663242694065:909653922461664:like"
    assert removal.at == datetime(2015, 12, 21, 12, 35, 22)
    added = copy.deepcopy(visitor)
    added["entry"][0]["changes"][0]["value"]["verb"] = "add"
    assert one(added).reactions[0].external_id == removal.external_id


# ----------------------------------------------------------------------
# Mentions and reviews
# ----------------------------------------------------------------------
def test_mention_in_a_post():
    batch = one(webhook("mention-post-add-real"))
    (post,) = batch.posts
    assert post.external_id == "1234567890321_98722536423179"
    assert post.text == "A test post message"
    assert post.posted_at == datetime(2021, 2, 26, 11, 56, 2)
    assert post.author is None  # Meta's mention names no sender
    assert post.conversation_key == post.external_id and post.parent_external_id == ""
    # the older body names the sender but sends no text
    (older,) = one(webhook("mention-post-add")).posts
    assert (older.text, older.author.user_id, older.author.display_name) == (
        "",
        "44444444",
        "Example Name",
    )


def test_mention_in_a_comment():
    (post,) = one(webhook("mention-comment-add")).posts
    assert post.external_id == "7363534231324_3754798971271444"
    assert post.parent_external_id == post.conversation_key == "1234567890321_7363534231324"


def test_review_rating_add():
    """A recommendation of the page is an external review, not a post:
    positive or negative and no stars; an old star review keeps its stars."""
    batch = one(webhook("ratings-rating-add-25"))
    assert batch.posts == []
    (review,) = batch.reviews
    assert (review.external_id, review.source) == ("904801129604590", "facebook")
    assert review.text == "Ja ziemlich coole Sache"
    assert (review.rating, review.recommendation) == (3, "")
    assert (review.author.user_id, review.author.display_name) == ("705955836155788", "Tester")
    assert review.created_at == datetime(2015, 11, 29, 11, 3, 22)
    (recommended,) = one(webhook("ratings-rating-add-31")).reviews
    assert (recommended.rating, recommended.recommendation) == (None, "positive")
    assert recommended.created_at == datetime(2018, 9, 19, 15, 5, 12)


def test_review_comments_and_reactions_join_the_review():
    (comment,) = one(webhook("ratings-comment-add-25")).posts
    assert comment.external_id == "904801129604590_904802532937783"
    assert comment.conversation_key == comment.parent_external_id == "6767676767"
    (reaction,) = one(webhook("ratings-reaction-add")).reactions
    assert (reaction.kind, reaction.object_id) == ("reaction:haha", "716630661754264")
    # an edit by its author comes as the review again: the model keeps the history
    (edited,) = one(webhook("ratings-rating-edit-25")).reviews
    assert edited.external_id == "904801129604590"


# ----------------------------------------------------------------------
# Messenger
# ----------------------------------------------------------------------
def test_messenger_message():
    batch = one(webhook("messaging-message-basic"))
    (post,) = batch.posts
    assert post.external_id == "mid.1457764197618:41d102a3e1ae206a38"
    assert post.text == "hello, world!"
    assert post.author == meta.Profile(user_id="987654321432")
    assert post.conversation_key == "dm:987654321432"
    assert post.parent_external_id == "" and post.lang == ""
    # Messenger timestamps are milliseconds
    assert post.posted_at == datetime(2016, 3, 12, 6, 29, 57, 627000)


def test_messenger_echo_is_skipped():
    batch = one(webhook("messaging-message-basic-echo"))
    assert batch.posts == []
    assert batch.skipped == [
        "Message (mid.1457764197618:41d102a3e1ae206a38): an echo of a message the page sent."
    ]


@pytest.mark.parametrize(
    "name, text, media",
    [
        ("messaging-message-media-attachment", "[image]", []),
        ("messaging-message-location-attachment", "[location]", []),
        ("messaging-message-sticker", "[sticker]", ["https://scontent.xx.fbcdn.net/sticker.png"]),
        ("messaging-message-fallback-attachment", "[link: Legacy Attachment]", []),
        ("messaging-message-nlp-url-2", "Please go to http://www.google.com", []),
    ],
)
def test_messenger_attachments_in_plain_words(name, text, media):
    (post,) = one(webhook(name)).posts
    assert (post.text, post.media_urls) == (text, media)


def test_messenger_reply_to_a_message_threads_under_it():
    (post,) = one(webhook("messaging-message-reply-1")).posts
    assert post.parent_external_id == "very_long_id_representing_the_original_message"
    assert post.conversation_key == "dm:987654321432"


def test_messenger_reaction():
    (reaction,) = one(webhook("messaging-reaction-1")).reactions
    assert reaction.kind == "dm_reaction:sad"
    assert (reaction.object_id, reaction.author.user_id) == ("original_message_id", "USER_ID")
    assert reaction.external_id == "original_message_id:USER_ID:dm_reaction:sad"
    assert not reaction.removed
    assert reaction.at == datetime(2019, 10, 30, 19, 51, 38, 502000)
    # "unreact" does not say which reaction went
    (removal,) = one(webhook("messaging-reaction-2")).reactions
    assert removal.removed and removal.kind == "dm_reaction"


@pytest.mark.parametrize(
    "name",
    [
        "messaging-read-basic",
        "messaging-delivery-basic",
        "messaging-optin-basic",
        "messaging-postback-basic",
    ],
)
def test_messenger_events_without_content_are_skipped(name):
    batch = one(webhook(name))
    assert batch.posts == [] and batch.reactions == []
    (reason,) = batch.skipped
    assert reason.startswith("Message event '") and reason.endswith("nothing to store.")


# ----------------------------------------------------------------------
# Instagram
# ----------------------------------------------------------------------
def test_instagram_comment():
    batch = one(instagram("wh-comments"))
    (post,) = batch.posts
    assert (post.external_id, post.text) == ("123456789", "This is an example.")
    assert post.author is None  # this body names no commenter
    assert post.posted_at == datetime(2018, 2, 23, 15, 21, 47)
    (reply,) = one(instagram("wh-comments-2021")).posts
    assert (reply.author.user_id, reply.author.handle) == ("1234536447", "testuser")
    assert reply.author.display_name == ""
    assert reply.conversation_key == "76543987"  # the media
    assert reply.parent_external_id == "987654321"  # the parent comment
    # without parent_id the media is the parent
    payload = copy.deepcopy(instagram("wh-comments-2021"))
    del payload["entry"][0]["changes"][0]["value"]["parent_id"]
    assert one(payload).posts[0].parent_external_id == "76543987"
    (live,) = one(instagram("wh-livecomments")).posts
    assert live.text == "This is an example."


def test_instagram_mention_is_kept_without_text():
    batch = one(instagram("wh-mentions"))
    (post,) = batch.posts
    assert post.external_id == "17887498072083520"
    assert post.text == ""
    assert post.conversation_key == "17887498072083520"
    assert post.parent_external_id == ""  # the comment and media ids are the same here
    assert batch.skipped == []


def test_instagram_story_insights_are_skipped():
    batch = one(instagram("wh-story_insights"))
    assert batch.posts == [] and batch.reactions == []
    assert batch.skipped == ["A 'story_insights' change: social_crm does not read this field."]


# ----------------------------------------------------------------------
# Odd input
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "payload", [None, [], "entry", {}, {"object": "page"}, {"object": "page", "entry": {}}]
)
def test_payload_without_entries_is_malformed(payload):
    with pytest.raises(MalformedResponse, match="no list of entries"):
        parse_webhook(payload)


def test_odd_entries_and_changes_are_skipped_not_raised():
    payload = {
        "object": "page",
        "entry": [
            5,
            {"id": PAGE},
            {
                "id": PAGE,
                "time": "not a time",
                "changes": [
                    7,
                    {"field": "feed"},
                    {"field": "feed", "value": {"item": "comment", "verb": "add"}},
                    {"field": "feed", "value": {"item": ["x"], "verb": {"y": 1}}},
                    {"field": "feed", "value": {"item": "like", "verb": "add", "post_id": "1_2"}},
                    {"field": "ratings", "value": {"item": "rating", "verb": "add"}},
                    {
                        "field": "feed",
                        "value": {
                            "item": "comment",
                            "verb": "add",
                            "comment_id": "9_9",
                            "created_time": 10**30,
                            "from": "x",
                        },
                    },
                ],
                "messaging": [None, {"message": {"text": "no sender or id"}}, {"reaction": {}}],
            },
        ],
    }
    first, second, third = parse_webhook(payload)
    assert first.skipped == ["An entry that is not an object: skipped."]
    assert second.skipped == [f"Entry {PAGE}: it holds no changes or messages."]
    (post,) = third.posts
    assert (post.external_id, post.posted_at, post.author) == ("9_9", None, None)
    assert third.reactions == []
    assert len(third.skipped) == 9
    assert "A '?' change: it is not an object." in third.skipped
    assert "A 'feed' change: it has no value." in third.skipped
    assert "Feed comment add: it has no id." in third.skipped
    assert "Feed like (1_2): it names no person or no object." in third.skipped


def test_a_change_that_breaks_the_reader_is_skipped(monkeypatch):
    def broken(_value):
        raise KeyError("boom")

    monkeypatch.setattr(meta, "_fb_media", broken)
    payload = copy.deepcopy(webhook("feed-comment-add-25"))
    payload["entry"][0]["changes"].append(webhook("feed-like-add-25")["entry"][0]["changes"][0])
    payload["entry"][0]["changes"][1]["value"]["sender_id"] = 42
    batch = one(payload)
    assert batch.posts == []
    assert batch.skipped == ["A 'feed' change: it could not be read (KeyError)."]
    assert len(batch.reactions) == 1  # the rest of the delivery is still read


def _like(post_id, user_id, at):
    value = {"item": "like", "verb": "add", "post_id": post_id, "sender_id": user_id}
    return {"field": "feed", "value": dict(value, created_time=at)}


def test_event_keys_are_per_event_not_per_body():
    like = _like("1_2", 42, 1450701319)
    alone = {"object": "page", "entry": [{"id": PAGE, "time": 1, "changes": [like]}]}
    # Meta re-batches: the same change in another body, another entry time,
    # next to another change, with the page id as a number
    rebatched = {
        "object": "page",
        "entry": [{"id": int(PAGE), "time": 99, "changes": [_like("1_3", 43, 1450701400), like]}],
    }
    (key,) = meta.event_keys(alone)
    assert key in meta.event_keys(rebatched)
    assert len(set(meta.event_keys(rebatched))) == 2
    # another object, page or change gives another key
    assert meta.event_key("instagram", PAGE, like) != key
    assert meta.event_key("page", "1", like) != key
    assert meta.event_key("page", PAGE, _like("1_2", 42, 1450701320)) != key
    assert meta.event_keys({"object": "page"}) == meta.event_keys(None) == []


def test_events_already_seen_are_skipped():
    like = _like("1_2", 42, 1450701319)
    (key,) = meta.event_keys({"object": "page", "entry": [{"id": PAGE, "changes": [like]}]})
    payload = {
        "object": "page",
        "entry": [
            {"id": PAGE, "changes": [like, _like("1_3", 43, 1450701400)]},
            # the same event twice in one delivery
            {"id": PAGE, "changes": [_like("1_3", 43, 1450701400)]},
        ],
    }
    first, second = parse_webhook(payload, seen={key})
    assert [r.object_id for r in first.reactions] == ["1_3"]
    assert first.skipped == ["A 'feed' change: already received in an earlier delivery."]
    assert len(first.keys) == 1 and key not in first.keys
    assert (second.reactions, second.keys) == ([], [])
    assert second.skipped == ["A 'feed' change: already received in an earlier delivery."]
    # without ``seen`` both are read, and their keys given
    first, second = parse_webhook(payload)
    assert len(first.reactions) == 2 and key in first.keys


# ----------------------------------------------------------------------
# Graph API: registration, connection test, profiles
# ----------------------------------------------------------------------
def test_registered_connectors():
    assert CONNECTORS["facebook"] is MetaConnector
    assert CONNECTORS["instagram"] is InstagramConnector
    assert issubclass(InstagramConnector, MetaConnector)
    assert GRAPH_URL == "https://graph.facebook.com/v21.0"


def test_test_connection_reads_the_page(session):
    session.add_recording(graph("page"))
    profile = facebook(session).test_connection()
    assert (profile.user_id, profile.handle) == (PAGE, "warenhuishollandia")
    assert profile.display_name == "Warenhuis Hollandia"
    assert profile.profile_url == "https://www.facebook.com/warenhuishollandia"
    (call,) = session.calls
    assert call["url"].startswith(f"{GRAPH_URL}/{PAGE}?")
    assert call["params"]["fields"] == "id,name,username"
    assert_signed_and_timed(session)


def test_without_app_secret_no_proof_is_sent(session):
    session.add_recording(graph("page"))
    facebook(session, app_secret="").test_connection()
    params = session.calls[0]["params"]
    assert params["access_token"] == TOKEN and "appsecret_proof" not in params


def test_without_page_id_the_token_names_its_page(session):
    session.add("GET", rf"^{GRAPH_URL}/me\?", body=graph("page")["body"])
    assert facebook(session, page_id="").test_connection().user_id == PAGE


def test_without_token_nothing_is_sent(session):
    with pytest.raises(AuthenticationError, match="No page access token"):
        facebook(session, page_access_token="").test_connection()
    with pytest.raises(AuthenticationError, match="Instagram business account"):
        ig(session, page_id="").test_connection()
    assert session.calls == []


def test_instagram_test_connection(session):
    user = instagram("user")  # a real Instagram user object
    session.add("GET", rf"^{GRAPH_URL}/173435464534\?", body=user)
    profile = ig(session).test_connection()
    assert (profile.user_id, profile.handle, profile.display_name) == (
        "173435464534",
        "tester2018",
        "Tester Test",
    )
    assert profile.profile_url == "https://www.instagram.com/tester2018"
    assert_signed_and_timed(session)


def test_get_profile(session):
    session.add_recording(graph("person"))
    profile = facebook(session).get_profile(user_id="8423678347823")
    assert (profile.user_id, profile.display_name, profile.handle) == (
        "8423678347823",
        "John Doe",
        "",
    )
    assert session.calls[0]["params"]["fields"] == "id,name"
    session.add(
        "GET", rf"^{GRAPH_URL}/1234536447\?", body={"id": "1234536447", "username": "testuser"}
    )
    assert ig(session).get_profile(user_id="1234536447").handle == "testuser"
    assert session.calls[1]["params"]["fields"] == "id,username,name"
    assert_signed_and_timed(session)


def test_get_profile_by_handle_is_refused(session):
    with pytest.raises(RequestRefused, match="by id only"):
        facebook(session).get_profile(handle="johndoe")
    with pytest.raises(ValueError):
        facebook(session).get_profile()
    assert session.calls == []


def test_fetch_returns_nothing_webhooks_deliver(session):
    conn = facebook(session)
    result = conn.fetch(StreamSpec("mention"), {"since": "x"})
    assert (result.posts, result.cursor, result.has_more) == ([], {"since": "x"}, False)
    assert conn.fetch(StreamSpec("mention"), None).cursor == {}
    assert session.calls == []


# ----------------------------------------------------------------------
# Replies
# ----------------------------------------------------------------------
def test_reply_to_a_webhook_comment(session):
    """The comment of a real delivery, answered under it."""
    (comment,) = one(webhook("feed-comment-add-25")).posts
    session.add_recording(graph("comment_reply"))
    before = utcnow()
    post = facebook(session).reply("Dank je, we kijken ernaar!", in_reply_to=comment.external_id)
    assert post.external_id == "901097836652708_903440126418479"
    assert post.text == "Dank je, we kijken ernaar!"
    assert post.parent_external_id == comment.external_id
    assert before <= post.posted_at <= utcnow()
    (call,) = session.calls
    assert call["method"] == "POST"
    assert call["url"].split("?")[0] == f"{GRAPH_URL}/{comment.external_id}/comments"
    assert call["body"] == "message=Dank+je%2C+we+kijken+ernaar%21"
    assert_signed_and_timed(session)


def test_reply_to_a_private_message(session):
    (message,) = one(webhook("messaging-message-basic")).posts
    session.add_recording(graph("dm_reply"))
    post = facebook(session).reply("Hallo! Waarmee kunnen we helpen?", message.conversation_key)
    assert post.external_id == "m_Xq7vT2kLw9RbN4cYhE1sAaZp0uMdGfJiK3oQeW8nB6tVyC5xS"
    assert post.conversation_key == "dm:987654321432"
    assert post.parent_external_id == ""
    (call,) = session.calls
    assert call["url"].split("?")[0] == f"{GRAPH_URL}/{PAGE}/messages"
    assert json.loads(call["body"]) == {
        "recipient": {"id": "987654321432"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Hallo! Waarmee kunnen we helpen?"},
    }
    assert_signed_and_timed(session)


def test_instagram_replies(session):
    (comment,) = one(instagram("wh-comments")).posts
    session.add_recording(graph("instagram_reply"))
    session.add_recording(graph("instagram_dm_reply"))
    conn = ig(session)
    post = conn.reply("Thanks!", in_reply_to=comment.external_id)
    assert (post.external_id, post.parent_external_id) == ("17858893269000001", "123456789")
    assert session.calls[0]["url"].split("?")[0] == f"{GRAPH_URL}/123456789/replies"
    assert session.calls[0]["body"] == "message=Thanks%21"
    dm = conn.reply("Thanks!", in_reply_to="dm:1234536447")
    assert dm.conversation_key == "dm:1234536447"
    assert session.calls[1]["url"].split("?")[0] == f"{GRAPH_URL}/me/messages"
    assert json.loads(session.calls[1]["body"])["recipient"] == {"id": "1234536447"}
    assert_signed_and_timed(session)


@pytest.mark.parametrize("target", ["", None, "dm:"])
def test_reply_without_target_is_refused(session, target):
    with pytest.raises(RequestRefused, match="no Facebook post or person"):
        facebook(session).reply("hi", in_reply_to=target)
    assert session.calls == []


def test_reply_answer_without_id_is_malformed(session):
    session.add("POST", r"/comments\?", body={"success": True})
    with pytest.raises(MalformedResponse, match="sent no id"):
        facebook(session).reply("hi", in_reply_to="1_2")


# ----------------------------------------------------------------------
# Private messages
# ----------------------------------------------------------------------
#: the person of graph.json, as a webhook would name a commenter
COMMENTER = Profile(user_id="8423678347823", display_name="John Doe")
#: the page-scoped id Meta answers for them (self-written private.json)
PSID = "7310294857163042"
CONSENT = "Hier is je persoonlijke link: https://shop.example/consent/k7Qx2"


def test_private_reply_to_a_webhook_comment(session):
    """Meta's private reply: the comment of a real delivery, answered in
    Messenger by its comment id."""
    (comment,) = one(webhook("feed-comment-add-211")).posts
    session.add_recording(private("facebook_private_reply"))
    before = utcnow()
    post = facebook(session).send_private(CONSENT, COMMENTER, in_reply_to=comment.external_id)
    assert post.external_id == "m_P4rTnQ8vYc2LwE6sKd0HjXoA1bZuMgF9iR3tVyN5eC7kS"
    assert post.text == CONSENT
    # keyed by the id Messenger webhooks will name them by
    assert post.conversation_key == f"dm:{PSID}"
    assert post.parent_external_id == comment.external_id
    assert post.author is None
    assert before <= post.posted_at <= utcnow()
    (call,) = session.calls
    assert call["method"] == "POST"
    assert call["url"].split("?")[0] == f"{GRAPH_URL}/{PAGE}/messages"
    assert json.loads(call["body"]) == {
        "recipient": {"comment_id": "901097836652708_903438993085259"},
        "message": {"text": CONSENT},
    }
    assert_signed_and_timed(session)


@pytest.mark.parametrize("in_reply_to", ["", f"dm:{PSID}"])
def test_private_message_to_a_messenger_person(session, in_reply_to):
    session.add_recording(private("facebook_message"))
    post = facebook(session).send_private(CONSENT, Profile(user_id=PSID), in_reply_to)
    assert post.external_id == "m_Lw3HcV9nQx5TyR1pK8dZaE2sJoB6uMgF0iN4tYv7eC2kP"
    assert post.conversation_key == f"dm:{PSID}"
    assert post.parent_external_id == in_reply_to
    (call,) = session.calls
    assert call["url"].split("?")[0] == f"{GRAPH_URL}/{PAGE}/messages"
    assert json.loads(call["body"]) == {
        "recipient": {"id": PSID},
        "messaging_type": "RESPONSE",
        "message": {"text": CONSENT},
    }
    assert_signed_and_timed(session)


def test_instagram_private_messages(session):
    (comment,) = one(instagram("wh-comments")).posts
    person = Profile(user_id="1234536447", handle="testuser")
    session.add_recording(private("instagram_private_reply"))
    session.add_recording(graph("instagram_dm_reply"))
    conn = ig(session)
    assert conn.supports_private
    reply = conn.send_private("Thanks!", person, in_reply_to=comment.external_id)
    assert reply.external_id == "aWdfZAG06MTpJR01lc3NhZA2VfaWQ6MTc4NDE0MDAwMDAwMDAwMDE"
    assert (reply.conversation_key, reply.parent_external_id) == ("dm:1234536447", "123456789")
    message = conn.send_private("Thanks!", person)
    assert (message.conversation_key, message.parent_external_id) == ("dm:1234536447", "")
    first, second = (json.loads(call["body"]) for call in session.calls)
    assert first == {"recipient": {"comment_id": "123456789"}, "message": {"text": "Thanks!"}}
    assert second["recipient"] == {"id": "1234536447"}
    assert {call["url"].split("?")[0] for call in session.calls} == {f"{GRAPH_URL}/me/messages"}
    assert_signed_and_timed(session)


def test_private_message_needs_a_person(session):
    with pytest.raises(RequestRefused, match="no Facebook person"):
        facebook(session).send_private(CONSENT, Profile(user_id=""), "1_2")
    assert session.calls == []


def test_private_message_answer_without_id_is_malformed(session):
    session.add("POST", r"/messages\?", body={"recipient_id": PSID})
    with pytest.raises(MalformedResponse, match="sent no id"):
        facebook(session).send_private(CONSENT, COMMENTER, "1_2")


def test_private_message_with_an_expired_token(session):
    """Meta's real OAuthException 190 envelope, on the messages edge."""
    body = shared("meta", "errors", "exampleErrorNew.json")
    session.add("POST", rf"^{GRAPH_URL}/{PAGE}/messages\?", status=400, body=body)
    with pytest.raises(AuthenticationError, match="Reconnect the page") as info:
        facebook(session).send_private(CONSENT, COMMENTER, "1_2")
    assert "trace id EJplcsCHuLu" in str(info.value)


def test_private_message_refused_with_metas_words(session):
    """Meta's real code-1 envelope with the words meant for people."""
    body = shared("meta", "errors", "oauthExampleError.json")
    session.add("POST", rf"^{GRAPH_URL}/me/messages\?", status=400, body=body)
    with pytest.raises(RequestRefused, match="Meta error 1/1965014, trace id") as info:
        ig(session).send_private(CONSENT, COMMENTER)
    assert (
        "Please choose another end date" in info.value.detail
        and "Please choose another end date" not in str(info.value)
    )
    assert info.value.status == 400


@pytest.mark.parametrize(
    "name, words",
    [
        ("outside_window", "within 7 days of the comment"),
        ("missing_permission", "pages_messaging"),
    ],
)
def test_private_reply_refusals(session, name, words):
    session.add_recording(graph_error(name))
    with pytest.raises(AccessLevelError, match=words):
        facebook(session).send_private(CONSENT, COMMENTER, "901097836652708_903438993085259")


# ----------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------
@pytest.mark.parametrize("status", [400, 401])
@pytest.mark.parametrize("name", ["exampleError", "exampleErrorNew"])
def test_expired_token_says_to_reconnect_the_page(session, name, status):
    session.add(
        "GET",
        rf"^{GRAPH_URL}/{PAGE}\?",
        status=status,
        body=shared("meta", "errors", f"{name}.json"),
    )
    with pytest.raises(AuthenticationError) as info:
        facebook(session).test_connection()
    message = str(info.value)
    assert "expired or was revoked" in message and "Reconnect the page" in message
    assert "Message describing the error: A title: A message" in info.value.detail
    assert "Message describing the error" not in message and "Meta error 190" in message
    assert info.value.status == status and not info.value.transient
    if name == "exampleErrorNew":
        assert "trace id EJplcsCHuLu" in message


def test_validation_error_is_refused_with_metas_words(session):
    body = shared("meta", "errors", "oauthExampleError.json")
    session.add("POST", r"/comments\?", status=400, body=body)
    with pytest.raises(RequestRefused) as info:
        facebook(session).reply("hi", in_reply_to="1_2")
    assert "Fundraisers Have a 90 Day Limit: Please choose another end date." in info.value.detail
    assert "Fundraisers" not in str(info.value)
    assert "trace id EmOAvxDPlF2" in str(info.value)
    assert info.value.status == 400


def test_older_oauth_error_shape(session):
    body = shared("meta", "errors", "exampleOauthError.json")
    session.add("GET", rf"^{GRAPH_URL}/{PAGE}\?", status=400, body=body)
    with pytest.raises(RequestRefused, match="Facebook refused the request") as info:
        facebook(session).test_connection()
    assert (
        "Error validating verification code" in info.value.detail
        and "Error validating verification code" not in str(info.value)
    )


@pytest.mark.parametrize(
    "name, status, minutes, words",
    [
        # no usage header: five minutes
        ("too_many_requests", 429, 5, "(#4) Application request limit reached"),
        # HTTP 400, code 32; X-Business-Use-Case-Usage names 12 minutes
        ("page_rate_limited", 400, 12, "(#32) Page request limit reached"),
    ],
)
def test_rate_limits_wait_as_long_as_meta_says(session, name, status, minutes, words):
    recording = graph_error(name)
    session.add_recording(recording)
    conn = facebook(session)
    before = utcnow()
    with pytest.raises(RateLimitError) as info:
        if recording["method"] == "GET":
            conn.test_connection()
        else:
            conn.reply("hi", in_reply_to="901097836652708_903438993085259")
    error = info.value
    assert error.transient and error.status == status and error.scope == "window"
    assert words in error.detail and words not in str(error)
    wait = timedelta(minutes=minutes)
    assert before + wait <= error.retry_at <= utcnow() + wait


def test_429_without_a_graph_envelope(session):
    session.add("GET", rf"^{GRAPH_URL}/{PAGE}\?", status=429, raw="Too Many Requests")
    with pytest.raises(RateLimitError, match="rate limit is reached"):
        facebook(session).test_connection()


@pytest.mark.parametrize("name", ["permission", "missing_permission"])
def test_permission_errors(session, name):
    recording = graph_error(name)
    session.add_recording(recording)
    target = (
        "dm:987654321432" if "messages" in recording["uri"] else "901097836652708_903438993085259"
    )
    with pytest.raises(AccessLevelError) as info:
        facebook(session).reply("hi", in_reply_to=target)
    assert recording["body"]["error"]["message"] in info.value.detail
    assert recording["body"]["error"]["message"] not in str(info.value)
    assert "permission" in str(info.value)


def test_private_reply_outside_the_24_hour_window(session):
    session.add_recording(graph_error("outside_window"))
    with pytest.raises(AccessLevelError, match="within 24 hours"):
        facebook(session).reply("hi", in_reply_to="dm:987654321432")


def test_missing_object_is_refused(session):
    session.add_recording(graph_error("not_found"))
    with pytest.raises(RequestRefused, match="Meta error 100") as info:
        facebook(session).get_profile(user_id="8423678347823")
    assert "Unsupported get request" in info.value.detail and "Unsupported get request" not in str(
        info.value
    )
    assert info.value.status == 400


@pytest.mark.parametrize("name, status", [("unavailable", 503), ("bad_gateway", 502)])
def test_server_errors_are_transient(session, name, status):
    session.add_recording(graph_error(name))
    with pytest.raises(PlatformUnavailable, match="tried again later") as info:
        facebook(session).test_connection()
    assert info.value.transient and info.value.status == status


def test_malformed_body(session):
    session.add_recording(graph_error("malformed"))
    with pytest.raises(MalformedResponse, match="not the JSON expected"):
        facebook(session).test_connection()


def test_timeout_is_transient(session):
    session.add("GET", rf"^{GRAPH_URL}/{PAGE}\?", exc=requests.ReadTimeout("read timed out"))
    with pytest.raises(PlatformUnavailable, match="did not answer in time"):
        facebook(session).test_connection()
    assert session.calls[0]["timeout"] == DEFAULT_TIMEOUT


def test_network_error_never_shows_the_token(session):
    url = f"/v21.0/{PAGE}?fields=id&access_token={TOKEN}&appsecret_proof={PROOF}"
    exc = requests.ConnectionError(f"Max retries exceeded with url: {url}")
    session.add("GET", rf"^{GRAPH_URL}/{PAGE}\?", exc=exc)
    with pytest.raises(PlatformUnavailable, match="Could not reach Facebook") as info:
        facebook(session).test_connection()
    assert TOKEN not in str(info.value) and PROOF not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__

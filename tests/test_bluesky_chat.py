"""Bluesky chat (direct messages) through the PDS's chat proxy:
self-written answers (``fixtures/bluesky/chat.json``) that follow the
official ``chat.bsky.convo`` lexicons bundled in
``fixtures/recorded/bluesky/lexicons_chat/``."""

import json

import pytest

from social_crm.connectors import (
    AccessLevelError,
    Profile,
    RequestRefused,
    StreamSpec,
    get_connector,
)
from social_crm.connectors.testing import local_recording, recorded_path

CREDS = {"handle": "warenhuishollandia.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
DMS = StreamSpec("dm", page_size=30)
PROXY = "did:web:api.bsky.chat#bsky_chat"
FAN = "did:plc:fan7wim4devries"
STRANGER = "did:plc:anna2smit9bakker"


def chat(name):
    return local_recording("bluesky", "chat.json")[name]


def logged_in(session):
    session.add_recording(local_recording("bluesky", "session.json")["create_session"])
    return get_connector("bluesky", CREDS, session)


def chat_calls(session):
    return [c for c in session.calls if "/xrpc/chat.bsky." in c["url"]]


def test_fixtures_follow_the_bundled_lexicons():
    def lexicon(nsid):
        path = recorded_path("bluesky", "lexicons_chat", f"{nsid}.json")
        return json.loads(path.read_text())

    defs = lexicon("chat.bsky.convo.defs")["defs"]
    required = set(defs["convoView"]["required"])
    for convo in chat("list_convos")["body"]["convos"]:
        assert required <= set(convo)
        assert set(defs["messageView"]["required"]) <= set(convo["lastMessage"])
    for log in chat("get_log")["body"]["logs"]:
        name = log["$type"].split("#")[1]
        assert set(defs[name]["required"]) <= set(log)
    assert set(defs["messageView"]["required"]) <= set(chat("send_message")["body"])
    assert lexicon("chat.bsky.convo.getLog")["defs"]["main"]["type"] == "query"
    assert lexicon("chat.bsky.convo.sendMessage")["defs"]["main"]["type"] == "procedure"
    assert lexicon("chat.bsky.convo.acceptConvo")["defs"]["main"]["type"] == "procedure"


def test_first_pull_lists_conversations_through_the_chat_proxy(session):
    conn = logged_in(session)
    session.add_recording(chat("list_convos"))
    result = conn.fetch(DMS, None)
    # ours is skipped; the request (someone we do not follow) is kept
    assert [p.external_id for p in result.posts] == ["dm:msg-w1", "dm:msg-a1"]
    wim, anna = result.posts
    assert wim.conversation_key == f"dm:{FAN}"
    assert (wim.author.user_id, wim.author.handle) == (FAN, "wimdevries.bsky.social")
    assert wim.url == "https://bsky.app/messages/convo-wim"
    assert "95234" in wim.text
    assert anna.conversation_key == f"dm:{STRANGER}"
    assert result.cursor == {"log": "2222222222223"}, "the log starts at the newest rev"
    assert not result.has_more
    (call,) = chat_calls(session)
    assert call["url"].startswith("https://bsky.social/xrpc/chat.bsky.convo.listConvos?")
    assert call["headers"]["atproto-proxy"] == PROXY
    assert call["headers"]["Authorization"] == "Bearer test-access-jwt-1"
    assert call["params"] == {"limit": "30"}


def test_later_pulls_read_the_log_from_the_cursor(session):
    conn = logged_in(session)
    session.add_recording(chat("get_log"))
    session.add_recording(chat("new_profile"))
    session.add_recording(chat("get_log_empty"))
    result = conn.fetch(DMS, {"log": "2222222222223"})
    # ours and the deleted message are skipped
    assert [p.external_id for p in result.posts] == ["dm:msg-w2", "dm:msg-n1"]
    wim, new = result.posts
    assert (wim.author.handle, wim.conversation_key) == ("wimdevries.bsky.social", f"dm:{FAN}")
    # no relatedProfiles: the sender's profile is looked up
    assert (new.author.handle, new.conversation_key) == (
        "newperson.bsky.social",
        "dm:did:plc:new4person",
    )
    assert result.cursor == {"log": "2222222222229"} and result.has_more
    # the next page is empty: the log is read to its end, the cursor stays
    again = conn.fetch(DMS, result.cursor)
    assert again.posts == [] and not again.has_more
    assert again.cursor == {"log": "2222222222229"}
    logs = chat_calls(session)
    assert [c["params"] for c in logs] == [{"cursor": "2222222222223"}, {"cursor": "2222222222229"}]
    assert all(c["headers"]["atproto-proxy"] == PROXY for c in logs)
    profile = next(c for c in session.calls if "getProfile" in c["url"])
    assert "atproto-proxy" not in profile["headers"], "profiles come from the app view"


def test_replying_to_a_request_accepts_it_then_sends(session):
    conn = logged_in(session)
    session.add_recording(chat("for_members_request"))
    session.add_recording(chat("accept_convo"))
    session.add_recording(chat("send_message"))
    post = conn.reply("Natuurlijk, waarmee kunnen we helpen?", in_reply_to=f"dm:{STRANGER}")
    assert post.external_id == "dm:msg-o3"
    assert post.conversation_key == f"dm:{STRANGER}"
    assert post.url == "https://bsky.app/messages/convo-anna"
    members, accept, send = chat_calls(session)
    assert members["params"] == {"members": STRANGER}
    assert (accept["method"], json.loads(accept["body"])) == ("POST", {"convoId": "convo-anna"})
    assert send["method"] == "POST"
    assert json.loads(send["body"]) == {
        "convoId": "convo-anna",
        "message": {"text": "Natuurlijk, waarmee kunnen we helpen?"},
    }
    assert all(c["headers"]["atproto-proxy"] == PROXY for c in (members, accept, send))


def test_an_accepted_conversation_is_not_accepted_again(session):
    conn = logged_in(session)
    session.add_recording(chat("for_members_accepted"))
    session.add_recording(chat("send_message"))
    post = conn.send_private("Zie https://example.com/pakket", Profile(user_id=FAN), "dm:x")
    assert post.parent_external_id == "dm:x"
    members, send = chat_calls(session)
    assert "acceptConvo" not in " ".join(c["url"] for c in session.calls)
    facet = json.loads(send["body"])["message"]["facets"][0]
    assert facet["features"][0]["uri"] == "https://example.com/pakket"


def test_a_person_who_takes_no_messages_from_us(session):
    conn = logged_in(session)
    session.add_recording(chat("messages_disabled"))
    with pytest.raises(RequestRefused, match="chat setting") as info:
        conn.send_private("hoi", Profile(user_id=STRANGER))
    assert info.value.code == "MessagesDisabled"
    assert "recipient has disabled" not in str(info.value)


def test_an_app_password_without_dm_access_is_explained(session):
    conn = logged_in(session)
    session.add_recording(chat("no_dm_scope"))
    with pytest.raises(AccessLevelError, match="must allow direct messages") as info:
        conn.fetch(DMS, {"log": "2222222222223"})
    assert "App passwords" in str(info.value)
    assert "Bad token scope" not in str(info.value)

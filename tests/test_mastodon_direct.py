"""Mastodon direct posts join the same private conversations as the DMs of
X, Bluesky and Meta (key ``"dm:<account id>"``), and a reply there is a
direct post again. Bodies: the self-written ``fixtures/mastodon/private.json``
(a direct status of a local Mastodon)."""

import copy
from urllib.parse import parse_qs

import pytest

from social_crm.connectors import get_connector
from social_crm.connectors.testing import local_recording

LOCAL = "http://localhost:3000"


@pytest.fixture
def session(session):
    session.url_policy = False  # a local Mastodon, as in test_mastodon_connector.py
    return session


def mastodon(session):
    return get_connector("mastodon", {"instance_url": LOCAL, "access_token": "t"}, session)


def direct_status():
    return copy.deepcopy(local_recording("mastodon", "private.json")["direct_new"]["body"])


def test_a_direct_status_joins_the_private_conversation_with_its_author(session):
    status = direct_status()
    post = mastodon(session)._post(status)
    assert post.conversation_key == "dm:117020565693913441"
    status["visibility"] = "public"
    assert mastodon(session)._post(status).conversation_key == status["id"]


def test_a_reply_to_a_private_conversation_is_a_direct_post(session):
    status = direct_status()
    person = status["account"]
    session.add("GET", rf"/api/v1/accounts/{person['id']}$", body=person)
    session.add("POST", r"/api/v1/statuses$", body=status)
    post = mastodon(session).reply("Graag gedaan", in_reply_to=f"dm:{person['id']}")
    assert post.conversation_key == f"dm:{person['id']}"
    sent = session.calls[-1]
    assert parse_qs(sent["body"]) == {
        "status": ["@admin@localhost:3000 Graag gedaan"],
        "visibility": ["direct"],
    }

"""Connector errors carry a catalogue key and parameters (issue 14: agents
read errors in their own language). Every raise in the connectors names a
key of ``social_crm.connectors.messages``; the parameters fill the template;
``str()`` stays the English sentence; a translation of the template is used
when the words are rendered; the platform's own words never get in."""

import ast
import json
import re
from pathlib import Path

import pytest
import requests

from social_crm.connectors import ConnectorError, StreamSpec, get_connector
from social_crm.connectors import base as base_module
from social_crm.connectors.messages import CATALOGUE, Message, render
from social_crm.connectors.testing import ReplaySession, local_recording

CONNECTORS = Path(__file__).resolve().parent.parent / "social_crm" / "connectors"
MESSAGES = CONNECTORS / "messages.py"
ERROR_CLASSES = {
    name
    for name, value in vars(base_module).items()
    if isinstance(value, type) and issubclass(value, ConnectorError)
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _dutchish(template, **params):
    """A stand-in translation: the template marked, then filled in, as
    ``env._`` does with a Dutch term."""
    return ("NL[" + template + "]") % params if params else "NL[" + template + "]"


def _walk(data):
    """Every ``{"key", "params"}`` of stored words, nested ones included."""
    yield data
    for value in (data.get("params") or {}).values():
        if isinstance(value, dict):
            yield from _walk(value)


def check(error):
    """The error's words are a catalogue key with JSON parameters that fill
    the template, in English and through a translation."""
    assert isinstance(error, ConnectorError), error
    assert error.message is not None, f"{type(error).__name__} without a key: {error}"
    assert error.key in CATALOGUE
    stored = json.loads(json.dumps(error.words()))  # what a Json field keeps
    for words in _walk(stored):
        assert words["key"] in CATALOGUE, words
        template = CATALOGUE[words["key"]]
        assert set(PLACEHOLDER.findall(template)) == set(words.get("params") or {}), words
        for value in (words.get("params") or {}).values():
            assert isinstance(value, (str, int, float, dict)), (words, value)
    assert render(stored) == str(error)
    assert stored["text"] == str(error)
    translated = render(stored, _dutchish)
    assert translated.startswith("NL[") and "%(" not in translated
    # nested words (advice, "(403 Forbidden)") are translated too
    assert translated.count("NL[") == sum(1 for _ in _walk(stored))
    if len(error.detail) > 12:
        assert error.detail not in str(error)
    return stored


# --------------------------------------------------------------------------
# Every raise in the code names a key
# --------------------------------------------------------------------------
def _raises():
    for path in sorted(CONNECTORS.glob("*.py")):
        if path.name in ("testing.py", "messages.py"):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERROR_CLASSES:
                yield path.name, node


def _is_message(node):
    """``Message("key", ...)`` with a catalogue key, or a key chosen between
    catalogue keys, or by a variable (checked by ``Message`` when raised)."""
    if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message"):
        return False
    key = node.args[0]
    if isinstance(key, ast.IfExp):
        return all(
            isinstance(k, ast.Constant) and k.value in CATALOGUE for k in (key.body, key.orelse)
        )
    return isinstance(key, ast.Name) or (isinstance(key, ast.Constant) and key.value in CATALOGUE)


def test_every_connector_error_is_built_from_a_catalogue_message():
    found = list(_raises())
    assert len(found) > 80
    bad = []
    for name, node in found:
        first = node.args[0] if node.args else None
        ok = (
            # a re-raise with the same words (Meta hides its token), or the
            # words its caller chose (X's 403 refusals)
            (isinstance(first, ast.Attribute) and first.attr == "message")
            or (isinstance(first, ast.Name) and first.id == "refusal")
            or _is_message(first)
        )
        if not ok:
            bad.append(f"{name}:{node.lineno} {ast.unparse(node)[:80]}")
    assert not bad, "\n".join(bad)


def test_every_catalogue_key_is_used():
    """Each key is named somewhere in the connectors, except our own words
    about any error (models/_helpers.py)."""
    named = set()
    for path in CONNECTORS.glob("*.py"):
        if path.name != "messages.py":
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and node.value in CATALOGUE:
                    named.add(node.value)
    named |= {k for k in CATALOGUE if k.startswith("said_")}  # messages.said()
    assert set(CATALOGUE) - named == {"place_timeout", "place_unreachable", "unexpected"} | {
        "maybe_posted",
        "oauth_x_revoked",
    }


def test_the_catalogue_is_marked_for_translation():
    """Each template is a literal inside ``_lt(...)``, which Odoo's .pot
    extraction picks up, with named placeholders only."""
    tree = ast.parse(MESSAGES.read_text())
    catalogue = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CATALOGUE"
    )
    for key, value in zip(catalogue.keys, catalogue.values, strict=True):
        assert isinstance(value, ast.Call) and value.func.id == "_lt", key.value
        assert isinstance(value.args[0], ast.Constant), key.value
        template = value.args[0].value
        assert template == CATALOGUE[key.value]
        assert "%" not in PLACEHOLDER.sub("", template), f"{key.value}: a bare % in {template!r}"


def test_unknown_key_is_refused_and_old_words_still_show():
    with pytest.raises(KeyError):
        Message("no_such_key")
    assert render({"text": "Old English words"}) == "Old English words"
    assert render({"key": "gone_in_a_later_version", "text": "As stored"}) == "As stored"
    assert render(None) == "" and render("plain") == "plain"


# --------------------------------------------------------------------------
# The self-written error fixtures, through each connector
# --------------------------------------------------------------------------
def _fixture_cases():
    for platform in ("x", "mastodon", "meta", "bluesky"):
        for name, exchange in local_recording(platform, "errors.json").items():
            if not name.startswith("_"):
                yield pytest.param(platform, name, exchange, id=f"{platform}-{name}")


CREDENTIALS = {
    "x": dict(
        bearer_token="AAAA-test",
        consumer_key="ck",
        consumer_secret="cs",
        access_token="at",
        access_token_secret="ats",
    ),
    "mastodon": {"instance_url": "https://mastodon.social", "access_token": "token"},
    "facebook": {"page_access_token": "page-token", "page_id": "1234567890321"},
    "bluesky": {"handle": "shop.bsky.social", "app_password": "app-pass"},
}


def _answer(exchange):
    session = ReplaySession()
    session.add_recording(exchange, url_pattern=".")
    return session.request(exchange["method"], "https://api.example.org/call", timeout=5)


@pytest.mark.parametrize("platform, name, exchange", list(_fixture_cases()))
def test_recorded_errors_carry_a_key_whose_params_fill_the_template(platform, name, exchange):
    if platform == "x":
        # X goes through tweepy: replay the call itself
        session = ReplaySession()
        session.add_recording(exchange, url_pattern=".")
        connector = get_connector("x", CREDENTIALS["x"], session)
        with pytest.raises(ConnectorError) as info:
            if exchange["method"] == "POST":
                connector.reply("hello", "1")
            else:
                connector.fetch(StreamSpec("mention", account_user_id="783214"), {"since_id": "5"})
        check(info.value)
        return
    platform = "facebook" if platform == "meta" else platform
    connector = get_connector(platform, CREDENTIALS[platform], ReplaySession())
    response = _answer(exchange)
    if response.status_code >= 400:
        error = connector._error(response)
    else:
        with pytest.raises(ConnectorError) as info:
            connector._read(response)
        error = info.value
    check(error)


@pytest.mark.parametrize(
    "exc, key",
    [
        (requests.ReadTimeout("read timed out"), "timeout"),
        (requests.ConnectionError("x"), "unreachable"),
    ],
)
def test_network_trouble_has_keys_too(exc, key):
    session = ReplaySession()
    session.add("GET", ".", exc=exc)
    connector = get_connector("mastodon", CREDENTIALS["mastodon"], session)
    with pytest.raises(ConnectorError) as info:
        connector.fetch(StreamSpec("mention"), None)
    assert info.value.key == key
    assert info.value.params["place"] == "Mastodon"
    check(info.value)


def test_str_stays_the_english_sentence():
    error = get_connector("x", CREDENTIALS["x"], ReplaySession())
    with pytest.raises(ConnectorError) as info:
        error.fetch(StreamSpec("keyword"), None)
    assert str(info.value) == "This stream has no keyword or hashtag to search for."
    assert info.value.key == "stream_no_query" and info.value.params == {}

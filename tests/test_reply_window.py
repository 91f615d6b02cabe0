"""Meta's 24-hour window: where it applies, and its boundary."""

from datetime import datetime, timedelta

from social_crm.reply_window import applies, reply_window

LAST = datetime(2026, 3, 2, 14, 32)


def test_applies_to_meta_private_conversations_only():
    assert applies("facebook", "dm:123")
    assert applies("instagram", "dm:9")
    assert not applies("facebook", "post:1_2")
    assert not applies("x", "dm:123")
    assert not applies("bluesky", "dm:did:plc:a")
    assert not applies("facebook", "")


def test_open_until_24_hours_after_the_last_message():
    window = reply_window(LAST, LAST + timedelta(hours=20, minutes=59))
    assert window.open
    assert window.ends_at == datetime(2026, 3, 3, 14, 32)
    assert window.hours_left == 3
    assert window.minutes_left == 181


def test_boundary():
    assert reply_window(LAST, LAST + timedelta(hours=24) - timedelta(seconds=1)).open
    assert reply_window(LAST, LAST + timedelta(hours=24) - timedelta(seconds=1)).minutes_left == 1
    closed = reply_window(LAST, LAST + timedelta(hours=24))
    assert not closed.open
    assert closed.hours_left == 0 and closed.minutes_left == 0


def test_no_private_message_no_window():
    window = reply_window(None, LAST)
    assert not window.open and window.ends_at is None

"""Meta's 24-hour window for private replies (plain Python, no Odoo).

Messenger and Instagram accept a private message from a page (Send API,
``messaging_type`` RESPONSE) only within 24 hours of the person's last
message to it (developers.facebook.com/docs/messenger-platform/policy/
policy-overview#24hours_window). Outside it Meta answers error code 10 with
subcode 2018278 / 2534022 (``connectors.meta.OUTSIDE_WINDOW_SUBCODES``):
we refuse before the call instead.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

#: platforms whose private replies have the window
WINDOW_PLATFORMS = frozenset({"facebook", "instagram"})
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class ReplyWindow:
    """The window of one private conversation, at ``now``."""

    ends_at: datetime | None  # None: the person never wrote privately
    now: datetime

    @property
    def open(self) -> bool:
        return self.ends_at is not None and self.now < self.ends_at

    @property
    def left(self) -> timedelta:
        return max(self.ends_at - self.now, timedelta(0)) if self.ends_at else timedelta(0)

    @property
    def hours_left(self) -> int:
        """Whole hours left (rounded down)."""
        return int(self.left.total_seconds() // 3600)

    @property
    def minutes_left(self) -> int:
        """Whole minutes left (rounded up: "1 min" until the very end)."""
        return -(-int(self.left.total_seconds()) // 60)


def applies(platform: str, conversation_key: str) -> bool:
    """Does a reply in this conversation go out privately through Meta?"""
    return platform in WINDOW_PLATFORMS and (conversation_key or "").startswith("dm:")


def reply_window(last_incoming: datetime | None, now: datetime) -> ReplyWindow:
    """The window opened by the person's last private message
    (``last_incoming``, naive UTC as Odoo stores it), seen at ``now``."""
    return ReplyWindow(last_incoming + WINDOW if last_incoming else None, now)


# ----------------------------------------------------------------------
# "Continue in private" on a comment: Meta's private reply
# ----------------------------------------------------------------------
#: Meta takes one private reply per comment, within 7 days of the comment
#: (developers.facebook.com/docs/messenger-platform/discovery/private-replies)
PRIVATE_REPLY_WINDOW = timedelta(days=7)


def private_reply_applies(platform: str, conversation_key: str) -> bool:
    """Does "Continue in private" in this conversation send Meta's private
    reply to a comment (rather than a message in a private thread)?"""
    return platform in WINDOW_PLATFORMS and not (conversation_key or "").startswith("dm:")


def private_reply_window(comment_at: datetime | None, now: datetime) -> ReplyWindow:
    """The window for a private reply to the comment posted at ``comment_at``
    (naive UTC), seen at ``now``."""
    return ReplyWindow(comment_at + PRIVATE_REPLY_WINDOW if comment_at else None, now)

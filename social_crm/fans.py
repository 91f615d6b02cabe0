"""Who becomes a fan of one of our accounts, and when a fan drops out, in
plain Python.

Facebook and Instagram list no followers through their APIs, so the people
who interact with our Page or Instagram account are counted instead, as
"fans", next to the followers that platforms do list (X, Mastodon, Bluesky):

- Facebook: whoever likes or reacts to the Page, its posts, comments or
  reviews (webhook ``feed`` and ``ratings`` reactions), or comments on them.
- Instagram has no list of likers and sends no like webhooks: only those who
  comment on our media, mention our account, or send us a private message.

A fan without an interaction for a company's number of months drops out.
"""

from datetime import datetime

from dateutil.relativedelta import relativedelta

#: the platforms whose interactions make fans
FAN_PLATFORMS = ("facebook", "instagram")


def reaction_makes_fan(platform: str, kind: str) -> bool:
    """Does a webhook reaction of ``kind`` make its author a fan?

    Likes and reactions on Facebook do; a reaction to a private message
    (``dm_reaction``) does not, nor anything on Instagram (it reports no likes).

    >>> reaction_makes_fan("facebook", "like"), reaction_makes_fan("facebook", "reaction:love")
    (True, True)
    >>> reaction_makes_fan("facebook", "dm_reaction:love"), reaction_makes_fan("instagram", "like")
    (False, False)
    """
    return platform == "facebook" and (kind == "like" or kind.startswith("reaction:"))


def post_makes_fan(platform: str, *, private: bool, reply: bool) -> bool:
    """Does an incoming post make its author a fan?

    Facebook: a comment (a reply to our post or comment), not a private
    message. Instagram: a comment, a mention and a private message alike.

    >>> post_makes_fan("facebook", private=False, reply=True)
    True
    >>> post_makes_fan("facebook", private=True, reply=True)
    False
    >>> post_makes_fan("instagram", private=True, reply=False)
    True
    >>> post_makes_fan("mastodon", private=False, reply=True)
    False
    """
    if platform == "instagram":
        return True
    return platform == "facebook" and reply and not private


def drop_out_before(now: datetime, months: int) -> datetime | None:
    """Fans whose last interaction is older than this drop out; ``None``
    when they never do (``months`` 0 or less).

    >>> drop_out_before(datetime(2026, 3, 31, 12), 1)
    datetime.datetime(2026, 2, 28, 12, 0)
    >>> drop_out_before(datetime(2026, 3, 31), 0) is None
    True
    """
    if not months or months <= 0:
        return None
    return now - relativedelta(months=months)

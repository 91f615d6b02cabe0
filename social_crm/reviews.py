"""Review requests, Booking.com style, in plain Python.

Only customers who were invited (a won deal) can review, once per invitation.
Every review is published, low ratings as much as high ones; a review is held
for a person to look at only when it carries what a public page must not
show (an e-mail address, a phone number, a link), and it is rejected only for
a reason of policy, never for its rating.
"""

import re

RATINGS = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]
LOW_RATING = 2  # at most this many stars: the team lead is asked to respond
MAX_TEXT = 5000
REJECT_REASONS = [
    ("personal_data", "Personal data of someone"),
    ("abusive", "Abusive or discriminating"),
    ("off_topic", "Not about us"),
    ("spam", "Advertising or spam"),
    ("not_a_customer", "Not written by the customer"),
]

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE_RE = re.compile(r"(?<!\w)\+?\d[\d ()./-]{7,}\d(?!\w)")
DATE_RE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")
LINK_RE = re.compile(r"https?://|www\.|\b[\w-]+\.(com|nl|net|org|io|eu|be|de)\b", re.I)


class ReviewError(ValueError):
    """What the reviewer has to correct, said so they understand it. The
    page shows it in the visitor's language by its ``code`` (and ``params``)."""

    def __init__(self, message, code="", **params):
        super().__init__(message)
        self.code = code
        self.params = params


def clean_submission(rating, title, text):
    """(rating 1..5 as a string, title, text) from a form; raises
    ReviewError with a message for the reviewer.

    >>> clean_submission("4", "  Fine ", " Quick delivery. ")
    ('4', 'Fine', 'Quick delivery.')
    """
    rating = str(rating or "").strip()
    if rating not in dict(RATINGS):
        raise ReviewError("Choose a score from 1 to 5 stars.", "rating")
    title = " ".join((title or "").split())[:120]
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ReviewError(
            f"Keep your review under {MAX_TEXT} characters.", "too_long", max=MAX_TEXT
        )
    return rating, title, text


def hold_reason(*texts):
    """Why a review must wait for a person before it is published, or None.
    The rating is never a reason.

    >>> hold_reason("Call me on 06 1234 5678")
    'a phone number'
    >>> hold_reason("Terrible. Never again.") is None
    True
    >>> hold_reason("Ordered on 2026-11-20, order 12345678") is None
    True
    """
    joined = "\n".join(t for t in texts if t)
    if EMAIL_RE.search(joined):
        return "an e-mail address"
    for match in PHONE_RE.finditer(joined):
        digits = sum(c.isdigit() for c in match.group(0))
        if 9 <= digits <= 15 and not DATE_RE.match(match.group(0)):
            return "a phone number"
    if LINK_RE.search(joined):
        return "a link"
    return None


def public_name(name):
    """How a reviewer is shown: first name and initial.

    >>> public_name("Fien van der Verwijder"), public_name("Ada"), public_name("")
    ('Fien V.', 'Ada', 'A customer')
    """
    words = [w for w in (name or "").split() if w[:1].isalpha()]
    if not words:
        return "A customer"
    particles = {"van", "der", "de", "den", "het", "ter", "ten", "von", "di", "da", "le", "la"}
    surname = [w for w in words[1:] if w.lower() not in particles]
    return f"{words[0]} {surname[-1][0].upper()}." if surname else words[0]


def summary(ratings):
    """(average to one decimal or None, count, {stars: count}) of ratings.

    >>> summary(["5", "4", "1"])
    (3.3, 3, {'5': 1, '4': 1, '3': 0, '2': 0, '1': 1})
    """
    values = [int(r) for r in ratings if str(r) in dict(RATINGS)]
    distribution = {str(s): values.count(s) for s in range(5, 0, -1)}
    if not values:
        return None, 0, distribution
    return round(sum(values) / len(values), 1), len(values), distribution

"""Review rules (social_crm.reviews), without a database."""

import doctest

import pytest

from social_crm import reviews


def test_doctests():
    assert doctest.testmod(reviews).failed == 0


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Mail me: fien@example.com", "an e-mail address"),
        ("Bel +31 20 123 4567", "a phone number"),
        ("06-12345678 voor vragen", "a phone number"),
        ("Cheaper at www.other-shop.example", "a link"),
        ("see https://x.example/deal", "a link"),
        ("Order 12345678 came fast", None),
        ("Ordered 12.11.2026, delivered 2026-11-20", None),
        ("10/10 would buy again", None),
        ("Vreselijk. Nooit meer.", None),  # a harsh review is no reason to hold it
        ("", None),
    ],
)
def test_hold_reason(text, reason):
    assert reviews.hold_reason(text) == reason


@pytest.mark.parametrize("rating", ["", None, "0", "6", "4.5", "five"])
def test_a_rating_from_1_to_5_is_required(rating):
    with pytest.raises(reviews.ReviewError, match="1 to 5"):
        reviews.clean_submission(rating, "", "")


def test_too_long_a_review_is_refused_with_the_limit():
    with pytest.raises(reviews.ReviewError, match="5000"):
        reviews.clean_submission("3", "", "x" * 5001)


@pytest.mark.parametrize(
    "name, shown",
    [
        ("Rita van der Review", "Rita R."),
        ("Jan de Vries", "Jan V."),
        ("Ada Lovelace", "Ada L."),
        ("Cher", "Cher"),
        ("  ", "A customer"),
        ("123 456", "A customer"),
    ],
)
def test_public_name(name, shown):
    assert reviews.public_name(name) == shown


def test_summary_ignores_what_is_not_a_rating():
    assert reviews.summary(["5", "5", False, "x"])[:2] == (5.0, 2)
    assert reviews.summary([]) == (None, 0, {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0})

"""Photo campaign rules (social_crm.rights), without a database."""

import doctest

import pytest

from social_crm import rights


def test_doctests():
    assert doctest.testmod(rights).failed == 0


@pytest.mark.parametrize(
    "value, tag",
    [
        ("#HollandiaStijl", "hollandiastijl"),
        ("  hollandia_2026 ", "hollandia_2026"),
        ("#ZomerInDeStad", "zomerindestad"),
        ("#Café", "café"),
    ],
)
def test_normalize_hashtag(value, tag):
    assert rights.normalize_hashtag(value) == tag


@pytest.mark.parametrize("value", ["", "#", "two words", "#tag!", "#2026", "#_x", "a" * 101])
def test_bad_hashtags_get_a_clear_error(value):
    with pytest.raises(rights.RightsError) as error:
        rights.normalize_hashtag(value)
    assert "hashtag" in str(error.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mijn nieuwe jas! #HollandiaStijl", True),
        ("#hollandiastijl", True),
        ("Look: #hollandiastijl, love it", True),
        ("#hollandiastijlfout", False),
        ("hollandiastijl without the hash", False),
        ("", False),
    ],
)
def test_has_hashtag(text, expected):
    assert rights.has_hashtag(text, "hollandiastijl") is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("#ok_hollandiastijl", True),
        ("Ja, prima! #OK_Hollandiastijl 😊", True),
        ("ok_hollandiastijl", True),  # typed without "#"
        ("Sure, go ahead #ok_hollandiastijl #love", True),
        ("no #ok_hollandiastijl", False),
        ("Liever niet #ok_hollandiastijl", False),
        ("don't #ok_hollandiastijl", False),
        ("Wat betekent #ok_hollandiastijl? Niet #ok_hollandiastijl", True),  # asked, then
        ("#ok_hollandiastijl2", False),
        ("ok", False),
        ("", False),
    ],
)
def test_grants(text, expected):
    assert rights.grants(text, "ok_hollandiastijl") is expected


def test_a_post_enters_with_the_hashtag_and_a_photo():
    photo = ["https://files.example/a.jpg"]
    assert rights.is_entry("Nieuwe look #hollandiastijl", photo, "hollandiastijl")
    assert not rights.is_entry("Nieuwe look #hollandiastijl", [], "hollandiastijl")
    assert not rights.is_entry("Nieuwe look", photo, "hollandiastijl")
    assert not rights.is_entry("#hollandiastijl", ["javascript:alert(1)"], "hollandiastijl")


def test_public_media_keeps_http_urls_only():
    urls = "\n".join(
        [
            "https://files.example/a.jpg",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "/web/image/1",
            'https://files.example/b.jpg"onerror="x',
            "http://files.example/c.png",
            "https://files.example/a.jpg",
            "",
        ]
    )
    assert rights.public_media(urls) == [
        "https://files.example/a.jpg",
        "http://files.example/c.png",
    ]
    assert len(rights.public_media([f"https://x.example/{i}.jpg" for i in range(20)])) == 10


def test_terms_version_changes_with_the_wording_only():
    one = rights.terms_version("We may show your photo on our website.")
    assert one == rights.terms_version("We may show  your photo\non our website.")
    assert one != rights.terms_version("We may show your photo in print.")
    assert len(one) == 12


@pytest.mark.parametrize(
    "text",
    [
        "Please remove my photo from your site",
        "Can you delete the picture please",
        "Don't use my photo anymore",
        "stop using my pics",
        "Verwijder mijn foto alsjeblieft",
        "Haal mijn foto weg aub",
        "Gebruik mijn foto niet meer",
        "Die foto wil ik niet meer tonen",
    ],
)
def test_a_request_to_remove_the_photo_withdraws_anywhere(text):
    assert rights.withdraws(text, "ok_x")


@pytest.mark.parametrize(
    "text",
    [
        "I withdraw my permission",
        "Ik trek mijn toestemming in",
        "intrekken graag",
        "#stop",
        "niet #ok_x",
    ],
)
def test_a_general_withdrawal_counts_in_the_photos_conversation_only(text):
    assert rights.withdraws(text, "ok_x", in_thread=True)
    assert not rights.withdraws(text, "ok_x")


@pytest.mark.parametrize(
    "text",
    [
        "Love it, thanks for sharing my photo!",
        "Great photo of the store",
        "#ok_x",
        "Mijn foto staat op jullie site, leuk!",
        "Gebruik gerust mijn foto",
        "Remove the tag from my post?",
        "#stopwatch",
        "Ik trek het me niet aan",
    ],
)
def test_happy_or_unrelated_posts_do_not_withdraw(text):
    assert not rights.withdraws(text, "ok_x", in_thread=True)

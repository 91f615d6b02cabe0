"""The identity matching engine: evidence, name rules, ambiguity, rejections."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from social_crm import cli
from social_crm.matching import (
    Partner,
    PartnerIndex,
    Profile,
    extract,
    handle_fits,
    lookup_keys,
    match,
    name_key,
    name_similarity,
    partner_keys,
)

PARTNERS = [
    Partner(
        5234,
        "B. Oboema",
        email="b.oboema@example.org",
        phone="+31 6 1234 5678",
        city="Amsterdam",
        ref="5234",
    ),
    Partner(1, "Jan de Vries", city="Zwolle"),
    Partner(2, "Jan de Vries", city="Utrecht"),
    Partner(3, "J. de Vries", city="Assen"),
    Partner(4, "Jan de Vries", city="Breda"),
    Partner(
        10,
        "Zoë van der Berg",
        email="zoe@vdberg.nl",
        social=[{"platform": "x", "handle": "ZoeVDB", "user_id": "777"}],
    ),
    Partner(11, "Bakkerij Jansen B.V.", website="https://www.bakkerijjansen.nl", is_company=True),
    Partner(12, "Robert ten Hove", city="Delft"),
    Partner(13, "Katherine Smith", email="kate.smith@gmail.com"),
]
INDEX = PartnerIndex(PARTNERS)


def run(**profile):
    profile.setdefault("id", "p")
    profile.setdefault("platform", "x")
    return match(Profile(**profile), INDEX)


def best(result):
    return result.candidates[0].partner_id if result.candidates else None


# -- evidence ---------------------------------------------------------------
def test_stored_handle_links():
    result = run(handle="@zoevdb", display_name="whatever")
    assert (result.decision, result.partner_id) == ("link", 10)
    assert "handle @zoevdb is stored on the partner" in result.candidates[0].reasons


def test_profile_url_stored_on_the_partner_links():
    index = PartnerIndex(
        [Partner(1, "B. Oboema", social=[{"platform": "x", "handle": "https://x.com/YesICan/"}])]
    )
    result = match(Profile("p", platform="x", handle="yesican"), index)
    assert (result.decision, result.partner_id) == ("link", 1)


def test_stored_user_id_links_even_after_a_handle_change():
    result = run(user_id="777", handle="zoe_new_name")
    assert (result.decision, result.partner_id) == ("link", 10)


def test_stored_handle_on_another_platform_does_not_link():
    assert run(platform="mastodon", handle="zoevdb").decision != "link"


@pytest.mark.parametrize(
    "text",
    [
        "my customer number is 5234",
        "Mijn klantnummer: 5234",
        "klantnr. 5234 graag terugbellen",
    ],
)
def test_customer_number_in_a_dm_only_suggests(text):
    result = run(handle="yesican", display_name="Yes I can", texts=[text])
    assert (result.decision, result.partner_id) == ("suggest", 5234)
    assert "customer number 5234 typed by the poster" in result.candidates[0].reasons


def test_bare_numbers_are_not_customer_numbers():
    assert run(handle="x1", texts=["order 5234 is late"]).decision == "none"


def test_email_and_phone_in_bio_only_suggest():
    by_mail = run(handle="kate", bio="Mail me: Kate.Smith@gmail.com")
    assert (by_mail.decision, best(by_mail)) == ("suggest", 13)
    by_phone = run(handle="b", bio="bel 06-12345678")
    assert (by_phone.decision, best(by_phone)) == ("suggest", 5234)


def test_website_domain_suggests_the_company():
    result = run(handle="bakker_j", display_name="Bakkerij Jansen", url="bakkerijjansen.nl")
    assert (result.decision, best(result)) == ("suggest", 11)
    assert result.candidates[0].reasons == ["same company name", "website domain bakkerijjansen.nl"]


def test_verified_flag_is_no_evidence():
    plain = run(handle="rth", display_name="Robert ten Hove")
    verified = run(handle="rth", display_name="Robert ten Hove", verified=True, followers=10**6)
    assert plain.as_dict() == verified.as_dict()
    assert verified.decision == "suggest"


# -- names ------------------------------------------------------------------
@pytest.mark.parametrize(
    "profile_name, partner_name",
    [
        ("Zoe van der Berg", "Zoë van der Berg"),  # diacritics
        ("Zoë vd Berg", "Zoë van der Berg"),  # particle abbreviation
        ("Berg, Zoë van der", "Zoë van der Berg"),  # word order
        ("Bob ten Hove", "Robert ten Hove"),  # nickname
        ("Kate Smith ✨", "Katherine Smith"),  # nickname + emoji
        ("Dr. Robert ten Hove", "Robert ten Hove"),  # title
        ("R. ten Hove", "Robert ten Hove"),  # initial
        ("Barack Oboema 🇺🇸", "B. Oboema"),  # partner has the initial
    ],
)
def test_name_rules(profile_name, partner_name):
    score, reason = name_similarity(name_key(profile_name), name_key(partner_name))
    assert score >= 0.8, reason


@pytest.mark.parametrize(
    "profile_name, partner_name",
    [
        ("Jan de Vries", "Piet de Vries"),
        ("K. ten Hove", "Robert ten Hove"),
        ("Jan de Vries", "Jan de Jong"),
    ],
)
def test_different_people(profile_name, partner_name):
    assert name_similarity(name_key(profile_name), name_key(partner_name))[0] == 0


def test_company_suffixes():
    assert name_key("Bakkerij Jansen B.V.").full == name_key("bakkerij jansen bv").full
    assert name_key("Bakkerij Jansen B.V.").company


def test_handle_spells_the_name():
    assert handle_fits("jdevries72", name_key("Jan de Vries"))
    assert handle_fits("robert_tenhove", name_key("Robert ten Hove"))
    assert not handle_fits("jdevries72", name_key("Piet de Vries"))


# -- ambiguity and decisions -------------------------------------------------
def test_a_common_name_alone_never_links():
    result = run(handle="jan1980", display_name="Jan de Vries")
    assert result.decision != "link"
    assert len({c.score for c in result.candidates[:3]}) == 1, "namesakes rank alike"


def test_city_breaks_ties_between_namesakes():
    result = run(handle="jan1980", display_name="Jan de Vries", location="Zwolle, NL")
    assert best(result) == 1
    assert "lives in Zwolle" in result.candidates[0].reasons


def test_two_partners_with_the_same_handle_do_not_link():
    index = PartnerIndex(
        [
            Partner(1, "A", social=[{"platform": "x", "handle": "dup"}]),
            Partner(2, "B", social=[{"platform": "x", "handle": "dup"}]),
        ]
    )
    assert match(Profile("p", platform="x", handle="dup"), index).decision == "suggest"


def test_stranger_gets_none():
    result = run(handle="random_guy", display_name="Piet Puk", texts=["hallo"])
    assert (result.decision, result.candidates) == ("none", [])


def test_rejections_are_remembered():
    profile = Profile("p", platform="x", handle="yesican", texts=["customer number 5234"])
    assert match(profile, INDEX).decision == "suggest"
    again = match(profile, INDEX, rejected={5234})
    assert again.decision == "none" and 5234 not in [c.partner_id for c in again.candidates]
    linked = match(Profile("p", platform="x", handle="zoevdb"), INDEX, rejected={10})
    assert linked.decision != "link"


# -- command line ------------------------------------------------------------
def test_cli_match(tmp_path):
    partners = tmp_path / "partners.jsonl"
    partners.write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {
                    "id": 5234,
                    "name": "B. Oboema",
                    "email": None,
                    "phone": None,
                    "mobile": None,
                    "street": None,
                    "zip": None,
                    "city": "Amsterdam",
                    "country": "NL",
                    "website": None,
                    "ref": "5234",
                    "is_company": False,
                    "social": [{"platform": "x", "handle": "yesican"}],
                },
                {"id": 7, "name": "Zoë Jansen", "social": []},
            ]
        )
    )
    stdin = io.StringIO(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "a",
                        "platform": "x",
                        "user_id": "1",
                        "handle": "yesican",
                        "display_name": "B.",
                        "bio": None,
                        "location": None,
                        "url": None,
                        "followers": 3,
                        "verified": False,
                        "texts": [],
                    }
                ),
                "{broken",
                json.dumps(
                    {"id": "c", "platform": "x", "handle": "zj", "display_name": "Zoe Jansen"}
                ),
            ]
        )
    )
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["match", "--partners", str(partners)], stdin, out, err)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 1, "a bad line makes the exit code non-zero"
    assert "stdin line 2: not valid JSON" in err.getvalue()
    assert [r.get("decision") for r in rows] == ["link", None, "suggest"]
    assert rows[0]["partner_id"] == 5234 and rows[1]["line"] == 2
    assert rows[2]["candidates"][0] == {
        "partner_id": 7,
        "score": rows[2]["candidates"][0]["score"],
        "reasons": ["same first and last name"],
    }


def test_cli_runs_as_a_module_without_odoo(tmp_path):
    partners = tmp_path / "p.jsonl"
    partners.write_text(json.dumps({"id": 1, "name": "Jan Smit", "social": []}) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "social_crm.cli", "match", "--partners", str(partners)],
        input=json.dumps({"id": "x", "platform": "x", "handle": "h", "display_name": "Jan Smit"}),
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
        timeout=60,
    )
    assert json.loads(done.stdout)["decision"] == "suggest"
    assert "odoo" not in done.stderr.lower()


@pytest.mark.parametrize(
    "partner_name, profile",
    [
        ("Jan de Vries", Profile("p", handle="jdevries72")),
        ("Jan de Vries", Profile("p", display_name="J. de Vries")),
        ("Zoë van der Berg", Profile("p", display_name="Zoe vd Berg")),
        ("Niels Peters", Profile("p", handle="nielspeters")),
        ("Bakkerij Jansen B.V.", Profile("p", display_name="Bakkerij Jansen")),
    ],
)
def test_stored_partner_keys_are_found_by_the_profile_lookup_keys(partner_name, profile):
    """The SQL lookup is exact: a profile's keys must hit the partner's stored keys."""
    company = partner_name.endswith("B.V.")
    stored = set(partner_keys(partner_name, company)) - {""}
    assert stored & set(lookup_keys(extract(profile)))

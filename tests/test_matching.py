"""The identity matching engine: evidence, name rules, ambiguity, rejections."""

import dataclasses
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
    display_name_part,
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
    # a handle typed on the contact before its account posted: no user id known
    index = PartnerIndex(
        [Partner(10, "Zoë van der Berg", social=[{"platform": "x", "handle": "ZoeVDB"}])]
    )
    result = match(Profile(id="p", platform="x", user_id="777", handle="@zoevdb"), index)
    assert (result.decision, result.partner_id) == ("link", 10)
    assert "handle @zoevdb is stored on the partner" in result.candidates[0].reasons
    # stored with its user id, the handle alone no longer links
    assert run(handle="@zoevdb", display_name="whatever").decision == "suggest"


def test_profile_url_stored_on_the_partner_links():
    index = PartnerIndex(
        [Partner(1, "B. Oboema", social=[{"platform": "x", "handle": "https://x.com/YesICan/"}])]
    )
    result = match(Profile(id="p", platform="x", handle="yesican"), index)
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
    result = run(handle="bakker_j", display_name="Bakkerij Jansen", profile_url="bakkerijjansen.nl")
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
    assert match(Profile(id="p", platform="x", handle="dup"), index).decision == "suggest"


def test_stranger_gets_none():
    result = run(handle="random_guy", display_name="Piet Puk", texts=["hallo"])
    assert (result.decision, result.candidates) == ("none", [])


def test_rejections_are_remembered():
    profile = Profile(id="p", platform="x", handle="yesican", texts=["customer number 5234"])
    assert match(profile, INDEX).decision == "suggest"
    again = match(profile, INDEX, rejected={5234})
    assert again.decision == "none" and 5234 not in [c.partner_id for c in again.candidates]
    linked = match(Profile(id="p", platform="x", handle="zoevdb"), INDEX, rejected={10})
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
        ("Jan de Vries", Profile(id="p", handle="jdevries72")),
        ("Jan de Vries", Profile(id="p", display_name="J. de Vries")),
        ("Zoë van der Berg", Profile(id="p", display_name="Zoe vd Berg")),
        ("Niels Peters", Profile(id="p", handle="nielspeters")),
        ("Bakkerij Jansen B.V.", Profile(id="p", display_name="Bakkerij Jansen")),
    ],
)
def test_stored_partner_keys_are_found_by_the_profile_lookup_keys(partner_name, profile):
    """The SQL lookup is exact: a profile's keys must hit the partner's stored keys."""
    company = partner_name.endswith("B.V.")
    stored = set(partner_keys(partner_name, company)) - {""}
    assert stored & set(lookup_keys(extract(profile)))


# -- names: parsing ------------------------------------------------------------
def test_letters_without_a_decomposition_are_folded():
    assert partner_keys("Ayşe Yıldız") == ("yildiz", "yildiz")
    assert partner_keys("Martin Ødegaard") == ("odegaard", "odegaard")
    assert name_similarity(name_key("Ayse Yildiz"), name_key("Ayşe Yıldız"))[0] == 1.0


@pytest.mark.parametrize(
    "name, given, surname, joined",
    [
        ("D. de Ruiter", ("d",), "ruiter", "deruiter"),  # an initial, not "d'"
        ("T. Hofman", ("t",), "hofman", "hofman"),  # not "'t Hofman"
        ("V. de Wilde", ("v",), "wilde", "dewilde"),  # not "v." for "van"
        ("D van Rijn", ("d",), "rijn", "vanrijn"),
        ("'t Hoen", (), "hoen", "thoen"),  # particles stay particles
        ("Wilma van 't Zand", ("wilma",), "zand", "vantzand"),
        ("J. v.d. Sluis", ("j",), "sluis", "vdsluis"),
        ("Jan v. Rijn", ("johannes",), "rijn", "vrijn"),
        ("Youssef El Idrissi", ("youssef",), "idrissi", "elidrissi"),
        ("Patrick O'Neill", ("patrick",), "neill", "oneill"),
    ],
)
def test_initials_and_particles(name, given, surname, joined):
    key = name_key(name)
    assert (key.given, key.surname, key.joined) == (given, surname, joined)


def test_display_name_decorations_are_cut_off():
    assert display_name_part("Marloes Verbeek | Utrecht") == "Marloes Verbeek"
    assert display_name_part("🌷 | Hidde Zijlstra (hij/hem)") == "Hidde Zijlstra"
    assert display_name_part("Anne-Fleur de Wilde - tandarts") == "Anne-Fleur de Wilde"


# -- names: comparison -----------------------------------------------------------
@pytest.mark.parametrize(
    "profile_name, partner_name, score",
    [
        ("K. Brinkman", "Kees Brinkman", 0.8),  # the initial of the name as written
        ("C. Brinkman", "Kees Brinkman", 0.6),  # of its formal form (Cornelis): less sure
        ("Johannes Brinkman", "Johannes Brinkman", 1.0),
        ("Johannes Brinkman", "Hans Brinkman", 0.95),  # a nickname of the other
        ("Jan Brinkman", "Hans Brinkman", 0.9),  # both short for Johannes
        ("R. van Rijn", "R. Rijn", 0.72),  # particles differ
    ],
)
def test_first_name_and_particle_scores(profile_name, partner_name, score):
    found, _reason = name_similarity(name_key(profile_name), name_key(partner_name))
    assert found == pytest.approx(score)


def test_handle_spells_the_name_with_abbreviated_or_dropped_particles():
    assert handle_fits("jvdsluis", name_key("Jan van der Sluis"))
    assert handle_fits("ruiter_d", name_key("D. de Ruiter"))
    assert not handle_fits("pietwesterbeek", name_key("P. Beek")), "Westerbeek is no Beek"
    assert not handle_fits("janbrugbroek", name_key("J. Broek"))


# -- names: evidence from several fields -----------------------------------------
VERBEEK = [
    Partner(21, "Marloes Verbeek", city="Utrecht"),
    Partner(22, "Mirjam Verbeek", city="Utrecht"),
    Partner(23, "Hidde Zijlstra", city="Leeuwarden"),
    Partner(24, "Youssef El Idrissi", city="Rotterdam"),
    Partner(25, "Karin de Ruiter", city="Gouda"),
    Partner(26, "Wilma de Ruiter", city="Gouda"),
    Partner(27, "Dirk de Ruiter", city="Delft"),
    Partner(28, "David de Ruiter", city="Delft"),
    Partner(29, "Jan de Ruiter", city="Delft"),
    Partner(30, "Patrick O'Neill", city="Amsterdam"),
]


def run_on(partners, **profile):
    profile.setdefault("id", "p")
    profile.setdefault("platform", "x")
    return match(Profile(**profile), PartnerIndex(partners))


def ids(result, top=3):
    return [c.partner_id for c in result.candidates[:top]]


@pytest.mark.parametrize(
    "profile, partner_id",
    [
        # a first name shown alone, the surname (and initial) in the handle
        ({"display_name": "Marloes", "handle": "mverbeek"}, 21),
        ({"display_name": "Marloes 🌷", "handle": "verbeek_nl"}, 21),
        ({"display_name": "Youssef", "handle": "elidrissi_y"}, 24),
        ({"display_name": "Patrick", "handle": "oneill_p"}, 30),
        # the handle or a glued display name spells first and last name
        ({"display_name": "Hidde", "handle": "hiddezijlstra"}, 23),
        ({"display_name": "HiddeZijlstra", "handle": "hz_1990"}, 23),
        # the display name has the surname (and initial), the handle the first name
        ({"display_name": "de Ruiter", "handle": "wilma_77"}, 26),
        ({"display_name": "D. de Ruiter", "handle": "dirk_81"}, 27),
        # a first name with the surname's initial ("Karin R."), the surname in the handle
        ({"display_name": "Karin R.", "handle": "kderuiter"}, 25),
        # an e-mail address that is not on file spells the name
        ({"handle": "hz_1990", "texts": ["mail me: h.zijlstra@gmail.com"]}, 23),
    ],
)
def test_name_spread_over_display_name_handle_and_email_suggests(profile, partner_id):
    result = run_on(VERBEEK, **profile)
    assert (result.decision, result.partner_id) == ("suggest", partner_id), result.candidates


def test_the_first_name_shown_rules_out_namesakes():
    result = run_on(VERBEEK, display_name="Marloes", handle="mverbeek")
    assert 22 not in ids(result, 5), "Mirjam is not Marloes"
    result = run_on(VERBEEK, display_name="D. de Ruiter", handle="dirk_81")
    assert 28 not in ids(result, 5), "the handle says Dirk, not David"
    assert "first name from the handle" in result.candidates[0].reasons[0]


def test_a_surname_initial_shown_rules_out_other_surnames():
    partners = [Partner(1, "Karin de Ruiter"), Partner(2, "Karin Brinkman")]
    result = run_on(partners, display_name="Karin B.", handle="karin_b")
    assert ids(result, 5) == []


def test_the_formal_first_name_in_the_handle_fits_an_initial():
    partners = [Partner(1, "R. Hofman")]
    shown = run_on(partners, display_name="Bob Hofman", handle="bob_75")
    spelled = run_on(partners, display_name="Bob Hofman", handle="robert_75")
    assert spelled.candidates[0].score > shown.candidates[0].score
    assert "first name from the handle" in spelled.candidates[0].reasons[0]


def test_a_first_name_in_the_handle_that_contradicts_is_no_match():
    result = run_on(VERBEEK, display_name="J. de Ruiter", handle="pietderuiter")
    assert 29 not in ids(result, 5), "@pietderuiter is not Jan de Ruiter"


def test_a_word_shown_alone_that_is_no_first_name_adds_nothing():
    result = run_on(VERBEEK, display_name="Tulpen", handle="verbeek")
    assert result.decision == "none", "a surname shared by two contacts is not enough"
    assert set(ids(result)) == {21, 22}


def test_a_handle_that_spells_the_display_name_is_not_read_for_other_surnames():
    partners = [Partner(1, "Geert ter Horst"), Partner(2, "Geert van der Zandhorst")]
    result = run_on(partners, display_name="Geert van der Zandhorst", handle="geertvanderzandhorst")
    assert ids(result, 5) == [2]


def test_email_local_part_and_glued_display_name_are_lookup_keys():
    evidence = extract(Profile(id="p", handle="x1", texts=["h.zijlstra@gmail.com"]))
    assert "zijlstra" in lookup_keys(evidence)
    assert "zijlstra" in lookup_keys(extract(Profile(id="p", display_name="HiddeZijlstra")))


# -- namesakes and places ----------------------------------------------------------
def test_a_contact_known_by_an_initial_only_is_only_perhaps_that_first_name():
    exact = Partner(1, "Marloes Brinkman")
    initials = [Partner(2, "M. Brinkman"), Partner(3, "M. Brinkman")]
    result = run_on([exact, *initials], display_name="Marloes Brinkman", handle="mb")
    assert result.decision == "suggest" and ids(result) == [1, 2, 3]
    assert result.candidates[0].score > result.candidates[1].score
    alone = run_on(initials[:1], display_name="Marloes Brinkman", handle="mb")
    others = [Partner(4, "Maarten Brinkman"), Partner(5, "Mirjam Brinkman")]
    crowded = run_on([*initials[:1], *others], display_name="Marloes Brinkman", handle="mb")
    assert crowded.candidates[0].partner_id == 2
    assert crowded.candidates[0].score < alone.candidates[0].score, "M. could be Maarten or Mirjam"
    assert "the initial is one of 3 first names" in crowded.candidates[0].reasons[0]


def test_namesakes_weaken_and_a_city_in_the_location_picks_one():
    namesakes = [
        Partner(1, "Hidde Zijlstra", city="Leeuwarden"),
        Partner(2, "Hidde Zijlstra", city="Sneek"),
        Partner(3, "Hidde Zijlstra", city="'s-Gravenhage"),
        Partner(4, "Hidde Zijlstra", city="Ede"),
    ]
    alone = run_on(namesakes, display_name="Hidde Zijlstra", handle="hz")
    assert alone.decision == "none", "four namesakes: no suggestion"
    for location, pid in (("Sneek, Friesland", 2), ("Den Haag", 3), ("Ede (Gld)", 4)):
        result = run_on(namesakes, display_name="Hidde Zijlstra", handle="hz", location=location)
        assert (result.decision, result.partner_id) == ("suggest", pid), location
        assert result.candidates[0].score > 1.5 * result.candidates[1].score
    # "Ede" is a word, not a part of "Nederland"
    nowhere = run_on(namesakes, display_name="Hidde Zijlstra", handle="hz", location="Nederland")
    assert nowhere.decision == "none"


def test_a_contact_living_elsewhere_than_the_location_says_weighs_less():
    # Assen is a place: a contact named Brinkman lives there
    partners = [
        Partner(1, "Wilma Brinkman", city="Zwolle"),
        Partner(2, "Karin Brinkman", city="Assen"),
    ]
    here = run_on(partners, display_name="Wilma Brinkman", handle="wb")
    there = run_on(partners, display_name="Wilma Brinkman", handle="wb", location="Assen")
    assert here.decision == there.decision == "suggest"
    assert there.candidates[0].score < here.candidates[0].score
    assert "lives in Zwolle, not where the profile says" in there.candidates[0].reasons[0]


def test_a_nickname_ranks_below_the_same_first_name():
    partners = [Partner(1, "Hans Brinkman"), Partner(2, "Johannes Brinkman")]
    assert ids(run_on(partners, display_name="Johannes Brinkman", handle="jb")) == [2, 1]


def test_the_same_particles_rank_first():
    partners = [Partner(1, "R. Rijn"), Partner(2, "R. van Rijn")]
    assert ids(run_on(partners, display_name="R. van Rijn", handle="rr")) == [2, 1]


def test_name_evidence_never_links():
    for profile in (
        {"display_name": "Hidde Zijlstra", "handle": "hiddezijlstra", "location": "Leeuwarden"},
        {"display_name": "Hidde", "handle": "hz", "texts": ["h.zijlstra@gmail.com"]},
    ):
        assert run_on(VERBEEK, **profile).decision == "suggest"


def test_in_memory_name_candidates_are_the_sql_lookup():
    """PartnerIndex finds exactly the partners whose stored keys (partner_keys,
    the res.partner columns matching_sql looks up) are among lookup_keys."""
    partners = [*PARTNERS, *VERBEEK, Partner(40, "Ayşe Yıldız"), Partner(41, "T. Hofman")]
    index = PartnerIndex(partners)
    profiles = [
        Profile(id="a", handle="mverbeek", display_name="Marloes"),
        Profile(id="b", handle="elidrissi_y"),
        Profile(id="c", display_name="HiddeZijlstra", texts=["h.zijlstra@gmail.com"]),
        Profile(id="d", display_name="Ayse Yildiz 🌷 | Rotterdam"),
        Profile(id="e", handle="thofman", display_name="de Ruiter"),
    ]
    for profile in profiles:
        evidence = extract(profile)
        keys = set(lookup_keys(evidence))
        stored = {p.id for p in partners if set(partner_keys(p.name, p.is_company)) & keys}
        assert index.name_candidates(evidence) == stored, profile.id
        assert stored, profile.id


# -- recycled handles and impersonation (issue 11, item 7) -------------------
def test_a_recycled_handle_only_suggests():
    """Contact linked to X user 111 as @bob; user 222, now called @bob, posts."""
    index = PartnerIndex(
        [Partner(1, "Bob Jansen", social=[{"platform": "x", "handle": "bob", "user_id": "111"}])]
    )
    same = match(Profile(id="p", platform="x", user_id="111", handle="bob_new"), index)
    assert (same.decision, same.partner_id) == ("link", 1)
    other = match(Profile(id="p", platform="x", user_id="222", handle="@Bob"), index)
    assert other.decision == "suggest"
    [candidate] = other.candidates
    assert candidate.partner_id == 1
    assert candidate.score < 0.9
    assert any("handle @bob now used by another account" in r for r in candidate.reasons)


def test_a_typed_handle_does_not_link_once_another_user_id_is_known_for_it():
    index = PartnerIndex(
        [
            Partner(1, "Bob Jansen", social=[{"platform": "x", "handle": "bob", "user_id": "111"}]),
            Partner(2, "Robert Smit", social=[{"platform": "x", "handle": "bob"}]),
        ]
    )
    result = match(Profile(id="p", platform="x", user_id="222", handle="bob"), index)
    assert result.decision == "suggest"
    assert {c.partner_id for c in result.candidates} == {1, 2}
    for candidate in result.candidates:
        assert "now used by another account" in " ".join(candidate.reasons)


IMPERSONATED = PartnerIndex(
    [Partner(1, "Jan de Vries", email="jan.devries@example.org", ref="A-1234", phone="0612345678")]
)


@pytest.mark.parametrize(
    ("bio", "kind"),
    [
        ("Contact: jan.devries@example.org", "e-mail address"),
        ("customer number A-1234", "customer number"),
        ("bel 06 12345678", "phone number"),
    ],
)
def test_a_customers_identifier_in_a_public_bio_under_another_name_is_a_warning(bio, kind):
    profile = Profile(
        id="p", platform="x", user_id="9", handle="eve", display_name="Eve Mallory", bio=bio
    )
    result = match(profile, IMPERSONATED)
    [candidate] = result.candidates
    assert candidate.score <= 0.3
    assert f"a customer's {kind} in a public bio under another name" in candidate.reasons[0]
    assert result.decision != "link"


def test_the_same_identifier_typed_to_us_keeps_its_weight():
    texts = ["Hi, my mail is jan.devries@example.org"]
    profile = Profile(
        id="p", platform="x", user_id="9", handle="eve", display_name="Eve Mallory", texts=texts
    )
    [candidate] = match(profile, IMPERSONATED).candidates
    assert candidate.score >= 0.9
    assert candidate.reasons[0] == "e-mail jan.devries@example.org typed by the poster"
    assert "public bio" not in " ".join(candidate.reasons)
    # also in the bio: typed to us counts
    both = dataclasses.replace(profile, bio="jan.devries@example.org")
    assert match(both, IMPERSONATED).candidates[0].score >= 0.9


@pytest.mark.parametrize("display_name", ["Jan de Vries", "J. de Vries", "Jan", "", "devries"])
def test_an_identifier_in_the_bio_under_the_right_name_or_none_keeps_its_weight(display_name):
    profile = Profile(
        id="p",
        platform="x",
        user_id="9",
        handle="jdv",
        display_name=display_name,
        bio="jan.devries@example.org",
    )
    [candidate] = match(profile, IMPERSONATED).candidates
    assert candidate.score >= 0.9
    assert "public bio" not in " ".join(candidate.reasons)

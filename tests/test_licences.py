"""The licence table and the campaign's decision by a photo's licence."""

import pytest

from social_crm import licences
from social_crm.licences import FLICKR_LICENCES, attribution, decide

GRANTED_WITH_CROPS = {"4", "5", "9", "10", "11", "12"}
GRANTED_UNCROPPED_ONLY = {"6", "13"}  # ND: shown as it is, never cropped


def test_table_covers_flickrs_ids_0_to_16():
    assert sorted(FLICKR_LICENCES, key=int) == [str(i) for i in range(17)]


@pytest.mark.parametrize("licence_id", [str(i) for i in range(17)])
def test_decision_for_each_licence(licence_id):
    cropped, uncropped = decide(licence_id, crops=True), decide(licence_id, crops=False)
    assert cropped.granted == (licence_id in GRANTED_WITH_CROPS)
    assert uncropped.granted == (licence_id in GRANTED_WITH_CROPS | GRANTED_UNCROPPED_ONLY)
    if not cropped.granted:
        assert cropped.reason and cropped.licence.id == licence_id


def test_nc_forbids_campaign_use():
    for licence_id in ("1", "2", "3", "14", "15", "16"):
        decision = decide(licence_id, crops=False)
        assert not decision.granted and decision.reason == licences.REASON_NC


def test_nd_forbids_crops_only():
    assert decide("13", crops=True).reason == licences.REASON_ND
    assert decide("13", crops=False).granted


def test_no_known_restrictions_and_us_government_are_not_licences():
    for licence_id in ("7", "8"):
        decision = decide(licence_id, crops=False)
        assert not decision.granted and decision.reason == licences.REASON_NOT_LICENCE
        assert not decision.licence.is_licence


def test_all_rights_reserved_needs_the_authors_yes():
    decision = decide("0", crops=False)
    assert decision.action == "ask" and decision.reason == licences.REASON_RESERVED


@pytest.mark.parametrize("value", ["", None, "99", "cc-by", " 4x"])
def test_unknown_licence_is_asked(value):
    decision = decide(value)
    assert decision.action == "ask" and decision.reason == licences.REASON_UNKNOWN


def test_other_platforms_have_no_licence_table():
    assert decide("4", platform="mastodon").action == "ask"


def test_reason_templates_take_the_licence_name():
    decision = decide("2")
    assert (decision.reason % {"licence": decision.licence.name}).startswith("CC BY-NC 2.0 ")


def test_attribution_names_title_author_source_and_licence():
    credit = attribution(FLICKR_LICENCES["12"], "Tulpen  bij\nLisse", "Kees K.", "https://x/1/")
    assert credit == (
        '"Tulpen bij Lisse" by Kees K. (https://x/1/), CC BY-SA 4.0 '
        "(https://creativecommons.org/licenses/by-sa/4.0/)"
    )
    assert attribution(FLICKR_LICENCES["9"]).startswith("Photo, Public Domain Dedication (CC0)")


def test_flags_follow_the_licence_codes():
    by_nc_sa = FLICKR_LICENCES["15"]
    assert (by_nc_sa.commercial, by_nc_sa.derivatives, by_nc_sa.share_alike) == (
        False,
        True,
        True,
    )
    assert not FLICKR_LICENCES["9"].attribution and FLICKR_LICENCES["4"].attribution

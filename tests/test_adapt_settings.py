"""The adaptation's settings (social_crm.adapt.SETTINGS, chosen by
``bench/adapt.py --tune`` inside the complaint set's dev split) and the
cheaper reading of a post. The posts are self-written for this test."""

import json

import pytest

from social_crm import adapt
from social_crm import classify as C

CORRECTIONS = [
    {"text": "The parcel locker code never arrived, third time this month", "intent": "complaint"},
    {"text": "Locker code did not arrive again, parcel stuck in the locker", "intent": "complaint"},
    {"text": "Still no locker code for my parcel, this is getting silly", "intent": "complaint"},
    {"text": "Can I change the delivery address of my parcel?", "intent": "question"},
]


@pytest.mark.parametrize(
    "word", ["a", "ab", "abc", "-ab", "-abc", "-", "klantenservice", "😀", "-niet", "bezorging"]
)
def test_feature_count_is_the_number_of_hashed_features(word):
    assert adapt.feature_count(word) == len(C.word_features(word))


def test_unknown_setting_is_refused():
    with pytest.raises(TypeError):
        adapt.fit(CORRECTIONS, prio=1.0)


def test_settings_travel_with_the_adaptation():
    fitted = adapt.fit(CORRECTIONS, prior=1.5, near=0.7)
    again = adapt.Adaptation.from_json(fitted.to_json())
    assert (again.prior, again.near) == (1.5, 0.7)
    text = "My locker code never arrived for the parcel"
    assert C.classify(text, adaptation=again) == C.classify(text, adaptation=fitted)


def test_an_adaptation_stored_before_the_settings_still_loads():
    data = json.loads(adapt.fit(CORRECTIONS).to_json())
    del data["near"]
    data["prior"] = 2.0
    old = adapt.Adaptation.from_dict(data)
    assert (old.prior, old.near) == (2.0, adapt.NEAR_DUPLICATE)
    assert old.layers == data["layers"]


def test_default_settings_are_the_module_constants():
    assert adapt.SETTINGS["prior"] == adapt.PRIOR
    assert adapt.SETTINGS["near"] == adapt.NEAR_DUPLICATE
    assert adapt.SETTINGS["dense_l2"] == adapt.DENSE_L2

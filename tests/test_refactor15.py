"""Issue 15, smaller models (mechanical part): one platform list next to the
connectors, one ``Profile`` type, one token guard."""

import ast
from pathlib import Path

from _source import class_methods

from social_crm import matching, profile
from social_crm.connectors import CONNECTORS, Profile, base
from social_crm.connectors.platforms import PLATFORMS, WEBHOOK_PLATFORMS, platform_label
from social_crm.matching import Partner, PartnerIndex, match

ADDON = Path(__file__).resolve().parent.parent / "social_crm"


def _assigned_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield target.id


def test_platforms_is_defined_once_next_to_the_connectors():
    owners = [
        path.relative_to(ADDON).as_posix()
        for path in ADDON.rglob("*.py")
        if "PLATFORMS" in set(_assigned_names(path))
    ]
    assert owners == ["connectors/platforms.py"]


def test_every_connector_has_a_platform_label():
    codes = [code for code, _label in PLATFORMS]
    assert len(codes) == len(set(codes))
    assert set(CONNECTORS) <= set(codes)
    assert set(WEBHOOK_PLATFORMS) <= set(codes)
    assert dict(PLATFORMS)["x"] == "X (Twitter)"


def test_platform_labels_are_marked_for_translation():
    source = (ADDON / "connectors" / "platforms.py").read_text(encoding="utf-8")
    for _code, label in PLATFORMS:
        assert f'_lt("{label}")' in source


def test_one_way_to_name_a_platform():
    assert platform_label("x") == "X (Twitter)"
    assert platform_label("google") == "Google Business Profile"
    assert platform_label("unknown") == "unknown"
    assert platform_label(False) == platform_label(None) == ""
    repeats = [
        path.relative_to(ADDON).as_posix()
        for path in ADDON.rglob("*.py")
        if "dict(PLATFORMS)" in path.read_text(encoding="utf-8") and path.name != "platforms.py"
    ]
    assert repeats == []


# ---------------------------------------------------------------------------
# One Profile type
# ---------------------------------------------------------------------------
def test_one_profile_type_for_connectors_and_matching():
    assert matching.Profile is Profile is base.Profile is profile.Profile
    classes = [
        path.relative_to(ADDON).as_posix()
        for path in ADDON.rglob("*.py")
        if "\nclass Profile" in path.read_text(encoding="utf-8")
    ]
    assert classes == ["profile.py"]


def test_a_connector_profile_goes_to_the_matcher_as_it_is():
    """What a connector returns is what match() takes: no conversion."""
    index = PartnerIndex(
        [Partner(7, "Zoë van der Berg", social=[{"platform": "x", "user_id": "777"}])]
    )
    seen = Profile("777", handle="zoevdb", display_name="Zoë", platform="x", id=42)
    result = match(seen, index)
    assert (result.id, result.decision, result.partner_id) == ("42", "link", 7)


def test_the_matchers_json_input_keeps_its_url_key():
    row = {"id": 5, "handle": "bakker_j", "url": "bakkerijjansen.nl", "bio": None, "label": 3}
    profile = Profile.from_dict(row)
    assert (profile.id, profile.profile_url, profile.bio) == ("5", "bakkerijjansen.nl", "")
    assert Profile("1") == Profile(user_id="1")


# ---------------------------------------------------------------------------
# Smaller identity model: advocacy in its own file
# ---------------------------------------------------------------------------


def test_advocacy_methods_live_beside_the_identity_model_not_in_it():
    advocacy_methods = {
        "_advocacy_activities",
        "_refresh_advocacy",
        "_advocacy_due_domain",
        "_cron_advocacy",
        "action_refresh_advocacy",
    }
    models_dir = ADDON / "models"
    assert not advocacy_methods & class_methods(models_dir / "social_crm_identity.py")
    assert advocacy_methods <= class_methods(models_dir / "social_crm_identity_advocacy.py")

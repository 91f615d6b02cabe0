"""Issue 15, smaller models (mechanical part): one platform list next to the
connectors, one ``Profile`` type, one token guard."""

import ast
from pathlib import Path

from social_crm.connectors import CONNECTORS
from social_crm.connectors.platforms import PLATFORMS, WEBHOOK_PLATFORMS

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

"""The app page (issue 14, 5): its images are there, are PNGs and stay small."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTION = ROOT / "social_crm" / "static" / "description"
PNG = b"\x89PNG\r\n\x1a\n"


def test_app_page_and_readme_show_real_images():
    page = (DESCRIPTION / "index.html").read_text()
    shown = set(re.findall(r'src="([^"]+)"', page))
    assert {"screenshot_inbox.png", "screenshot_customer_card.png"} <= shown
    assert {"screenshot_consent.png", "screenshot_reports.png"} <= shown
    readme = (ROOT / "README.md").read_text()
    for name in shown:
        image = DESCRIPTION / name
        assert image.read_bytes()[:8] == PNG, name
        assert image.stat().st_size < 300 * 1024, f"{name} is over 300 KB"
        assert f"social_crm/static/description/{name}" in readme, f"README lacks {name}"
    assert "## Connect your accounts" in readme


def test_icon():
    icon = (DESCRIPTION / "icon.png").read_bytes()
    assert icon[:8] == PNG
    width, height = int.from_bytes(icon[16:20], "big"), int.from_bytes(icon[20:24], "big")
    assert width == height >= 128

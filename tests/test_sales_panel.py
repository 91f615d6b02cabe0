"""The sales staff's social panel (social_crm.sales_panel), without a database:
what came from a platform is escaped or plain text, never markup."""

from social_crm import sales_panel

HEADERS = ("Platform", "Handle", "Profile")


def test_identities_table_escapes_what_the_platform_sent():
    html = sales_panel.identities_html(
        [("X", "@<img src=x onerror=alert(1)>", "https://x.com/fan")], HEADERS
    )
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<a href="https://x.com/fan" target="_blank" rel="noopener noreferrer">' in html
    assert "<th>Platform</th>" in html


def test_only_https_profile_links_are_links():
    for url in (
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://plain.example/fan",
        'https://x.com/a" onmouseover="alert(1)',
        "",
        None,
    ):
        assert sales_panel.profile_link(url) == "", url
    html = sales_panel.identities_html([("X", "@fan", "javascript:alert(1)")], HEADERS)
    assert "javascript" not in html and "href" not in html


def test_no_identities_no_table():
    assert sales_panel.identities_html([], HEADERS) == ""


def test_handles_get_one_at_sign():
    assert sales_panel.handle_label("yesican") == "@yesican"
    assert sales_panel.handle_label("@yesican") == "@yesican"
    assert sales_panel.handle_label("") == ""


def test_posts_are_plain_text_one_paragraph_each_and_cut():
    text = sales_panel.posts_text(
        [("Today, @fan on X", "Do you deliver\n<b>sofas</b>?"), ("Yesterday", "x" * 400)]
    )
    first, second = text.split("\n\n")
    assert first == "Today, @fan on X\nDo you deliver <b>sofas</b>?"
    assert not hasattr(text, "__html__")  # a str, never Markup
    body = second.split("\n", 1)[1]
    assert len(body) == sales_panel.POST_LIMIT and body.endswith("…")

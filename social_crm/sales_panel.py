"""The read-only social panel shown to sales staff on contacts and leads.

Plain Python (no Odoo): the models gather the rows, this module lays them
out. Everything that came from a platform (handles, profile links, post
text) is escaped here or returned as plain text: nothing from a post is
ever trusted as markup.
"""

import re

from markupsafe import Markup

#: how many characters of a post the panel quotes
POST_LIMIT = 280


def identities_html(rows, headers):
    """A small table of social identities.

    :param rows: ``(platform, handle, url)`` per identity (plain strings)
    :param headers: the three column titles (already translated)
    :return: ``Markup``, every value escaped; an empty string without rows
    """
    if not rows:
        return ""
    head = Markup("").join(Markup("<th>{}</th>").format(title) for title in headers)
    body = Markup("").join(
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            platform or "", handle_label(handle), profile_link(url)
        )
        for platform, handle, url in rows
    )
    return Markup(
        '<table class="table table-sm o_social_crm_sales_identities">'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table>"
    ).format(head, body)


def handle_label(handle):
    """``@handle``, whether or not it was stored with its ``@``."""
    handle = (handle or "").strip().lstrip("@")
    return f"@{handle}" if handle else ""


def profile_link(url):
    """A link to a public profile: https addresses only (a platform's
    profile URL is not ours to trust: no ``javascript:`` or ``data:``)."""
    url = (url or "").strip()
    if not url.lower().startswith("https://") or any(c in url for c in "\"'<> \n\t"):
        return ""
    return Markup('<a href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>').format(url)


def quote(text, limit=POST_LIMIT):
    """A post as one line of plain text, cut at ``limit`` characters."""
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def posts_text(posts):
    """The recent posts as plain text, one paragraph each.

    :param posts: ``(heading, text)`` per post, newest first
    """
    return "\n\n".join(f"{heading}\n{quote(text)}" for heading, text in posts)

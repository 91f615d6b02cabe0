"""The platforms social_crm speaks to: one list, next to their connectors.

Plain Python, no Odoo import. ``PLATFORMS`` is the selection every model's
``platform`` field uses (code, label); a new connector adds its line here.
``_lt`` only marks the labels for the translation template, as in
:mod:`.messages`: the fields' selection labels are translated by Odoo.
"""

from .messages import _lt

PLATFORMS = [
    ("x", _lt("X (Twitter)")),
    ("facebook", _lt("Facebook")),
    ("instagram", _lt("Instagram")),
    ("mastodon", _lt("Mastodon")),
    ("bluesky", _lt("Bluesky")),
    ("flickr", _lt("Flickr")),
    ("demo", _lt("Demo")),
    ("google", _lt("Google Business Profile")),
    ("trustpilot", _lt("Trustpilot")),
]

#: platforms that deliver posts by webhook (Meta), not by polling
WEBHOOK_PLATFORMS = ("facebook", "instagram")

_LABELS = dict(PLATFORMS)


def platform_label(code):
    """The English label of the platform ``code`` ("X (Twitter)"), else the
    code itself (or "" for none)."""
    return _LABELS.get(code, code or "")

"""Shared pieces of the Connect buttons (not a model): see
``social_crm_account_oauth`` for the flows."""

import hashlib

from odoo.exceptions import UserError
from odoo.http import request

CALLBACK_PATH = "/social_crm/oauth/callback"
#: the flow that writes tokens got from a platform into an account
OAUTH_FLOW = "social_crm_oauth_flow"
OAUTH_PLATFORMS = ("x", "mastodon", "facebook", "instagram")
PARAM = "social_crm.oauth_"


def _hash(value):
    return hashlib.sha256((value or "").encode()).hexdigest()


def _session_id():
    """The browser session's id, when the call comes from one."""
    try:
        return request.session.sid if request else ""
    except RuntimeError:
        return ""


class OAuthRefused(UserError):
    """A callback we refuse (unknown, replayed, other session, expired)."""

"""Privacy of planned posts (issue 17): a thank-you to an advocate names
them. The export lists the posts about a person; erasure deletes the ones
not published and blanks the person's handle in the published ones (the
platform's copy is the account's to delete there)."""

import re

from odoo import models
from odoo.tools import escape_psql

from ._helpers import ERASED


class SocialCrmIdentityPostPrivacy(models.Model):
    _inherit = "social_crm.identity"

    def _social_crm_planned_posts(self, companies=None):
        """The planned posts about this identity: thanking it, or naming its
        handle."""
        self.ensure_one()
        Post = self.env["social_crm.post"].sudo()
        domain = [("identity_id", "=", self.id)]
        if self.handle:
            mention = f"@{escape_psql(self.handle)}"
            domain = ["|", "|", *domain, ("text", "ilike", mention)]
            domain.append(("line_ids.text", "ilike", mention))
        posts = Post.search(domain, order="id")
        return self._in_scope(posts, companies)

    def _personal_data(self, companies=None):
        data = super()._personal_data(companies)
        for identity, profile in zip(self.sudo(), data, strict=True):
            profile["planned_posts"] = [
                {
                    "date": post.date and post.date.isoformat(sep=" "),
                    "text": post.text,
                    "state": post.state,
                    "accounts": post.account_ids.mapped("name"),
                }
                for post in identity._social_crm_planned_posts(companies)
            ]
        return data

    def _erase_one(self, companies=None):
        posts = self._social_crm_planned_posts(companies)
        published = posts.filtered(
            lambda p: p.line_ids.filtered(lambda line: line.state in ("posting", "posted"))
        )
        (posts - published).unlink()
        if published and self.handle:
            pattern = re.compile(rf"@{re.escape(self.handle)}\b", re.IGNORECASE)
            for post in published.sudo():
                blanked = pattern.sub(f"@{ERASED}", post.text)
                post.with_context(tracking_disable=True).write(
                    {"text": blanked, "identity_id": False}
                )
                for line in post.line_ids:
                    line.text = pattern.sub(f"@{ERASED}", line.text or "")
        else:
            published.sudo().write({"identity_id": False})
        return super()._erase_one(companies)

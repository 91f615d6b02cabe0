"""Open the post composer prefilled: a photo campaign's announcement and a
thank-you to an advocate (issue 17, "Publish and schedule")."""

from odoo import models


def _composer(env, text, accounts, **defaults):
    context = {"default_text": text, "default_account_ids": accounts.ids}
    context.update({f"default_{name}": value for name, value in defaults.items()})
    return {
        "type": "ir.actions.act_window",
        "name": env._("Plan a post"),
        "res_model": "social_crm.post",
        "view_mode": "form",
        "target": "current",
        "context": context,
    }


class SocialCrmContentCampaignPublish(models.Model):
    _inherit = "social_crm.content.campaign"

    def action_social_crm_compose_post(self):
        """The composer with the campaign announced on its accounts."""
        self.ensure_one()
        self.check_access("read")
        tag = "#" + (self.hashtag or "").lstrip("#")
        text = self.env._(
            "Share your photo with %(tag)s and it may feature in our gallery! The terms: %(terms)s",
            tag=tag,
            terms=self.terms_url or "",
        )
        accounts = self.account_ids or self.env["social_crm.account"].search(
            [("company_id", "=", self.company_id.id), ("platform", "!=", "instagram")]
        )
        return _composer(self.env, text, accounts, campaign_id=self.id)


class SocialCrmIdentityPublish(models.Model):
    _inherit = "social_crm.identity"

    def action_social_crm_thank_in_public(self):
        """The composer with a public thank-you to this advocate, on the
        company's accounts of the advocate's platform."""
        self.ensure_one()
        self.check_access("read")
        handle = (self.handle or "").lstrip("@")
        who = f"@{handle}" if handle else (self.profile_name or self.display_name)
        text = self.env._(
            "Our advocate of the month is %(who)s: thank you for sharing your love for our store!",
            who=who,
        )
        accounts = self.env["social_crm.account"].search(
            [("company_id", "=", self.env.company.id), ("platform", "=", self.platform)]
        )
        return _composer(self.env, text, accounts, identity_id=self.id)

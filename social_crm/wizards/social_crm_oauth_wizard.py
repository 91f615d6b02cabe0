from odoo import api, fields, models
from odoo.exceptions import UserError

from ..connectors import ConnectorError, oauth
from ..models._helpers import error_text


class SocialCrmOauthPageWizard(models.TransientModel):
    """Pick the Facebook Page (or its Instagram account) to connect, among
    those the person manages. The page tokens stay on the server, in the
    pending authorization (admin-only); the lines show names and ids only."""

    _name = "social_crm.oauth.page.wizard"
    _description = "Pick the page to connect"

    account_id = fields.Many2one("social_crm.account", required=True, readonly=True)
    platform = fields.Selection(related="account_id.platform")
    pending_id = fields.Many2one(
        "social_crm.oauth.pending", required=True, readonly=True, ondelete="cascade"
    )
    line_ids = fields.One2many("social_crm.oauth.page.wizard.line", "wizard_id", readonly=True)
    line_id = fields.Many2one(
        "social_crm.oauth.page.wizard.line", "Page", domain="[('wizard_id', '=', id)]"
    )

    @api.model
    def _for_pending(self, pending):
        lines = [
            fields.Command.create(
                {
                    "page_id": page["page_id"],
                    "name": page["name"],
                    "instagram_id": page["instagram_id"],
                    "instagram_username": page["instagram_username"],
                }
            )
            for page in pending.pages or []
            if pending.platform != "instagram" or page["instagram_id"]
        ]
        return self.create(
            {"account_id": pending.account_id.id, "pending_id": pending.id, "line_ids": lines}
        )

    def action_connect_page(self):
        """Store the chosen page's token, subscribe the app to its webhook
        fields, and test the connection."""
        self.ensure_one()
        account = self.account_id
        account.check_access("write")
        pending = self.pending_id.sudo()
        if not self.line_id or not pending.exists() or pending.account_id != account:
            raise UserError(self.env._("Pick a page, or press Connect on the account again."))
        page = next(p for p in pending.pages if p["page_id"] == self.line_id.page_id)
        app_secret = account._oauth_param("meta_app_secret")
        try:
            oauth.meta_subscribe(
                account._connector_session(), app_secret, page["page_id"], page["access_token"]
            )
        except ConnectorError as error:
            raise UserError(
                self.env._(
                    "Meta did not subscribe the page to its updates: %s",
                    error_text(self.env, error),
                )
            ) from None
        instagram = account.platform == "instagram"
        account._oauth_store(
            {
                "meta_page_access_token": page["access_token"],
                "meta_app_secret": app_secret,
                "external_user_id": page["instagram_id"] if instagram else page["page_id"],
                "handle": page["instagram_username"] if instagram else account.handle,
            }
        )
        pending.unlink()
        account._oauth_verify()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.account",
            "res_id": account.id,
            "view_mode": "form",
            "target": "main",
        }


class SocialCrmOauthPageWizardLine(models.TransientModel):
    _name = "social_crm.oauth.page.wizard.line"
    _description = "A page the person manages"

    wizard_id = fields.Many2one("social_crm.oauth.page.wizard", required=True, ondelete="cascade")
    page_id = fields.Char(readonly=True)
    name = fields.Char(readonly=True)
    instagram_id = fields.Char("Instagram account id", readonly=True)
    instagram_username = fields.Char("Instagram account", readonly=True)

    @api.depends("name", "instagram_username")
    def _compute_display_name(self):
        for line in self:
            ig = f" (Instagram @{line.instagram_username})" if line.instagram_username else ""
            line.display_name = f"{line.name}{ig}"

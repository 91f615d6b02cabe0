from odoo import api, fields, models

from .. import consent_wording
from ..connectors.platforms import platform_label


class SocialCrmConsentAskWizard(models.TransientModel):
    """ "Ask for consent", previewed: the exact message the poster gets and
    how it goes out, before anything is sent. The personal link shows as
    "[personal link]": it is made (and only readable by administrators) at
    send time. Send goes through the conversation's ``action_ask_consent``."""

    _name = "social_crm.consent.ask.wizard"
    _description = "Preview of a consent request"

    conversation_id = fields.Many2one(
        "social_crm.conversation", required=True, readonly=True, ondelete="cascade"
    )
    identity_id = fields.Many2one(related="conversation_id.identity_id", string="To")
    preview = fields.Text("Message", compute="_compute_preview")
    send_as = fields.Selection(
        [("private", "Private message"), ("reply", "Public reply draft")],
        "Sent as",
        compute="_compute_preview",
    )
    warning = fields.Text(compute="_compute_preview")

    @api.depends("conversation_id")
    def _compute_preview(self):
        for wizard in self:
            conversation = wizard.conversation_id
            target = conversation._reply_target()
            lang = consent_wording.language(target.lang)
            template = self.env.ref(f"social_crm.reply_template_ask_consent_{lang}")
            wizard.preview = template._render_for(
                conversation, consent_link=self.env._("[personal link]")
            )
            private = conversation.account_id._get_connector().supports_private
            wizard.send_as = "private" if private else "reply"
            wizard.warning = (
                False
                if private
                else self.env._(
                    "%(platform)s sends no private messages: the message goes into your reply "
                    "draft, and once you send it, everyone sees the link. Consent is only "
                    "granted once the e-mail address given on the page is confirmed.",
                    platform=platform_label(conversation.account_id.platform),
                )
            )

    def action_send(self):
        """Send, the one way there is: the conversation's own action."""
        self.ensure_one()
        return self.conversation_id.action_ask_consent()

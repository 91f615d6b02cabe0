from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import consent_wording, funnel
from ..models.social_crm_consent import CHANNELS


class SocialCrmConsentWizard(models.TransientModel):
    """An agent records what a person said another way: a withdrawal for any
    purpose ("stop sending me offers" in a DM, on the phone), or a grant to
    reuse their content or enrich their profile, with the post as evidence.
    Consent for commercial messages is granted only by double opt-in."""

    _name = "social_crm.consent.wizard"
    _description = "Record a consent or a withdrawal"

    partner_id = fields.Many2one("res.partner", "Contact")
    identity_id = fields.Many2one("social_crm.identity", "Social identity")
    event = fields.Selection(
        [("withdraw", "Withdrawal"), ("grant", "Consent")], required=True, default="withdraw"
    )
    purpose = fields.Selection(funnel.PURPOSES, required=True, default="commercial")
    channel = fields.Selection(CHANNELS, required=True, default="social")
    message_id = fields.Many2one(
        "social_crm.message",
        "Post or message",
        domain="[('author_identity_id', '=', identity_id)]",
        help="The post in which the person said so.",
    )
    note = fields.Text(help="Who said what, when: this is the evidence.")
    lang = fields.Selection([("en", "English"), ("nl", "Dutch")], default="en", required=True)
    wording = fields.Text("Text they agree to", compute="_compute_wording")

    @api.depends("purpose", "lang")
    def _compute_wording(self):
        for wizard in self:
            _version, text = consent_wording.WORDING[(wizard.purpose, wizard.lang)]
            wizard.wording = text.format(company=self.env.company.name)

    def action_record(self):
        self.ensure_one()
        if not self.partner_id and not self.identity_id:
            raise UserError(self.env._("Choose the contact or the social identity."))
        if self.channel == "web_page":
            raise UserError(self.env._("Consent pages record themselves; choose another channel."))
        version, _text = consent_wording.WORDING[(self.purpose, self.lang)]
        consent = self.env["social_crm.consent"].create(
            {
                "partner_id": self.partner_id.id or self.identity_id.partner_id.id,
                "identity_id": self.identity_id.id,
                "purpose": self.purpose,
                "event": self.event,
                "channel": self.channel,
                "message_id": self.message_id.id,
                "note": self.note,
                "wording_version": version,
                "wording": self.wording,
            }
        )
        record = self.identity_id or self.partner_id
        record.sudo().message_post(
            body=self.env._(
                "%(event)s for %(purpose)s recorded by %(user)s.",
                event=dict(self._fields["event"].selection)[self.event],
                purpose=dict(funnel.PURPOSES)[self.purpose].lower(),
                user=self.env.user.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return consent

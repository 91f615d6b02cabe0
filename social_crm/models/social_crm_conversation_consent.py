"""Asking the poster for consent (a personal opt-in link, privately where
the platform allows it) and creating a lead from a conversation."""

from odoo import fields, models

from ..connectors import ConnectorError


class SocialCrmConversationConsent(models.Model):
    _inherit = "social_crm.conversation"

    identity_consent = fields.Selection(
        related="identity_id.social_crm_consent_commercial", string="Consent for offers"
    )
    consent_request_ids = fields.One2many(
        "social_crm.consent.request", "conversation_id", "Consent requests", readonly=True
    )

    def action_ask_consent_preview(self):
        """ "Ask for consent": first show the message and how it goes out."""
        self.ensure_one()
        wizard = self.env["social_crm.consent.ask.wizard"].create({"conversation_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ask for consent"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_ask_consent(self):
        """Send the poster a personal opt-in link: by private message where
        the platform allows it (the link is personal), else as a reply draft
        for the agent to send, saying so."""
        self.ensure_one()
        self._lock_for_send()
        consent_request = self.env["social_crm.consent.request"]._ask(self)
        template = self.env.ref(f"social_crm.reply_template_ask_consent_{consent_request.lang}")
        text = template._render_for(self, consent_link=consent_request.sudo().url)
        connector = self.account_id._get_connector()
        error = None
        if connector.supports_private:
            target = self._reply_target()
            profile = self.identity_id._as_profile()
            try:
                # the link differs on every run: the key leaves the text out
                sent = self.env["social_crm.outbound"]._send_once(
                    self,
                    "consent",
                    target.external_id,
                    text,
                    lambda key: connector.send_private(
                        text, profile, in_reply_to=target.external_id, idempotency_key=key
                    ),
                    key_text="",
                    reference=consent_request.sudo().token,
                )
            except ConnectorError as exc:
                error = exc
            else:
                if sent.earlier and sent.reference:
                    # an earlier run sent its own link: that one must work
                    consent_request.sudo().token = sent.reference
                self._record_our_post(sent.post, target)
                consent_request.sudo().sent_as = "private"
                sent.done(self.env)
                return self.account_id._notify(
                    self.env._(
                        "The consent link was sent to %(who)s by private message.",
                        who=self.identity_id.name,
                    ),
                    "success",
                )
        self.reply_draft = text
        consent_request.sudo().sent_as = "reply"
        reason = (
            self.env._("Sending it privately failed (%s).", self._error_for_user(error))
            if error
            else self.env._("This platform sends no private messages.")
        )
        return self.account_id._notify(
            reason
            + " "
            + self.env._(
                "The link is in your reply draft: a public reply shows it to everyone, so "
                "consent is only granted once the e-mail address given is confirmed."
            ),
            "warning",
        )

    def action_create_lead(self):
        """Create a lead for the poster (or open their open lead)."""
        self.ensure_one()
        return self._reply_target().action_create_lead()

from odoo import api, fields, models

from .. import funnel


class SocialCrmConsentMixin(models.AbstractModel):
    """Consent status of a person (a contact or a social identity): the
    logged "contactable" flag and the current status per purpose, read from
    the append-only consent events. Both are per company: consent given to
    one company does not make the person contactable for another."""

    _name = "social_crm.consent.mixin"
    _description = "Social CRM consent status"

    social_crm_contactable = fields.Boolean(
        "Contactable for marketing",
        readonly=True,
        copy=False,
        tracking=True,
        company_dependent=True,
        help="Set while consent for commercial messages is granted (double opt-in) to "
        "this company, cleared when it is withdrawn or expires. Every change is logged.",
    )
    social_crm_consent_commercial = fields.Selection(
        funnel.CONSENT_STATUSES, "Commercial messages", compute="_compute_social_crm_consent"
    )
    social_crm_consent_content_reuse = fields.Selection(
        funnel.CONSENT_STATUSES, "Reuse of their content", compute="_compute_social_crm_consent"
    )
    social_crm_consent_profile_enrichment = fields.Selection(
        funnel.CONSENT_STATUSES, "Profile enrichment", compute="_compute_social_crm_consent"
    )

    def _consent_key(self):
        """The keyword of ``social_crm.consent._status`` for these records."""
        raise NotImplementedError

    @api.depends_context("company")
    def _compute_social_crm_consent(self):
        # the status is read as superuser (sales staff see it without access
        # to identities or consent events), for the records the user may read
        stored = self.filtered("id")._filtered_access("read").sudo()
        Consent = self.env["social_crm.consent"]
        for purpose, _label in funnel.PURPOSES:
            status = Consent._status(purpose, **{self._consent_key(): stored}) if stored else {}
            for record in self:
                record[f"social_crm_consent_{purpose}"] = status.get(record, "none")

    def action_social_crm_record_consent(self):
        """Record a consent or a withdrawal the person gave another way."""
        self.ensure_one()
        field = "partner_id" if self._consent_key() == "partners" else "identity_id"
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.action_social_crm_consent_wizard"
        )
        action["context"] = {f"default_{field}": self.id}
        return action

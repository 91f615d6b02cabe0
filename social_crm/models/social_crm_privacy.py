"""Privacy (GDPR/AVG): export, erasure and retention of personal data.

What is erased is found by its link to the erased records, never by its
text: model and res_id, ``mail_message_id``, the post's chatter copy, the
alert's own Discuss message, copies stamped with ``link_key``. Pop-ups in
``bus.bus`` carry no link: Odoo's ``_gc_messages()`` drops them once they
can no longer be delivered.

Export and erasure stay within the companies of the user who runs them.

The work is split by concern: ``social_crm_privacy_export``,
``social_crm_privacy_erasure`` and ``social_crm_privacy_retention``. This
file holds what they share: the company scope and forgetting a lead's
person (erasure and retention both do).
"""

from odoo import fields, models

from ._helpers import ERASED, blank_messages, contains_any, forget_record_names, record_messages
from .crm_lead import SOCIAL_POST_ACTIVITY

#: lead fields that may hold a person's name or words
LEAD_TEXT_FIELDS = ("name", "contact_name", "description")


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_crm_consent_page = fields.Boolean(
        "Created by the consent page",
        readonly=True,
        copy=False,
        help="Created from the e-mail address a poster gave on the consent page: erasing "
        "the poster removes this contact unless an agent linked them.",
    )


class SocialCrmIdentity(models.Model):
    _inherit = "social_crm.identity"

    privacy_export_ids = fields.Many2many(
        "ir.attachment",
        "social_crm_identity_export_rel",
        "identity_id",
        "attachment_id",
        "Personal data exports",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The export files made for this person: erasure deletes them.",
    )

    # ------------------------------------------------------------------
    # Company scope
    # ------------------------------------------------------------------
    def _privacy_companies(self):
        """The companies whose data the current user may export or erase:
        theirs; all of them for the superuser (scheduled actions, shell)."""
        return None if self.env.su else self.env.user.company_ids

    @staticmethod
    def _in_scope(records, companies):
        if companies is None:
            return records
        return records.filtered(lambda r: not r.company_id or r.company_id in companies)

    def _held_elsewhere(self, companies):
        """The other companies that hold data about these identities."""
        if companies is None:
            return self.env["res.company"]
        sudo = self.sudo()
        held = (
            sudo.post_ids.company_id
            | sudo.lead_ids.company_id
            | sudo.consent_ids.company_id
            | sudo.funnel_event_ids.company_id
            | sudo.suggestion_ids.company_id
            | self.env["social_crm.follower"]
            .sudo()
            .with_context(active_test=False)
            .search([("identity_id", "in", self.ids)])
            .company_id
            | self.env["social_crm.consent.request"]
            .sudo()
            .search([("identity_id", "in", self.ids)])
            .company_id
            | self.env["social_crm.content"]
            .sudo()
            .search([("identity_id", "in", self.ids)])
            .company_id
            | self.env["social_crm.conversation"]
            .sudo()
            .search([("identity_id", "in", self.ids)])
            .company_id
            | self.env["social_crm.external.review"]._of_identities(self).company_id
        )
        return held - companies

    def _elsewhere_message(self, elsewhere):
        return self.env._(
            "Data held by %(companies)s is outside your companies and was left alone: "
            "an administrator of those companies must handle it.",
            companies=", ".join(elsewhere.sorted("name").mapped("name")),
        )


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _social_crm_forget(self, needles):
        """Erasure or retention of the lead's social identity: the quote of
        their post goes, and so do their name where the lead holds it, with
        the chatter's copies of those fields (tracking values, record name)."""
        if not self:
            return
        leads = self.sudo()
        leads.write({"description": ERASED})
        leads.filtered(lambda lead: contains_any(lead.contact_name, needles)).contact_name = False
        renamed = leads.filtered(lambda lead: contains_any(lead.name, needles))
        renamed.name = ERASED
        messages = record_messages(leads)
        messages.tracking_value_ids.filtered(lambda t: t.field_id.name in LEAD_TEXT_FIELDS).unlink()
        # the salesperson's to-dos quoted their posts: open ones, and done ones in the chatter
        quoting = self.env.ref(SOCIAL_POST_ACTIVITY, raise_if_not_found=False)
        if quoting:
            leads.activity_ids.filtered(lambda a: a.activity_type_id == quoting).note = ERASED
            blank_messages(messages.filtered(lambda m: m.mail_activity_type_id == quoting))
        forget_record_names(renamed)

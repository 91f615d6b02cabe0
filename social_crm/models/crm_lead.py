from odoo import api, fields, models
from odoo.tools import plaintext2html

from ._helpers import link_key
from .social_crm_account import PLATFORMS
from .social_crm_guard import system

#: the names of Odoo's own UTM sources and mediums, where they exist
UTM_NAMES = {"x": "X"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    social_crm_identity_id = fields.Many2one(
        "social_crm.identity", "Social identity", index="btree_not_null", ondelete="set null"
    )
    social_crm_marketing_ok = fields.Boolean(
        "Contactable for marketing",
        readonly=True,
        tracking=True,
        help="Set when the contact has given consent for commercial messages, and cleared "
        "when it is withdrawn or expires. Without it, follow this lead up only about "
        "what they asked; send no offers.",
    )

    @api.model
    def _social_crm_from_identity(self, identity, message=None):
        """The open lead of this person, else a new one: quoting ``message``,
        with UTM source and medium for the platform, and the stream's
        campaign when it has one."""
        if message:
            identity = identity.with_company(message.company_id)  # that company's link
        partner = identity.partner_id
        existing = (
            self.search(
                [("social_crm_identity_id", "=", identity.id), ("stage_id.is_won", "=", False)],
                limit=1,
            )
            or self._get_lead_duplicates(partner=partner, email=partner.email)[:1]
        )
        quote = plaintext2html(message.text or "") if message else ""
        if existing:
            existing.social_crm_identity_id = existing.social_crm_identity_id or identity
            if quote:
                existing.message_post(
                    body=self.env._("The same person was proposed again, after this post:")
                )
                # a copy of the post, linked to it: erasure finds it
                existing.message_post(body=message.text or "", message_id=link_key(message))
            return existing
        platform = dict(PLATFORMS).get(identity.platform, identity.platform)
        utm_name = UTM_NAMES.get(identity.platform, platform)
        utm = self.env["utm.mixin"]
        who = identity.profile_name or identity.handle or identity.user_id
        vals = {
            "name": self.env._("%(who)s on %(platform)s", who=who, platform=platform),
            "type": "lead",
            "social_crm_identity_id": identity.id,
            "partner_id": partner.id,
            "contact_name": False if partner else who,
            "source_id": utm._find_or_create_record("utm.source", utm_name).id,
            "medium_id": utm._find_or_create_record("utm.medium", utm_name).id,
            "campaign_id": message.stream_id.campaign_id.id if message else False,
            "description": quote,
        }
        if message:
            account = message.account_id
            vals.update(company_id=account.company_id.id, team_id=account.team_id.id)
        lead = self.create(vals)
        lead._social_crm_sync_marketing()
        identity._funnel_advance("lead", "lead", message=message, lead=lead)
        return lead

    def _social_crm_sync_marketing(self):
        """Contactable for marketing follows the consent for commercial
        messages of the lead's contact, else of its social identity, as
        given to the lead's company."""
        companies = self.company_id
        if len(companies) > 1 or (companies and companies != self.env.company):
            for company in companies:
                self.filtered(lambda lead, c=company: lead.company_id == c).with_company(
                    company
                )._social_crm_sync_marketing()
            self.filtered(lambda lead: not lead.company_id)._social_crm_sync_marketing()
            return
        Consent = self.env["social_crm.consent"]
        by_partner = Consent._status("commercial", partners=self.partner_id)
        by_identity = Consent._status("commercial", identities=self.social_crm_identity_id)
        for lead in self:
            person = lead.partner_id or lead.social_crm_identity_id
            status = (by_partner if lead.partner_id else by_identity).get(person)
            ok = status == "granted"
            if lead.social_crm_marketing_ok != ok:
                system(lead).social_crm_marketing_ok = ok

    def _social_crm_open(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.id,
            "views": [(False, "form")],
        }

    def write(self, vals):
        result = super().write(vals)
        if vals.get("stage_id"):
            won = self.filtered(lambda lead: lead.stage_id.is_won and lead.social_crm_identity_id)
            for lead in won:
                lead.social_crm_identity_id._funnel_advance("customer", "won", lead=lead)
            self.env["social_crm.review"]._invite_for_won(
                self.filtered(lambda lead: lead.stage_id.is_won)
            )
        return result

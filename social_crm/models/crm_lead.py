from odoo import api, fields, models
from odoo.tools import plaintext2html

from ..connectors.platforms import platform_label
from ._helpers import link_key, notification
from .social_crm_guard import system

#: the names of Odoo's own UTM sources and mediums, where they exist
UTM_NAMES = {"x": "X"}

#: the salesperson's to-do quoting a post (erasure blanks it)
SOCIAL_POST_ACTIVITY = "social_crm.mail_activity_type_social_post"


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "social_crm.sales.panel.mixin"]

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

    @api.depends("partner_id", "social_crm_identity_id", "company_id")
    def _compute_social_crm_sales_panel(self):
        # read as superuser: only for the leads the acting user may read, and
        # only what the lead's company knows (its own contact links and posts)
        readable = self.filtered("id")._filtered_access("read")
        Identity = self.env["social_crm.identity"].sudo()
        Partner = self.env["res.partner"]
        for lead in self:
            html = text = False
            if lead in readable:
                company = lead.company_id or self.env.company
                identities = lead.social_crm_identity_id.sudo()
                if lead.partner_id:
                    identities |= Identity.with_company(company).search(
                        [("partner_id", "=", lead.partner_id.id)]
                    )
                if identities:
                    html, text = Partner._social_crm_sales_panel(identities, company=company)
            lead.social_crm_sales_identities = html
            lead.social_crm_sales_posts = text

    @api.model
    def _social_crm_from_identity(self, identity, message=None):
        """The open lead of this person, else a new one: quoting ``message``,
        with UTM source and medium for the platform, and the stream's
        campaign when it has one."""
        if message:
            identity = identity.with_company(message.company_id)  # that company's link
        partner = identity.partner_id
        company = message.company_id if message else self.env.company
        # the person's open lead may be a salesperson's whom the acting user
        # cannot see (leads are handed to the contact's salesperson): the
        # user may make leads, so look for it as superuser, in that company
        self.check_access("create")
        Lead = self.sudo().with_company(company)
        in_company = [("company_id", "in", [company.id, False])]
        existing = (
            Lead.search(
                [("social_crm_identity_id", "=", identity.id), ("stage_id.is_won", "=", False)]
                + in_company,
                limit=1,
            )
            or Lead._get_lead_duplicates(partner=partner, email=partner.email).filtered_domain(
                in_company
            )[:1]
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
                existing._social_crm_notify_salesperson(identity, message)
            return existing.with_env(self.env)
        platform = platform_label(identity.platform)
        utm_name = UTM_NAMES.get(identity.platform, platform)
        utm = self.env["utm.mixin"]
        who = identity.profile_name or identity.handle or identity.user_id
        vals = {
            "name": self.env._("%(who)s on %(platform)s", who=who, platform=platform),
            # a company that does not use leads works from the pipeline only
            "type": "lead" if self.env.user.has_group("crm.group_use_lead") else "opportunity",
            "social_crm_identity_id": identity.id,
            "partner_id": partner.id,
            "contact_name": False if partner else who,
            "source_id": utm._find_or_create_record("utm.source", utm_name).id,
            "medium_id": utm._find_or_create_record("utm.medium", utm_name).id,
            "campaign_id": message.stream_id.campaign_id.id if message else False,
            "description": quote,
        }
        if message:
            vals.update(company_id=company.id, team_id=message.account_id.team_id.id)
        assignment = self._social_crm_assignment(partner, company, vals.get("team_id"))
        # made unassigned by the acting user (their own access rules apply) ...
        lead = self.create(dict(vals, user_id=False, team_id=assignment["team_id"]))
        lead._social_crm_sync_marketing()
        identity._funnel_advance("lead", "lead", message=message, lead=lead)
        if assignment["user_id"]:
            # ... then handed to the contact's salesperson, as found on the
            # contact (never a value sent by the client): an agent who may
            # only see their own leads may still hand one to its salesperson
            lead.sudo().write(assignment)
        lead.sudo()._social_crm_notify_salesperson(identity, message)
        return lead

    @api.model
    def _social_crm_assignment(self, partner, company, team_id=False):
        """``{user_id, team_id}`` of a lead from a post: the contact's
        salesperson and their sales team when the contact has one (who works
        in ``company``); else nobody (not the agent who made the lead) and
        ``team_id``, the team of the account that caught the post."""
        salesperson = (partner.user_id or partner.commercial_partner_id.user_id).sudo()
        if salesperson and (salesperson.share or company not in salesperson.company_ids):
            salesperson = salesperson.browse()
        team = salesperson.sale_team_id.filtered(
            lambda t: not t.company_id or t.company_id == company
        )
        return {"user_id": salesperson.id, "team_id": team.id or team_id}

    def _social_crm_notify_salesperson(self, identity, message):
        """A to-do for the lead's salesperson: a customer or prospect
        posted on a platform, quoting the post as plain text."""
        if not message:
            return
        for lead in self.filtered("user_id"):
            platform = platform_label(identity.platform)
            summary = (
                self.env._("A customer posted on %(platform)s", platform=platform)
                if lead.partner_id._social_crm_is_customer()
                else self.env._("A prospect posted on %(platform)s", platform=platform)
            )
            lead.activity_schedule(
                SOCIAL_POST_ACTIVITY
                if self.env.ref(SOCIAL_POST_ACTIVITY, raise_if_not_found=False)
                else "mail.mail_activity_data_todo",
                summary=summary,
                note=plaintext2html(message.text or ""),
                user_id=lead.user_id.id,
            )

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
        if not self.has_access("read"):
            # handed to a salesperson whose leads this user does not see
            lead = self.sudo()
            message = self.env._(
                "The lead “%(lead)s” is in the pipeline of %(user)s.",
                lead=lead.name,
                user=lead.user_id.name,
            )
            return notification(message, "success")
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

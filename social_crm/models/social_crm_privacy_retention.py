"""Privacy: retention. Posts of people we do not know are anonymised once
older than the company's retention period, then what else is kept of
unknown people past it (followers, consent requests, profiles)."""

from datetime import timedelta

from odoo import api, fields, models

from ._helpers import drop_linked_mail

#: the profile of an unknown poster that retention blanks
PROFILE_DETAILS = ("profile_name", "profile_url", "avatar_url", "bio", "location")


class SocialCrmMessagePrivacyRetention(models.Model):
    _inherit = "social_crm.message"

    @api.model
    def _cron_retention(self, batch_size=500):
        """Scheduled action: anonymise incoming posts of unlinked identities
        older than each company's retention period, batch by batch; then
        clear what else is kept of unknown people past that period."""
        now = fields.Datetime.now()
        companies = self.env["res.company"].search([("social_crm_retention_days", ">", 0)])
        if not companies:
            return
        cutoffs = {c: now - timedelta(days=c.social_crm_retention_days) for c in companies}
        domain = self._retention_domain(cutoffs)
        batch = self.search(domain, limit=batch_size, order="posted_at, id")
        authors = batch.author_identity_id
        batch._anonymize()
        batch._forget_conversation_names()
        authors._retention_forget_leads()
        remaining = self.search_count(domain)
        if not remaining:
            self.env["social_crm.identity"]._retention_sweep(cutoffs)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)

    @api.model
    def _retention_domain(self, cutoffs):
        by_company = [
            ["&", ("company_id", "=", company.id), ("posted_at", "<", cutoff)]
            for company, cutoff in cutoffs.items()
        ]
        return [
            ("direction", "=", "in"),
            ("erased", "=", False),
            "|",
            ("author_identity_id", "=", False),
            ("partner_id", "=", False),
            *(["|"] * (len(by_company) - 1)),
            *(term for terms in by_company for term in terms),
        ]


class SocialCrmIdentityPrivacyRetention(models.Model):
    _inherit = "social_crm.identity"

    def _retention_forget_leads(self):
        """Leads of unknown people whose posts retention removed: the quote
        of the post and the name they were given go."""
        unknown = self.sudo().filtered(lambda i: not i.partner_id)
        leads = unknown.lead_ids.filtered(lambda lead: not lead.partner_id)
        for identity in unknown:
            needles = [n for n in (identity.handle, identity.profile_name, identity.user_id) if n]
            leads.filtered(
                lambda lead, i=identity: lead.social_crm_identity_id == i
            )._social_crm_forget(needles)

    @api.model
    def _retention_sweep(self, cutoffs):
        """What else is kept of unknown people past the retention period of
        each company: stopped followers, expired consent requests; then the
        profile, suggestions and lead details of unknown identities that no
        longer have a post or a follower row."""
        Follower = self.env["social_crm.follower"].sudo().with_context(active_test=False)
        Request = self.env["social_crm.consent.request"].sudo()
        for company, cutoff in cutoffs.items():
            Follower.search(
                [
                    ("company_id", "=", company.id),
                    ("active", "=", False),
                    ("partner_id", "=", False),
                    ("unfollowed_at", "<", cutoff),
                ]
            ).unlink()
            expired = Request.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "!=", "confirmed"),
                    ("expires_at", "<", cutoff),
                ]
            )
            drop_linked_mail(expired)
            expired.unlink()
            self.env["social_crm.external.review"]._retention(company, cutoff)
        followed = Follower._search([]).subselect("identity_id")
        identities = self.sudo().search(
            [
                ("partner_id", "=", False),
                ("post_ids", "=", False),
                ("id", "not in", followed),
                "|",
                "|",
                "|",
                "|",
                "|",
                ("bio", "!=", False),
                ("location", "!=", False),
                ("avatar_url", "!=", False),
                ("profile_name", "!=", False),
                ("profile_url", "!=", False),
                ("suggestion_ids", "!=", False),
            ]
        )
        identities._retention_forget_leads()
        suggestions = identities.suggestion_ids
        drop_linked_mail(suggestions)
        suggestions.filtered(lambda s: s.state == "pending").unlink()
        suggestions.exists().write({"reasons": False})
        for identity in identities:
            vals = dict.fromkeys(PROFILE_DETAILS, False)
            vals.update(advocate_reasons=False, followers_count=0, match_state="done")
            if identity.user_id:
                vals["handle"] = False
            identity.write(vals)
        return identities

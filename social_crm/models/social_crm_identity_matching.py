"""Matching an identity to a contact: which identities are due, the
engine run (:mod:`..matching`) with consent taken into account, and what
its result does (link, or suggest up to three candidates)."""

import logging

from odoo import api, models

from .. import matching
from . import social_crm_identity
from .social_crm_identity import Evidence

# the log keeps its source: moved here from social_crm_identity
_logger = logging.getLogger(social_crm_identity.__name__)


class SocialCrmIdentityMatching(models.Model):
    _inherit = "social_crm.identity"

    def _match_again_everywhere(self):
        """The global profile changed: every company matches it again (an
        empty per-company value falls back to "pending", see ir.default)."""
        self.flush_recordset(["match_state"])
        self.env.cr.execute(
            "UPDATE social_crm_identity SET match_state = NULL WHERE id = ANY(%s)", [self.ids]
        )
        self.invalidate_recordset(["match_state"])

    def _trigger_matching(self):
        cron = self.env.ref("social_crm.ir_cron_social_crm_match", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _match_profile(self):
        """The identity, with the text of its latest posts, for the engine."""
        self.ensure_one()
        posts = self.env["social_crm.message"].search(
            [("author_identity_id", "=", self.id), ("direction", "=", "in")],
            order="posted_at desc",
            limit=20,
        )
        profile = self._as_profile()
        profile.texts = posts.mapped("text")
        return profile

    @api.model
    def _match_due_domain(self):
        """Identities seen by ``env.company`` (a post caught by one of its
        accounts, or following one) that are to match there and not linked
        there: the link is per company."""
        company = self.env.company
        followed = self.env["social_crm.follower"].sudo()._search([("company_id", "=", company.id)])
        return [
            ("match_state", "=", "pending"),
            ("partner_id", "=", False),
            "|",
            ("post_ids.company_id", "=", company.id),
            ("id", "in", followed.subselect("identity_id")),
        ]

    @api.model
    def _cron_match(self, batch_size=50):
        """Scheduled action: match a batch of identities per company (where
        automatic matching is on), propose suggestions."""
        done = remaining = 0
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            Identity = self.with_company(company)
            identities = Identity.search(Identity._match_due_domain(), limit=batch_size)
            if not company.social_crm_auto_match:
                identities.match_state = "done"  # nothing to propose there
                continue
            for identity in identities:
                try:
                    with self.env.cr.savepoint():
                        identity._apply_match(identity._run_match(company))
                except Exception:  # pylint: disable=broad-except
                    # one odd profile must not block the others, nor fail the cron
                    _logger.exception("social_crm: matching identity %s failed", identity.id)
            identities.match_state = "done"
            done += len(identities)
            remaining += Identity.search_count(Identity._match_due_domain())
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _run_match(self, companies):
        self.ensure_one()
        profile = self._match_profile()
        evidence = matching.extract(profile)
        partners = self.env["res.partner"]._social_crm_candidates(evidence, profile, companies)
        if any(companies.mapped("social_crm_match_consented_only")):
            partners = self._consented_candidates(partners)
        index = matching.PartnerIndex(partners)
        rejected = self.suggestion_ids.filtered(lambda s: s.state == "rejected").partner_id.ids
        return matching.match(profile, index, rejected=rejected)

    def _consented_candidates(self, partners):
        """Only the candidates who consented to profile enrichment, unless the
        poster consented to it themselves."""
        Consent = self.env["social_crm.consent"]
        if Consent._status("profile_enrichment", identities=self).get(self) == "granted":
            return partners
        status = Consent._status(
            "profile_enrichment", partners=self.env["res.partner"].browse([p.id for p in partners])
        )
        granted = {partner.id for partner, state in status.items() if state == "granted"}
        return [p for p in partners if p.id in granted]

    def _apply_match(self, result):
        self.ensure_one()
        Partner = self.env["res.partner"]
        if result.decision == "link":
            reasons = result.candidates[0].reasons if result.candidates else []
            linking = self.with_context(social_crm_evidence=Evidence("; ".join(reasons)))
            linking.partner_id = Partner.browse(result.partner_id)
            return
        if result.decision != "suggest":
            return
        existing = self.suggestion_ids.partner_id
        self.env["social_crm.suggestion"].create(
            [
                {
                    "identity_id": self.id,
                    "partner_id": candidate.partner_id,
                    "company_id": self.env.company.id,
                    "score": candidate.score,
                    "reasons": "\n".join(candidate.reasons),
                }
                for candidate in result.candidates[:3]
                if candidate.score >= matching.SUGGEST_THRESHOLD
                and candidate.partner_id not in existing.ids
            ]
        )

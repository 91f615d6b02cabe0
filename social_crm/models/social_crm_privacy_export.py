"""Privacy: export everything held about a person as a JSON download
(within the companies of the user who asks). Scope helpers:
``social_crm_privacy``."""

import json

from odoo import fields, models


class SocialCrmIdentityPrivacyExport(models.Model):
    _inherit = "social_crm.identity"

    def _personal_data(self, companies=None):
        """Everything held about these identities, as JSON-ready data (only
        what ``companies`` hold, when given)."""
        data = []
        scope = self._in_scope
        for identity in self.sudo():
            profile = {
                name: identity[name]
                for name in ("platform", "user_id", "handle", "profile_name", "profile_url")
                + ("avatar_url", "bio", "location", "followers_count", "verified", "funnel_stage")
                + ("advocate_score", "advocate_reasons")
            }
            profile["contact"] = identity.partner_id.display_name or None
            profile["posts"] = [
                {
                    "date": fields.Datetime.to_string(post.posted_at),
                    "platform": post.platform,
                    "external_id": post.external_id,
                    "url": post.url or None,
                    "text": post.text or "",
                    "language": post.lang or None,
                    "sentiment": post.sentiment or None,
                    "intent": post.intent or None,
                }
                for post in scope(identity.post_ids, companies).sorted(
                    lambda m: (m.posted_at, m.id)
                )
            ]
            profile["funnel_history"] = [
                {
                    "date": fields.Datetime.to_string(event.event_date),
                    "from": event.previous_stage,
                    "to": event.stage,
                    "because": event.source,
                }
                for event in scope(identity.funnel_event_ids, companies).sorted(
                    lambda e: (e.event_date, e.id)
                )
            ]
            consents = (identity.consent_ids | identity.partner_id.social_crm_consent_ids).filtered(
                lambda c, i=identity: not c.identity_id or c.identity_id == i
            )
            profile["consents"] = [
                {
                    "date": fields.Datetime.to_string(consent.event_date),
                    "purpose": consent.purpose,
                    "event": consent.event,
                    "expires": fields.Datetime.to_string(consent.expires_at) or None,
                    "channel": consent.channel,
                    "wording_version": consent.wording_version or None,
                    "wording": consent.wording or None,
                    "page": consent.source_url or None,
                    "ip_address": consent.ip_address or None,
                    "email": consent.email or None,
                    "phone": consent.phone or None,
                    "post": consent.message_id.external_id or None,
                }
                for consent in scope(consents, companies).sorted(lambda c: (c.event_date, c.id))
            ]
            profile["contactable_for_marketing"] = identity.social_crm_contactable
            profile["leads"] = [
                {"name": lead.name, "contactable_for_marketing": lead.social_crm_marketing_ok}
                for lead in scope(identity.lead_ids, companies)
            ]
            profile["photo_entries"] = [
                {
                    "campaign": entry.campaign_id.name,
                    "post": entry.message_id.external_id,
                    "media": entry.media_urls.splitlines() if entry.media_urls else [],
                    "rights": entry.state,
                    "published": entry.published,
                    "requested": entry.request_wording or None,
                    "granted_in": entry.grant_message_id.external_id or None,
                    "licence": entry.licence_name or None,
                    "attribution": entry.attribution or None,
                }
                for entry in scope(
                    self.env["social_crm.content"]
                    .sudo()
                    .search([("identity_id", "=", identity.id)], order="id"),
                    companies,
                )
            ]
            profile["reviews_elsewhere"] = self.env["social_crm.external.review"]._export(
                scope(self.env["social_crm.external.review"]._of_identities(identity), companies)
            )
            # how Discuss shows the person in the conversations' threads
            profile["discuss_guest"] = (
                self.env["mail.guest"]
                .sudo()
                .search([("social_crm_identity_id", "=", identity.id)], limit=1)
                .name
                or None
            )
            profile["suggestions"] = [
                {
                    "contact": suggestion.partner_id.display_name,
                    "score": suggestion.score,
                    "reasons": suggestion.reasons or None,
                    "state": suggestion.state,
                }
                for suggestion in scope(identity.suggestion_ids, companies)
            ]
            profile["consent_requests"] = [
                {
                    "date": fields.Datetime.to_string(request.create_date),
                    "purpose": request.purpose,
                    "state": request.state,
                    "sent_as": request.sent_as or None,
                    "email": request.email or None,
                    "phone": request.phone or None,
                    "ip_address": request.ip_address or None,
                    "submitted": fields.Datetime.to_string(request.submitted_at) or None,
                    "confirmed": fields.Datetime.to_string(request.confirmed_at) or None,
                    "withdrawn": fields.Datetime.to_string(request.withdrawn_at) or None,
                }
                for request in scope(
                    self.env["social_crm.consent.request"]
                    .sudo()
                    .search([("identity_id", "=", identity.id)], order="id"),
                    companies,
                )
            ]
            profile["followers"] = [
                {
                    "account": follower.account_id.name,
                    "platform": follower.platform,
                    "following": follower.active,
                    "since": fields.Datetime.to_string(follower.followed_since) or None,
                    "last_seen": fields.Datetime.to_string(follower.last_seen_at) or None,
                    "stopped": fields.Datetime.to_string(follower.unfollowed_at) or None,
                    "kind": follower.kind,
                    "last_interaction": fields.Datetime.to_string(follower.last_interaction_at)
                    or None,
                }
                for follower in scope(
                    self.env["social_crm.follower"]
                    .sudo()
                    .with_context(active_test=False)
                    .search([("identity_id", "=", identity.id)], order="id"),
                    companies,
                )
            ]
            profile["conversations"] = [
                {
                    "name": conversation.name,
                    "platform": conversation.platform,
                    "account": conversation.account_id.name,
                    "state": conversation.state,
                }
                for conversation in scope(
                    self.env["social_crm.conversation"]
                    .sudo()
                    .search([("identity_id", "=", identity.id)], order="id"),
                    companies,
                )
            ]
            data.append(profile)
        return data

    def action_export_personal_data(self):
        """Download a JSON file with everything held about this person by
        the companies of the user; the other companies are named."""
        companies = self._privacy_companies()
        elsewhere = self._held_elsewhere(companies)
        payload = {
            "exported_at": fields.Datetime.to_string(fields.Datetime.now()),
            "identities": self._personal_data(companies),
        }
        if elsewhere:
            payload["not_included"] = self._elsewhere_message(elsewhere)
        return _download_json(self, f"social-data-{self[:1].handle or self[:1].id}", payload)


def _download_json(records, name, payload):
    """An attachment holding ``payload`` as JSON, offered as a download. It
    stays private to its maker; erasure of ``records`` deletes it."""
    env = records.env
    attachment = env["ir.attachment"].create(
        {
            "name": f"{name}.json",
            "raw": json.dumps(payload, indent=2, ensure_ascii=False).encode(),
            "mimetype": "application/json",
        }
    )
    records.sudo().privacy_export_ids = [fields.Command.link(attachment.id)]
    return {
        "type": "ir.actions.act_url",
        "url": f"/web/content/{attachment.id}?download=true",
        "target": "self",
    }

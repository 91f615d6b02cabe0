"""The fields that are facts or evidence, per model (see ``social_crm_guard``).

Each model below gets the ``social_crm.guarded`` write and create guard."""

from odoo import models

from .social_crm_content import EVIDENCE
from .social_crm_review import FLOW_ONLY


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "social_crm.guarded"]
    _social_crm_protected = frozenset({"social_crm_contactable"})


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "social_crm.guarded"]
    _social_crm_protected = frozenset({"social_crm_marketing_ok"})


class SocialCrmIdentity(models.Model):
    _name = "social_crm.identity"
    _inherit = ["social_crm.identity", "social_crm.guarded"]
    _social_crm_protected = frozenset(
        {"social_crm_contactable", "funnel_stage"}
        | {"advocate_score", "advocate_reasons", "advocate_date"}
    )


class SocialCrmSuggestion(models.Model):
    _name = "social_crm.suggestion"
    _inherit = ["social_crm.suggestion", "social_crm.guarded"]
    _social_crm_protected = frozenset(
        {"state", "decided_by_id", "decided_at", "score", "reasons"}
        | {"code_hash", "code_sent_at", "code_sent_by_id", "code_expires_at", "code_attempts"}
        | {"code_last_guess_at"}
    )
    # a code sent for one pair must not confirm another
    _social_crm_protected_write = frozenset({"identity_id", "partner_id"})


class SocialCrmConversation(models.Model):
    _name = "social_crm.conversation"
    _inherit = ["social_crm.conversation", "social_crm.guarded"]
    _social_crm_protected = frozenset(
        {"conversation_key", "platform", "account_id", "channel"}
        | {"first_inbound_at", "last_message_at", "first_response_at", "awaiting_since"}
        | {"intent", "sentiment", "priority_score", "priority_reasons"}
        | {"reply_lock_user_id", "reply_lock_until"}
        | {"sla_policy_id", "sla_first_deadline", "sla_deadline", "sla_resolution_deadline"}
        | {"sla_state", "sla_warned_for", "sla_breach_notified_for"}
        | {"spread_velocity"}
    )


class SocialCrmConsent(models.Model):
    """Append-only: its own ``write`` refuses changes; on create, what the
    server records (when, until when, by whom, what the page saw) is never
    sent by a client."""

    _name = "social_crm.consent"
    _inherit = ["social_crm.consent", "social_crm.guarded"]
    _social_crm_protected_create = frozenset(
        {"event_date", "expires_at", "user_id", "ip_address", "email", "phone", "source_url"}
    )


class SocialCrmContent(models.Model):
    """Rights and their evidence: guarded on write by the model itself."""

    _name = "social_crm.content"
    _inherit = ["social_crm.content", "social_crm.guarded"]
    _social_crm_protected_create = EVIDENCE


class SocialCrmReview(models.Model):
    """The customer's words and the review's state: guarded on write by the
    model itself."""

    _name = "social_crm.review"
    _inherit = ["social_crm.review", "social_crm.guarded"]
    _social_crm_protected_create = FLOW_ONLY - {"partner_id", "lead_id"} | {
        "rating",
        "title",
        "text",
        "submitted_at",
        "response_by",
    }


class SocialCrmMessage(models.Model):
    """A post is what the platform said (and what the classifier made of it)."""

    _name = "social_crm.message"
    _inherit = ["social_crm.message", "social_crm.guarded"]
    _social_crm_protected = frozenset(
        {"account_id", "platform", "external_id", "direction", "author_identity_id"}
        | {"text", "url", "media_urls", "posted_at", "received_at", "erased"}
        | {"lang", "sentiment", "sentiment_score", "intent", "priority_score"}
        | {"spread_tracked", "spread_next_at", "spread_series", "spread_velocity"}
    )


class SocialCrmConsentRequest(models.Model):
    """What the person did on the consent page, and when: the page records it."""

    _name = "social_crm.consent.request"
    _inherit = ["social_crm.consent.request", "social_crm.guarded"]
    _social_crm_protected = frozenset(
        {"identity_id", "conversation_id", "message_id", "company_id", "user_id", "sent_as"}
        | {"state", "expires_at", "email", "phone", "ip_address", "submitted_at"}
        | {"confirm_expires_at", "confirmed_at", "partner_id", "consent_id", "withdrawn_at"}
    )

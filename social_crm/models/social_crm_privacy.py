"""Privacy (GDPR/AVG): export, erasure and retention of personal data.

What is erased is found by its link to the erased records, never by its
text: model and res_id, ``mail_message_id``, the post's chatter copy, the
alert's own Discuss message, copies stamped with ``link_key``. Pop-ups in
``bus.bus`` carry no link: Odoo's ``_gc_messages()`` drops them once they
can no longer be delivered.

Export and erasure stay within the companies of the user who runs them.
"""

import json
import re
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import escape_psql

from ._helpers import (
    ERASED,
    blank_messages,
    contains_any,
    drop_linked_mail,
    flow,
    forget_record_names,
    linked_copies,
    record_messages,
)
from .crm_lead import SOCIAL_POST_ACTIVITY

#: the profile of an unknown poster that retention blanks
PROFILE_DETAILS = ("profile_name", "profile_url", "avatar_url", "bio", "location")
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


class SocialCrmMessage(models.Model):
    _inherit = "social_crm.message"

    def _anonymize(self):
        """Remove the text and the author, here and where the text was
        copied: the post's chatter copy, other copies linked to the post,
        its alerts (their chatter and their Discuss message), and the e-mails
        queued for any of those. The row, its date, platform, sentiment and
        intent stay, for the counts; the external id stays too, so the post
        is not pulled in again."""
        messages = self.sudo()
        alerts = self.env["social_crm.alert"].sudo().search([("message_id", "in", messages.ids)])
        alerts.write({"name": ERASED})
        alerts.activity_ids.unlink()
        blank_messages(
            messages.chatter_message_id
            | linked_copies(messages)
            | record_messages(alerts)
            | alerts.channel_message_id
        )
        forget_record_names(alerts)
        drop_linked_mail(alerts)
        messages.write(
            {
                "text": ERASED,
                "author_identity_id": False,
                "url": False,
                "media_urls": False,
                "erased": True,
            }
        )
        return len(messages)

    def _forget_conversation_names(self):
        """Conversations are named after their first post: when that post was
        anonymised, the name (and its copies in the chatter) goes too."""
        for conversation in self.conversation_id.sudo():
            first = conversation.post_ids.sorted(lambda m: (m.posted_at, m.id))[:1]
            if first.erased and conversation.name != ERASED:
                conversation.write({"name": ERASED, "reply_draft": False})
                forget_record_names(conversation)

    def _blank_mentions(self, handle):
        """Others' posts that mention ``@handle``: the mention is blanked in the
        post and in its chatter copy; the rest of the post stays."""
        pattern = re.compile(rf"@{re.escape(handle)}\b", re.IGNORECASE)
        hits = self.sudo().filtered(lambda m: m.text and pattern.search(m.text))
        for post in hits:
            post.text = pattern.sub(f"@{ERASED}", post.text)
            copy = post.chatter_message_id
            if copy:
                copy.tracking_value_ids.unlink()
                copy.body = pattern.sub(f"@{ERASED}", str(copy.body or ""))
                post.env["mail.mail"].sudo().search([("mail_message_id", "=", copy.id)]).unlink()
        return hits

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

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------
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

    def _elsewhere_message(self, elsewhere):
        return self.env._(
            "Data held by %(companies)s is outside your companies and was left alone: "
            "an administrator of those companies must handle it.",
            companies=", ".join(elsewhere.sorted("name").mapped("name")),
        )

    # ------------------------------------------------------------------
    # Erasure
    # ------------------------------------------------------------------
    def action_erase(self):
        """Erasure request (GDPR/AVG): see ``_erase_personal_data``."""
        elsewhere = self._erase_personal_data()
        if not elsewhere:
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Erased in your companies only"),
                "message": self._elsewhere_message(elsewhere),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _erase_personal_data(self):
        """Forget these identities in the companies of the user: their posts
        keep only date, platform, sentiment and intent (text and author
        removed, also where the text was copied: chatter, alerts, leads),
        the conversations they started lose their titles, mentions of the
        handle are blanked, and the identity is deleted with its funnel
        history, unless another company still holds data about them. Each
        request is logged in Odoo's privacy log (name and handle anonymised).

        :return: the other companies that still hold data about them
        """
        if not self.env.is_admin() and not self.env.user.has_group(
            "social_crm.group_social_crm_manager"
        ):
            raise UserError(self.env._("Only Social CRM managers may erase personal data."))
        companies = self._privacy_companies()
        elsewhere = self.env["res.company"]
        for identity in self.sudo():
            elsewhere |= identity._erase_one(companies)
        return elsewhere

    def _erase_one(self, companies=None):
        scope = self._in_scope
        handle = self.handle
        needles = [n for n in (handle, self.user_id, self.profile_name) if n]
        needles += [f"@{handle}"] if handle else []
        Message = self.env["social_crm.message"]
        posts = scope(self.post_ids, companies)
        conversations = scope(
            self.env["social_crm.conversation"].search([("identity_id", "=", self.id)]), companies
        )
        # our replies in their conversations and to their posts speak to them
        replies = (
            conversations.post_ids | Message.search([("parent_id", "in", posts.ids)])
        ).filtered(lambda m: m.direction == "out" and not m.erased)
        mentions = Message.browse()
        if handle:
            mentions = scope(
                Message.search(
                    [("text", "ilike", f"@{escape_psql(handle)}"), ("id", "not in", posts.ids)]
                ),
                companies,
            )._blank_mentions(handle)
        posts._anonymize()
        replies._anonymize()
        conversations.write({"name": ERASED, "identity_id": False, "reply_draft": False})
        forget_record_names(conversations)
        leads = scope(self.lead_ids, companies)
        leads._social_crm_forget(needles)
        self.env["social_crm.webhook.event"].sudo()._erase(self.platform, self.user_id)
        # the link logs on the contact name the identity
        scrubbed = blank_messages(linked_copies(self))
        requests = scope(
            self.env["social_crm.consent.request"].search([("identity_id", "=", self.id)]),
            companies,
        )
        created = requests.partner_id.filtered(
            lambda p: p.social_crm_consent_page and p != self.partner_id
        )
        drop_linked_mail(requests)
        suggestions = scope(self.suggestion_ids, companies)
        drop_linked_mail(suggestions)
        suggestions.unlink()
        alerts = scope(
            self.env["social_crm.alert"].search([("identity_id", "=", self.id)]), companies
        )
        blank_messages(alerts.channel_message_id)
        alerts.unlink()
        # photo entries go, published or not (the chatter goes with them)
        scope(
            self.env["social_crm.content"].search([("identity_id", "=", self.id)]), companies
        ).unlink()
        followers = scope(
            self.env["social_crm.follower"]
            .with_context(active_test=False)
            .search([("identity_id", "=", self.id)]),
            companies,
        )
        followers.unlink()
        # their reviews on Google, Trustpilot, Facebook: our copies go
        scope(self.env["social_crm.external.review"]._of_identities(self), companies).unlink()
        erasing = flow(self, "social_crm_erasure")
        # consent kept for a contact stays as evidence, without this identity
        consents = scope(erasing.consent_ids, companies)
        kept = consents.filtered(lambda c: c.partner_id and c.partner_id not in created)
        kept.write({"identity_id": False, "message_id": False})
        (consents - kept).unlink()
        requests.unlink()
        self.privacy_export_ids.unlink()
        self._erase_created_contacts(created)
        elsewhere = self._held_elsewhere(companies)
        self.env["privacy.log"].create(
            {
                "anonymized_name": self.profile_name or handle or self.name,
                "anonymized_email": f"{handle or self.user_id}@{self.platform}",
                "execution_details": self.env._(
                    "Social CRM erasure: %(posts)s posts and %(replies)s replies anonymised, "
                    "%(mentions)s mentions blanked, %(conversations)s conversations and "
                    "%(leads)s leads cleaned, %(chatter)s chatter messages blanked, "
                    "%(contacts)s contacts from the consent page deleted, %(identity)s",
                    posts=len(posts),
                    replies=len(replies),
                    mentions=len(mentions),
                    conversations=len(conversations),
                    leads=len(leads),
                    chatter=scrubbed,
                    contacts=len(created),
                    identity=self._elsewhere_message(elsewhere)
                    if elsewhere
                    else self.env._("identity deleted."),
                ),
            }
        )
        if elsewhere:
            scope(erasing.funnel_event_ids, companies).unlink()
            return elsewhere
        erasing.funnel_event_ids.unlink()
        # a replayed or late delivery must not bring the person back
        self.env["social_crm.erased.user"]._bury(self.platform, [self.user_id])
        erasing.unlink()
        return elsewhere

    def _erase_created_contacts(self, partners):
        """Contacts the consent page created from what the person typed, and
        that no agent linked to them: deleted, else (when other records
        still use them) archived with their details blanked."""
        for partner in partners.sudo():
            try:
                with self.env.cr.savepoint():
                    partner.unlink()
            except (UserError, ValidationError, psycopg2.IntegrityError):
                # still used (an order, an invoice, a user): keep the row, not the person
                partner.write({"name": ERASED, "email": False, "phone": False, "active": False})
                blank_messages(record_messages(partner))

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
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

"""Privacy: erasure of a person (GDPR/AVG) within the companies of the
user who asks: posts anonymised where they were copied, mentions blanked,
the identity and what hangs on it deleted. Scope helpers:
``social_crm_privacy``."""

import re

import psycopg2

from odoo import models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import escape_psql

from ._helpers import (
    ERASED,
    blank_messages,
    drop_linked_mail,
    flow,
    forget_record_names,
    linked_copies,
    notification,
    record_messages,
)


class SocialCrmMessagePrivacyErasure(models.Model):
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


class SocialCrmIdentityPrivacyErasure(models.Model):
    _inherit = "social_crm.identity"

    def action_erase(self):
        """Erasure request (GDPR/AVG): see ``_erase_personal_data``."""
        elsewhere = self._erase_personal_data()
        if not elsewhere:
            return {"type": "ir.actions.act_window_close"}
        return notification(
            self._elsewhere_message(elsewhere),
            "warning",
            sticky=True,
            then={"type": "ir.actions.act_window_close"},
            title=self.env._("Erased in your companies only"),
        )

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
        self.env["social_crm.ingest.retry"]._forget_messages(posts | replies)
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

"""Corrections where agents work: one click on a post's label (post form and
list), on a conversation's (inbox, Discuss thread); and the privacy of the
corrections' text copies (export, erasure, retention)."""

import re

from odoo import fields, models

from ._helpers import ERASED
from .social_crm_correction import CHOICES, LANGUAGES, correct
from .social_crm_guard import system

INTENT_RANK = {"other": 0, "praise": 1, "question": 2, "complaint": 3}


class SocialCrmMessage(models.Model):
    _inherit = "social_crm.message"

    correction_ids = fields.One2many("social_crm.correction", "message_id", "Corrections")

    def action_social_crm_correct(self, field, value):
        """One click: this post's ``field`` is ``value`` (recorded as the
        agent's correction, learnt from by the company's adaptation)."""
        corrections = correct(self, field, value)
        conversations = self.conversation_id
        if field in ("intent", "sentiment") and conversations:
            conversations.sudo()._social_crm_relabel()
        return bool(corrections)

    def _anonymize(self):
        """Erasure and retention: the corrections' copies of the text go
        too, and the companies concerned learn again without them (and
        without the posts their agents had confirmed, which the fit also
        reads)."""
        corrections = (
            self.env["social_crm.correction"].sudo().search([("message_id", "in", self.ids)])
        )
        readers = self.env["social_crm.adaptation"].sudo()._reading(self)
        companies = corrections.company_id | readers
        corrections.unlink()
        result = super()._anonymize()
        for company in companies:
            self.env["social_crm.adaptation"].sudo()._fit(company)
        return result

    def _blank_mentions(self, handle):
        """Erasure of ``handle``: the mention goes from the corrections'
        copies of these posts too."""
        hits = super()._blank_mentions(handle)
        pattern = re.compile(rf"@{re.escape(handle)}\b", re.IGNORECASE)
        corrections = (
            self.env["social_crm.correction"].sudo().search([("message_id", "in", hits.ids)])
        )
        for correction in corrections.filtered(lambda c: c.text and pattern.search(c.text)):
            system(correction).write({"text": pattern.sub(f"@{ERASED}", correction.text)})
        return hits


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    def _social_crm_relabel(self):
        """Intent and sentiment again from the posts (after a correction)."""
        for conversation in self:
            incoming = conversation.post_ids.filtered(lambda m: m.direction == "in").sorted(
                lambda m: (m.posted_at, m.id)
            )
            if not incoming:
                continue
            vals = {
                "intent": max((m.intent or "other" for m in incoming), key=INTENT_RANK.get),
                "sentiment": incoming[-1].sentiment or conversation.sentiment,
            }
            system(conversation).write(vals)
            conversation._triage_refresh()

    def action_social_crm_correct(self, field, value):
        """One click in the inbox or Discuss: the conversation's ``field``
        is ``value``. The correction is on its latest received post (the one
        the agent reads); the conversation takes the value."""
        self.check_access("write")
        for conversation in self:
            latest = conversation.post_ids.filtered(
                lambda m: m.direction == "in" and not m.erased
            ).sorted(lambda m: (m.posted_at, m.id))[-1:]
            if latest:
                correct(latest, field, value)
            if field in ("intent", "sentiment"):
                system(conversation.sudo()).write({field: value})
                conversation.sudo()._triage_refresh()
        return True

    def social_crm_label_choices(self):
        """What the correction dropdowns offer (values and labels)."""
        names = {
            "intent": dict(self._fields["intent"]._description_selection(self.env)),
            "sentiment": dict(self._fields["sentiment"]._description_selection(self.env)),
            "lang": {code: self.env._(label) for code, label in LANGUAGES},  # pylint: disable=translation-not-lazy
        }
        return {
            field: [{"value": v, "label": names[field].get(v, v)} for v in values]
            for field, values in CHOICES.items()
        }


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _to_store(self, store):
        """The social thread also shows the conversation's intent and
        sentiment, with a dropdown to correct them."""
        res = super()._to_store(store)
        for channel in self.filtered(lambda c: c.channel_type == "social_crm"):
            conversation = channel.sudo().social_crm_conversation_id
            store.add(
                channel,
                {
                    "social_crm_labels": {
                        "intent": conversation.intent or "",
                        "sentiment": conversation.sentiment or "",
                        "choices": conversation.social_crm_label_choices(),
                    }
                },
            )
        return res


class SocialCrmIdentity(models.Model):
    _inherit = "social_crm.identity"

    def _personal_data(self, companies=None):
        """Export: the corrections agents made to the person's posts, with
        the copy of the text they keep."""
        data = super()._personal_data(companies)
        for identity, profile in zip(self.sudo(), data, strict=False):
            corrections = self._in_scope(
                self.env["social_crm.correction"]
                .sudo()
                .search([("message_id", "in", identity.post_ids.ids)], order="date, id"),
                companies,
            )
            profile["label_corrections"] = [
                {
                    "date": fields.Datetime.to_string(c.date),
                    "post": c.message_id.external_id,
                    "label": c.field,
                    "was": c.old_value or None,
                    "corrected_to": c.new_value,
                    "text": c.text or "",
                }
                for c in corrections
            ]
        return data

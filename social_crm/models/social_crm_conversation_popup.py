"""The real-time pop-up "a known customer posts", for the conversation's
agents and the customer's salesperson."""

from odoo import models

from ..connectors.platforms import platform_label


class SocialCrmConversationPopup(models.Model):
    _inherit = "social_crm.conversation"

    def _popup_recipients(self):
        """Agents who get the pop-up: those of the conversation's team, or all
        agents of its company when it has no team; only those who may open
        the conversation."""
        self.ensure_one()
        agents = self.team_id._social_crm_popup_agents(self.company_id)
        return agents.filtered(lambda u: self.with_user(u).has_access("read"))

    def _popup_salespeople(self, partner):
        """The customer's salesperson (the contact's, else its commercial
        partner's), when an internal user of the conversation's company who
        may read the contact. Agent rights are not needed."""
        self.ensure_one()
        partner = partner.sudo()
        salesperson = partner.user_id or partner.commercial_partner_id.user_id
        return salesperson.filtered(
            lambda u: (
                u.active
                and not u.share
                and self.company_id in u.company_ids
                and partner.with_user(u).has_access("read")
            )
        )

    def _notify_customer_post(self, post):
        """Push "a known customer posts" to each recipient's browser. Who may
        open the conversation gets a link to it; a salesperson who may not
        gets a link to the contact only. The text stays plain text: the
        browser's notification escapes it."""
        self.ensure_one()
        partner = post.partner_id
        platform = platform_label(post.platform)
        who = (
            self.env._("%(name)s (customer %(ref)s)", name=partner.name, ref=partner.ref)
            if partner.ref
            else partner.name
        )
        text = " ".join((post.text or "").split())
        payload = {
            "conversation_id": self.id,
            "channel_id": self.channel_id.id,
            "message_id": post.id,
            "partner_id": partner.id,
            "title": self.env._("%(who)s on %(platform)s", who=who, platform=platform),
            "text": text if len(text) <= 200 else text[:199] + "…",
        }
        agents = self._popup_recipients()
        agents._bus_send("social_crm/customer_post", payload)
        for salesperson in self._popup_salespeople(partner) - agents:
            mine = {
                **payload,
                "title": self.env._(
                    "Your customer %(who)s on %(platform)s", who=who, platform=platform
                ),
            }
            if not self.with_user(salesperson).has_access("read"):
                # no inbox link: the contact's card, and the post as plain text
                mine.update(conversation_id=False, channel_id=False, message_id=False)
            salesperson._bus_send("social_crm/customer_post", mine)

"""Spread on the conversation: the fastest of its posts, for the inbox's
sort and for the sparkline on the conversation and in Discuss."""

from odoo import api, fields, models

from .. import spread


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    spread_velocity = fields.Float(
        "Spread velocity",
        compute="_compute_spread_velocity",
        store=True,
        index=True,
        digits=(16, 1),
        help="The highest spread velocity of its posts: weighted interactions per hour in "
        "the last interval read (repost or quote 3, reply 2, like 1).",
    )
    spread_sparkline = fields.Json("Spread", compute="_compute_spread_sparkline")

    def _spread_fastest(self):
        """The tracked post that spreads fastest (the latest on a tie)."""
        tracked = self.post_ids.filtered("spread_series")
        return tracked.sorted(lambda m: (m.spread_velocity, m.id), reverse=True)[:1]

    @api.depends("post_ids.spread_velocity")
    def _compute_spread_velocity(self):
        for conversation in self:
            conversation.spread_velocity = conversation._spread_fastest().spread_velocity

    @api.depends("post_ids.spread_velocity", "post_ids.spread_series")
    def _compute_spread_sparkline(self):
        for conversation in self:
            conversation.spread_sparkline = spread.sparkline(
                conversation._spread_fastest().spread_series
            )


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _to_store(self, store):
        """The social thread's header shows the conversation's sparkline."""
        res = super()._to_store(store)
        for channel in self.filtered(lambda c: c.channel_type == "social_crm"):
            conversation = channel.sudo().social_crm_conversation_id
            if not conversation:
                continue
            store.add(
                channel,
                {
                    "social_crm_spread": {
                        "velocity": conversation.spread_velocity,
                        "points": conversation.spread_sparkline or [],
                    }
                },
            )
        return res

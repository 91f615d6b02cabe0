"""A social conversation's Discuss thread: a ``discuss.channel`` of our own
type, one per conversation (as im_livechat has ``livechat``).

The composer in that thread has two meanings, always explicit: a message is
sent to the poster only when the call carries ``social_crm_send`` (what the
agent chose with the composer's toggle), through the conversation's reply
path and the agent's own rights; anything else posted there is an internal
note that never reaches the platform.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .social_crm_conversation import PRIORITIES, SLA_STATES
from .social_crm_conversation_chatter import plain_text

CHANNEL_TYPE = "social_crm"


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    channel_type = fields.Selection(
        selection_add=[(CHANNEL_TYPE, "Social conversation")],
        ondelete={CHANNEL_TYPE: "cascade"},
    )
    social_crm_conversation_id = fields.Many2one(
        "social_crm.conversation",
        "Social conversation",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )

    _sql_constraints = [
        (
            "social_crm_conversation_unique",
            "unique(social_crm_conversation_id)",
            "A social conversation has one Discuss thread.",
        ),
        (
            "social_crm_conversation_type",
            f"CHECK((channel_type = '{CHANNEL_TYPE}') = (social_crm_conversation_id IS NOT NULL))",
            "A Social conversation thread belongs to exactly one social conversation.",
        ),
    ]

    def _subscribe_users_automatically(self):
        # ours have no group subscriptions: skip the per-channel notification work
        others = self.filtered(lambda c: c.channel_type != CHANNEL_TYPE)
        return super(DiscussChannel, others)._subscribe_users_automatically()

    # ------------------------------------------------------------------
    # Composer: Send or note, never in between
    # ------------------------------------------------------------------
    def _get_allowed_message_post_params(self):
        return super()._get_allowed_message_post_params() | {"social_crm_send"}

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, *, message_type="notification", **kwargs):
        send = kwargs.pop("social_crm_send", False)
        if len(self) != 1 or self.channel_type != CHANNEL_TYPE or message_type != "comment":
            if send:
                raise UserError(self.env._("Only a social conversation's thread sends posts."))
            return super().message_post(message_type=message_type, **kwargs)
        if send is True:
            return self._social_crm_send(**kwargs)
        # an internal note: whatever the client asked for, it stays in Odoo
        kwargs.pop("subtype_id", None)
        kwargs["subtype_xmlid"] = "mail.mt_note"
        return super().message_post(message_type="comment", **kwargs)

    def _social_crm_send(self, body="", attachment_ids=None, attachments=None, **kwargs):
        """The agent's "Send" (text and attached images): the conversation's
        reply path, with the agent's own rights (the mail controller posts as
        sudo). Returns the thread message of the stored post. A refusal
        raises: nothing is stored and the composer keeps the text."""
        self.ensure_one()
        conversation = self.sudo(False).social_crm_conversation_id
        conversation.check_access("write")
        html = isinstance(body, Markup) or kwargs.get("body_is_html")
        text = plain_text(body) if html else str(body or "")
        # images go out with the text (social_crm_conversation_media.py)
        post = conversation._social_crm_send_composed(text.strip(), attachment_ids, attachments)
        return self.env["mail.message"].browse(post.chatter_message_id.id)

    # ------------------------------------------------------------------
    # What Discuss shows
    # ------------------------------------------------------------------
    def _to_store(self, store):
        super()._to_store(store)
        priorities, sla = dict(PRIORITIES), dict(SLA_STATES)
        ours = self.filtered(lambda c: c.channel_type == CHANNEL_TYPE)
        if not ours:
            return
        Template = self.env["social_crm.reply.template"]
        templates = (
            Template.search_read([], ["name", "company_id"], load=False)  # pylint: disable=no-search-all
            if Template.has_access("read")
            else []
        )
        for channel in ours:
            conversation = channel.sudo().social_crm_conversation_id
            identity = conversation.identity_id
            store.add(
                channel,
                {
                    "social_crm": {
                        "conversation_id": conversation.id,
                        "platform": conversation.platform,
                        "platform_label": conversation._platform_label(),
                        "poster": identity.profile_name or identity.name or "",
                        "handle": identity.handle or "",
                        "private": conversation.channel == "private",
                        "priority": conversation.priority,
                        "priority_label": priorities.get(conversation.priority, ""),
                        "sla_state": conversation.sla_state,
                        "sla_label": sla.get(conversation.sla_state, ""),
                        "state": conversation.state,
                        "max_length": conversation.reply_max_length,
                        "length_rule": conversation.reply_length_rule,
                        "media": conversation._social_crm_media_hint(),
                        "templates": [
                            {"id": t["id"], "name": t["name"]}
                            for t in templates
                            if t["company_id"] in (False, conversation.company_id.id)
                        ],
                    }
                },
            )

"""Each social conversation has one Discuss thread (``discuss.channel`` of
type ``social_crm``), the one display thread of its posts.

- Posts are written to it in one batch, by the poster's guest (incoming) or
  the agent (outgoing); ``chatter_message_id`` points at the thread message.
- Membership follows assignment: the assignee is the member; an unassigned
  conversation's members are its team's agents. Managers and agents of the
  company open any thread of the company through a record rule.
- Closing unpins the thread for its members; a new post re-pins it.
"""

import contextlib

from odoo import api, fields, models
from odoo.tools.mail import generate_tracking_message_id, plaintext2html

from odoo.addons.mail.tools.discuss import Store

from ._helpers import ERASED, forget_record_names
from .discuss_channel import CHANNEL_TYPE
from .social_crm_ingest import batch_write

FRESH = "social_crm_fresh_channels"


@contextlib.contextmanager
def collect_fresh_channels(env):
    """Threads created in the block are collected in the yielded dict
    (under "channels") instead of being given members at once."""
    collected = {"channels": env["discuss.channel"].sudo()}
    outer = env.cr.precommit.data.get(FRESH)
    env.cr.precommit.data[FRESH] = collected
    try:
        yield collected
    finally:
        if outer is None:
            env.cr.precommit.data.pop(FRESH, None)
        else:
            env.cr.precommit.data[FRESH] = outer


def fresh_channels(env, channels):
    """Collect ``channels`` when a :func:`collect_fresh_channels` block is
    open; return whether it was (their members then come at its end)."""
    collected = env.cr.precommit.data.get(FRESH)
    if collected is None:
        return False
    collected["channels"] |= channels
    return True


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    channel_id = fields.Many2one(
        "discuss.channel",
        "Discuss thread",
        compute="_compute_channel_id",
        help="This conversation's thread in Discuss (one per conversation).",
    )
    channel_ids = fields.One2many(
        "discuss.channel", "social_crm_conversation_id", "Discuss threads", readonly=True
    )

    @api.depends("channel_ids")
    def _compute_channel_id(self):
        for conversation in self:
            conversation.channel_id = conversation.channel_ids[:1]

    # ------------------------------------------------------------------
    # The thread
    # ------------------------------------------------------------------
    def _social_crm_channels(self):
        """The Discuss threads of these conversations, created in one batch
        where missing, with their members. Returns {conversation id: channel}."""
        missing = self.filtered(lambda c: not c.channel_id)
        if missing:
            # install_mode: discuss would add the creating user (OdooBot in a
            # cron) as a member; members of ours follow assignment instead
            channels = (
                self.env["discuss.channel"]
                .sudo()
                .with_context(
                    install_mode=True, mail_create_nolog=True, mail_create_nosubscribe=True
                )
                .create(
                    [
                        {
                            "name": conversation.name or "…",
                            "channel_type": CHANNEL_TYPE,
                            "social_crm_conversation_id": conversation.id,
                        }
                        for conversation in missing
                    ]
                )
            )
            missing.invalidate_recordset(["channel_ids", "channel_id"])
            if not fresh_channels(self.env, channels):
                missing._social_crm_sync_members()
        return {c.id: c.channel_id for c in self}

    def _social_crm_wanted_partners(self):
        """Who is a member of this conversation's thread: the assignee, or
        when unassigned, the agents of the conversation's team."""
        self.ensure_one()
        if self.user_id:
            return self.user_id.partner_id
        team = self.team_id
        users = team.crm_team_member_ids.filtered("active").user_id | team.user_id
        users = users.filtered(
            lambda u: u.active and u.has_group("social_crm.group_social_crm_agent")
        )
        return users.partner_id

    def _social_crm_sync_members(self):
        """Make the threads' members the wanted ones (see above): who leaves
        gets the thread removed from their sidebar, who joins gets it with
        its posts unread."""
        Member = self.env["discuss.channel.member"].sudo()
        for conversation in self.sudo().filtered("channel_id"):
            channel = conversation.channel_id
            wanted = conversation._social_crm_wanted_partners()
            members = channel.channel_member_ids.filtered("partner_id")
            leaving = members.filtered(lambda m, w=wanted: m.partner_id not in w)
            for member in leaving:
                member._bus_send_store(
                    Store(channel, {"is_pinned": False, "isLocallyPinned": False}),
                    notification_type="discuss.channel/leave",
                )
            joining = wanted - members.partner_id
            leaving.unlink()
            if not joining:
                continue
            first = min(channel.message_ids.ids, default=0)
            unpinned = conversation.state == "closed"
            new = Member.create(
                [
                    {
                        "channel_id": channel.id,
                        "partner_id": partner.id,
                        "new_message_separator": first,
                        "unpin_dt": fields.Datetime.now() if unpinned else False,
                    }
                    for partner in joining
                ]
            )
            if unpinned:
                continue
            # the client fetches the rest of the channel when it joins
            joined = {
                "channel": {
                    "id": channel.id,
                    "model": "discuss.channel",
                    "channel_type": CHANNEL_TYPE,
                    "name": channel.name,
                    "is_pinned": True,
                },
            }
            for member in new:
                member._bus_send("discuss.channel/joined", joined)

    def _social_crm_unpin(self):
        """Closed conversations leave their members' sidebar."""
        now = fields.Datetime.now()
        for channel in self.sudo().channel_id:
            members = channel.channel_member_ids
            members.write({"unpin_dt": now})
            for member in members:
                member._bus_send("discuss.channel/unpin", {"id": channel.id})

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals:
            self._social_crm_sync_members()
        if vals.get("state") == "closed":
            self._social_crm_unpin()
        if "name" in vals:
            for conversation in self.sudo().filtered("channel_id"):
                conversation.channel_id.name = conversation.name or "…"
            if vals["name"] == ERASED:
                # privacy: the thread's messages keep no copy of the old title
                forget_record_names(self.sudo().channel_id)
        return result

    # ------------------------------------------------------------------
    # Posts into the thread (replaces the chatter copy)
    # ------------------------------------------------------------------
    @api.model
    def _log_posts(self, posts, agent):
        """Write posts to their conversations' Discuss threads in one batch
        (``message_post`` one by one took most of the ingestion time): an
        incoming post by its poster's guest, ours by the agent. The text is
        escaped: post text is never rendered as HTML. Members get the posts
        live and unread; a closed thread is pinned again."""
        if not posts:
            return
        before = posts.conversation_id.channel_id
        channels = posts.conversation_id._social_crm_channels()
        fresh = (
            self.env["discuss.channel"].sudo().browse([c.id for c in channels.values()]) - before
        )
        values = self._social_crm_message_values(posts, agent, channels)
        Channel = self.env["discuss.channel"].sudo()
        logged = Channel._message_create(values)
        pairs = zip(posts, logged, strict=True)
        batch_write(posts, {post.id: {"chatter_message_id": msg.id} for post, msg in pairs})
        # new threads get their members (and tell them) once the batch is
        # assigned; the threads that were there are pinned again, live
        touched = Channel.browse({message.res_id for message in logged}) - fresh
        touched.last_interest_dt = fields.Datetime.now()
        for channel in touched.filtered("channel_member_ids"):
            channel._bus_send_store(channel, {"is_pinned": True}, subchannel="members")
            for message in logged.filtered(lambda m, c=channel: m.res_id == c.id):
                channel._bus_send(
                    "discuss.channel/new_message",
                    {"data": Store(message).get_result(), "id": channel.id},
                )

    @api.model
    def _social_crm_message_values(self, posts, agent, channels):
        """The thread messages of ``posts`` (``channels``: {conversation id:
        thread}): an incoming post by its poster's guest, ours by ``agent``
        (a user or a partner); the text escaped, line breaks kept."""
        incoming = posts.filtered(lambda p: p.direction == "in")
        guests = self.env["mail.guest"]._social_crm_guests_for(incoming.author_identity_id)
        subtype = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        reply_to = self.env["mail.thread"]._notify_get_reply_to()[False]
        values = []
        for post in posts:
            if post.direction == "out":
                author = {"author_id": agent.partner_id.id, "email_from": agent.email_formatted}
            else:
                guest = guests.get(post.author_identity_id.id)
                author = {
                    "author_id": False,
                    "author_guest_id": guest.id if guest else False,
                    "email_from": False if guest else self.env._("Unknown author"),
                }
            values.append(
                {
                    **author,
                    "model": "discuss.channel",
                    "res_id": channels[post.conversation_id.id].id,
                    # given, so mail does not read each thread's name again
                    "record_name": channels[post.conversation_id.id].name,
                    "body": plaintext2html(post.text or ""),
                    "message_type": "comment",
                    "subtype_id": subtype,
                    "message_id": generate_tracking_message_id("social-crm-post"),
                    "reply_to": reply_to,
                }
            )
        return values

    # ------------------------------------------------------------------
    # Agent actions
    # ------------------------------------------------------------------
    def action_open_discuss(self):
        """Open this conversation's thread in Discuss."""
        self.ensure_one()
        self.check_access("read")
        channel = self._social_crm_channels()[self.id]
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            # the button's own active_id (this conversation) must not win
            "context": {"active_id": f"discuss.channel_{channel.id}"},
            "params": {"active_id": f"discuss.channel_{channel.id}"},
        }

    def social_crm_rendered_templates(self):
        """The reply templates the agent may use here, each rendered for this
        conversation's poster, for the thread composer's ":" suggestions."""
        self.ensure_one()
        self.check_access("read")
        templates = self.env["social_crm.reply.template"].search(
            [("company_id", "in", [False, self.company_id.id])]
        )
        return [{"id": t.id, "name": t.name, "text": t._render_for(self)} for t in templates]

    def social_crm_card(self):
        """The customer card's essentials, for the thread's header panel
        (read with the agent's rights)."""
        self.ensure_one()
        self.check_access("read")
        partner = self.partner_id
        leads = self.env["crm.lead"]
        if partner and leads.has_access("read"):
            leads = leads.search(
                [
                    ("partner_id", "child_of", partner.commercial_partner_id.id),
                    ("type", "=", "opportunity"),
                ],
                limit=5,
            )
        return {
            "conversation_id": self.id,
            "partner": partner.display_name or False,
            "partner_id": partner.id or False,
            "customer_number": self.partner_ref or False,
            "opportunity_count": self.partner_opportunity_count,
            "opportunities": [{"id": lead.id, "name": lead.display_name} for lead in leads],
        }

"""Conversations from before the Discuss threads get theirs (migration
18.0.1.5.0), in batches.

Each batch: the threads and their members are made the way "Open in
Discuss" makes them (``_social_crm_channels``); the posts' existing chatter
copies are *moved* into the thread with one UPDATE (they become the thread's
messages, by the poster's guest or by the agent who replied; no second
copy, no ``message_post`` one by one); posts without a copy get one, in one
batch. Conversations already handled are read; only "new" ones stay unread.
Closed ones stay out of the sidebar.
"""

import logging

from odoo import api, fields, models
from odoo.tools.mail import plaintext2html

_logger = logging.getLogger(__name__)


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    @api.model
    def _social_crm_backfill_threads(self, batch_size=500):
        """Give every conversation without a Discuss thread its thread,
        ``batch_size`` conversations at a time. Returns how many got one."""
        Conversation = self.sudo().with_context(active_test=False, tracking_disable=True)
        done = 0
        while True:
            batch = Conversation.search([("channel_ids", "=", False)], limit=batch_size, order="id")
            if not batch:
                break
            batch._social_crm_backfill_batch()
            done += len(batch)
            self.env.flush_all()
            self.env.invalidate_all()
            _logger.info("social_crm: %s conversations got their Discuss thread", done)
        return done

    def _social_crm_backfill_batch(self):
        channels = self._social_crm_channels()
        posts = (
            self.env["social_crm.message"]
            .sudo()
            .search([("conversation_id", "in", self.ids)], order="posted_at, id")
        )
        copied = posts.filtered(
            lambda p: (
                p.chatter_message_id.model == self._name
                and p.chatter_message_id.res_id == p.conversation_id.id
            )
        )
        self._social_crm_move_copies(copied, channels)
        missing = posts - copied
        Channel = self.env["discuss.channel"].sudo()
        for user in missing.conversation_id.user_id | self.env.user:
            mine = missing.filtered(
                lambda p, u=user: (p.conversation_id.user_id or self.env.user) == u
            )
            if mine:
                values = self._social_crm_message_values(mine, user, channels)
                for post, message in zip(mine, Channel._message_create(values), strict=True):
                    post.chatter_message_id = message
        self.env.flush_all()
        self._social_crm_backfill_members()

    def _social_crm_move_copies(self, posts, channels):
        """Move the posts' chatter copies into their threads: one UPDATE."""
        if not posts:
            return
        incoming = posts.filtered(lambda p: p.direction == "in")
        guests = self.env["mail.guest"]._social_crm_guests_for(incoming.author_identity_id)
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        rows = []
        for post in posts:
            guest = guests.get(post.author_identity_id.id) if post.direction == "in" else None
            rows.append(
                (
                    post.chatter_message_id.id,
                    channels[post.conversation_id.id].id,
                    guest.id if guest else None,
                    post.direction == "in",
                    str(plaintext2html(post.text or "")),
                )
            )
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE mail_message m
               SET model = 'discuss.channel',
                   res_id = v.channel_id,
                   subtype_id = %s,
                   message_type = 'comment',
                   body = v.body,
                   author_guest_id = v.guest_id,
                   -- incoming: the guest shows the poster (no "X on platform" sender)
                   author_id = CASE WHEN v.incoming THEN NULL ELSE m.author_id END,
                   email_from = CASE WHEN v.incoming AND v.guest_id IS NOT NULL THEN NULL
                                     ELSE m.email_from END,
                   record_name = NULL
              FROM (SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::bool[], %s::text[]))
                   AS v(message_id, channel_id, guest_id, incoming, body)
             WHERE m.id = v.message_id
            """,
            [comment, *map(list, zip(*rows, strict=True))],
        )
        self.env["mail.message"].invalidate_model()

    def _social_crm_backfill_members(self):
        """Old threads look as they were: handled conversations read, the
        sidebar ordered by their last post, closed ones unpinned."""
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            UPDATE discuss_channel c
               SET last_interest_dt = COALESCE(s.last_message_at, s.create_date)
              FROM social_crm_conversation s
             WHERE c.social_crm_conversation_id = s.id AND s.id = ANY(%(ids)s);
            WITH last AS (
                SELECT c.id AS channel_id, s.state, MAX(m.id) AS message_id,
                       COALESCE(s.last_message_at, s.create_date) AS at
                  FROM discuss_channel c
                  JOIN social_crm_conversation s ON s.id = c.social_crm_conversation_id
                  LEFT JOIN mail_message m ON m.model = 'discuss.channel' AND m.res_id = c.id
                 WHERE s.id = ANY(%(ids)s)
              GROUP BY c.id, s.state, s.last_message_at, s.create_date
            )
            UPDATE discuss_channel_member mb
               SET last_interest_dt = last.at,
                   -- unpinned: after its last post (pinned is "interest >= unpin")
                   unpin_dt = CASE WHEN last.state = 'closed'
                                   THEN GREATEST(%(now)s, last.at + interval '1 second')
                                   ELSE NULL END,
                   seen_message_id = CASE WHEN last.state = 'new' THEN mb.seen_message_id
                                          ELSE last.message_id END,
                   new_message_separator = CASE WHEN last.state = 'new'
                                                THEN mb.new_message_separator
                                                ELSE COALESCE(last.message_id, 0) + 1 END
              FROM last
             WHERE mb.channel_id = last.channel_id
            """,
            {"ids": self.ids, "now": now},
        )
        self.env["discuss.channel"].invalidate_model()
        self.env["discuss.channel.member"].invalidate_model()

import logging

from odoo import api, fields, models
from odoo.osv import expression

from .. import fans
from ..connectors.base import DM_PREFIX

_logger = logging.getLogger(__name__)

#: fans checked for drop-out per cron call
DROP_BATCH = 500


class SocialCrmFollowerFan(models.Model):
    """Fans: the people who interact with a Facebook Page or Instagram
    account (see :mod:`social_crm.fans`), kept as follower rows of kind
    "fan" with the date of their last interaction, since those platforms
    list no followers. Fans who stay silent drop out after the company's
    number of months; rows from a platform's follower list never do."""

    _inherit = "social_crm.follower"

    kind = fields.Selection(
        [("follower", "Follower"), ("fan", "Fan")],
        default="follower",
        required=True,
        readonly=True,
        index=True,
        help="Follower: on the platform's list of followers. Fan: liked, reacted to, commented "
        "on, mentioned or messaged the account (Facebook and Instagram list no followers).",
    )
    last_interaction_at = fields.Datetime(
        "Last interaction",
        readonly=True,
        help="The last like, reaction, comment, mention or message of this fan.",
    )

    @api.model
    def _seen(self, account, identities, now):
        # a fan found on the platform's follower list is a follower from now on
        followers = super()._seen(account, identities, now)
        followers.filtered(lambda f: f.kind == "fan").write({"kind": "follower"})
        return followers

    # ------------------------------------------------------------------
    # Interactions (webhook processing, as the cron)
    # ------------------------------------------------------------------
    @api.model
    def _record_fans(self, account, messages, reactions):
        """The authors of ``messages`` (new incoming posts) and ``reactions``
        (:class:`~social_crm.connectors.meta.Reaction`) that make fans of
        ``account`` become or stay its fans. :return: the fan rows touched."""
        platform = account.platform
        if platform not in fans.FAN_PLATFORMS:
            return self
        when_by_user = {}

        def seen(user_id, at):
            if user_id and at and (user_id not in when_by_user or at > when_by_user[user_id]):
                when_by_user[user_id] = at

        for message in messages:
            private = (message.conversation_id.conversation_key or "").startswith(DM_PREFIX)
            reply = bool(message.parent_external_id)
            if message.direction == "in" and fans.post_makes_fan(
                platform, private=private, reply=reply
            ):
                seen(message.author_identity_id.user_id, message.posted_at or message.received_at)
        for reaction in reactions:
            if (
                reaction.removed
                or not reaction.author
                or reaction.author.user_id == (account.external_user_id)
            ):
                continue
            if fans.reaction_makes_fan(platform, reaction.kind):
                seen(reaction.author.user_id, reaction.at or fields.Datetime.now())
        if not when_by_user:
            return self
        # erased people (social_crm.erased.user) have no identity: they make no fan
        identities = self.env["social_crm.identity"].search(
            [("platform", "=", platform), ("user_id", "in", list(when_by_user))]
        )
        return self._interacted(account, {i: when_by_user[i.user_id] for i in identities})

    @api.model
    def _interacted(self, account, when_by_identity):
        """Record that each identity interacted with ``account`` at its time:
        one row per (account, person), created as a fan, its last interaction
        moved forward. A person who had stopped following or dropped out
        comes back as a fan."""
        Follower = self.with_company(account.company_id).with_context(active_test=False)
        known = Follower.search(
            [
                ("account_id", "=", account.id),
                ("identity_id", "in", [i.id for i in when_by_identity]),
            ]
        )
        for row in known:
            when = when_by_identity[row.identity_id]
            vals = {}
            if not row.last_interaction_at or when > row.last_interaction_at:
                vals["last_interaction_at"] = when
            if not row.active:
                vals.update(active=True, kind="fan", unfollowed_at=False, followed_since=when)
            if vals:
                row.write(vals)
        created = Follower.create(
            [
                {
                    "account_id": account.id,
                    "identity_id": identity.id,
                    "kind": "fan",
                    "followed_since": when,
                    "last_interaction_at": when,
                }
                for identity, when in when_by_identity.items()
                if identity not in known.identity_id
            ]
        )
        return (known | created).with_env(self.env)

    # ------------------------------------------------------------------
    # Drop-out (scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _silent_fans_domain(self, now=None):
        """Active fans whose last interaction is older than their company's
        drop-out period; follower-list rows are never in it."""
        now = now or fields.Datetime.now()
        parts = []
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            cutoff = fans.drop_out_before(now, company.social_crm_fan_months)
            if cutoff:
                parts.append(
                    [("company_id", "=", company.id), ("last_interaction_at", "<", cutoff)]
                )
        if not parts:
            return expression.FALSE_DOMAIN
        return expression.AND([[("active", "=", True), ("kind", "=", "fan")], expression.OR(parts)])

    @api.model
    def _cron_drop_fans(self, batch_size=DROP_BATCH):
        """Scheduled action: archive one batch of silent fans (they stop
        counting; the row and its dates stay until retention removes them)."""
        Follower = self.sudo()
        now = fields.Datetime.now()
        domain = Follower._silent_fans_domain(now)
        batch = Follower.search(domain, order="last_interaction_at, id", limit=batch_size)
        batch.write({"active": False, "unfollowed_at": now})
        remaining = Follower.search_count(domain)
        _logger.info("social_crm: %s silent fans dropped out, %s to go", len(batch), remaining)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return batch


class ResCompany(models.Model):
    _inherit = "res.company"

    social_crm_fan_months = fields.Integer(
        "Fans drop out after (months)",
        default=12,
        help="Facebook and Instagram fans (people who liked, reacted, commented, mentioned us or "
        "sent a message) without an interaction for this many months no longer count as "
        "followers. 0: they never drop out. Followers from a platform's list are not affected.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_crm_fan_months = fields.Integer(
        related="company_id.social_crm_fan_months", readonly=False
    )

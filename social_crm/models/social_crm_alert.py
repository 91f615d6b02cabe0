from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import plaintext2html

from .. import advocacy, triage
from ..connectors.platforms import platform_label
from ._helpers import company_manager

KINDS = [
    ("volume", "Volume spike"),
    ("negative", "Negative spike"),
    ("influencer", "Influencer complaint"),
    ("advocate", "Top advocate of the month"),
    ("webhook", "Webhook delivery dropped"),
]
WINDOW = timedelta(hours=1)
BASELINE_LAG = timedelta(days=7)
QUIET_AFTER_ALERT = timedelta(hours=3)


class SocialCrmAlert(models.Model):
    """A warning before a complaint spreads: a stream far busier (or far
    angrier) than the same hour last week, or a complaint from an author
    with a large following. Each alert is posted once in the managers'
    Discuss channel and gives the team lead an activity."""

    _name = "social_crm.alert"
    _description = "Social CRM alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "raised_at desc, id desc"

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    key = fields.Char(required=True, readonly=True, help="Technical: the same alert fires once.")
    stream_id = fields.Many2one("social_crm.stream", ondelete="cascade", readonly=True)
    account_id = fields.Many2one(
        "social_crm.account", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    platform = fields.Selection(related="account_id.platform", store=True)
    message_id = fields.Many2one("social_crm.message", "Post", ondelete="set null", readonly=True)
    identity_id = fields.Many2one(
        "social_crm.identity", "Person", ondelete="cascade", readonly=True, index="btree_not_null"
    )
    conversation_id = fields.Many2one("social_crm.conversation", ondelete="set null", readonly=True)
    raised_at = fields.Datetime(
        required=True, readonly=True, index=True, default=fields.Datetime.now
    )
    count = fields.Integer("Posts in the last hour", readonly=True)
    baseline = fields.Integer("Same hour last week", readonly=True)
    followers = fields.Integer("Author followers", readonly=True)
    channel_message_id = fields.Many2one(
        "mail.message", "Posted in Discuss as", ondelete="set null", readonly=True, copy=False
    )

    _sql_constraints = [
        ("key_unique", "UNIQUE(key)", "This alert was already raised."),
    ]

    # ------------------------------------------------------------------
    # Detection
    # ------------------------------------------------------------------
    @api.model
    def _cron_detect_spikes(self, now=None):
        """Scheduled action: compare each active stream's last hour with the
        same hour a week earlier, for volume and for negative posts."""
        now = now or fields.Datetime.now()
        streams = self.env["social_crm.stream"].search([("active", "=", True)])
        counts, baseline = (
            self._stream_counts(streams, now),
            self._stream_counts(streams, now - BASELINE_LAG),
        )
        for stream in streams:
            company = stream.company_id
            factor, minimum = company.social_crm_spike_factor, company.social_crm_spike_min
            total, negative = counts.get(stream.id, (0, 0))
            base_total, base_negative = baseline.get(stream.id, (0, 0))
            if triage.spike(total, base_total, factor, minimum):
                self._raise(stream, "volume", now, total, base_total)
            if triage.negative_spike(negative, total, base_negative, base_total, factor, minimum):
                self._raise(stream, "negative", now, negative, base_negative)
        self.env["ir.cron"]._notify_progress(done=len(streams), remaining=0)

    @api.model
    def _stream_counts(self, streams, end):
        """{stream id: (posts, negative posts)} received in the hour before ``end``."""
        groups = self.env["social_crm.message"]._read_group(
            [
                ("stream_id", "in", streams.ids),
                ("direction", "=", "in"),
                ("posted_at", ">=", end - WINDOW),
                ("posted_at", "<", end),
            ],
            ["stream_id", "sentiment"],
            ["__count"],
        )
        counts = {}
        for stream, sentiment, count in groups:
            total, negative = counts.get(stream.id, (0, 0))
            negative += count if sentiment == "negative" else 0
            counts[stream.id] = (total + count, negative)
        return counts

    def _raise(self, stream, kind, now, count, baseline):
        """One alert per stream and kind, then quiet for a few hours."""
        recent = self.search_count(
            [
                ("stream_id", "=", stream.id),
                ("kind", "=", kind),
                ("raised_at", ">=", now - QUIET_AFTER_ALERT),
            ]
        )
        key = f"{kind}:{stream.id}:{now:%Y-%m-%dT%H}"
        if recent or self.search_count([("key", "=", key)]):
            return self.browse()
        label = dict(KINDS)[kind]
        return self._create_and_post(
            {
                "name": self.env._(
                    "%(kind)s on %(stream)s: %(count)s posts in the last hour "
                    "(same hour last week: %(baseline)s)",
                    kind=label,
                    stream=stream.display_name,
                    count=count,
                    baseline=baseline,
                ),
                "kind": kind,
                "key": key,
                "raised_at": now,
                "stream_id": stream.id,
                "account_id": stream.account_id.id,
                "count": count,
                "baseline": baseline,
            }
        )

    @api.model
    def _ingest_hook_alerts(self, messages, batch):
        """Ingestion hook (social_crm_ingest.py): influencer complaints."""
        self._check_influencers(messages)

    @api.model
    def _check_influencers(self, messages):
        """A complaint (or negative post) from an author above the company's
        follower threshold raises an alert, once per post."""
        for message in messages:
            identity = message.author_identity_id
            threshold = message.company_id.social_crm_influencer_followers
            if (
                message.direction != "in"
                or not threshold
                or identity.followers_count < threshold
                or (message.intent != "complaint" and message.sentiment != "negative")
            ):
                continue
            key = f"influencer:{message.id}"
            if self.search_count([("key", "=", key)]):
                continue
            self._create_and_post(
                {
                    "name": self.env._(
                        "Influencer complaint: %(who)s (%(followers)s followers) on %(platform)s",
                        who=identity.name,
                        followers=identity.followers_count,
                        platform=platform_label(message.platform),
                    ),
                    **self._post_values(message, "influencer", key),
                }
            )

    @api.model
    def _post_values(self, message, kind, key):
        """What an alert about one post records: its kind and key (once per
        post), where the post came from, and its author's reach."""
        return {
            "kind": kind,
            "key": key,
            "stream_id": message.stream_id.id,
            "account_id": message.account_id.id,
            "message_id": message.id,
            "conversation_id": message.conversation_id.id,
            "followers": message.author_identity_id.followers_count,
            "count": 1,
        }

    @api.model
    def _crown_advocates(self, now):
        """Once a month per account: its top advocate over the last 30 days
        (advocacy.pick_mayor, among those who posted there), posted in the
        managers' channel with a to-do for the team lead: send a reward."""
        since = now - timedelta(days=30)
        month = f"{now:%Y-%m}"
        accounts = self.env["social_crm.account"].search([("active", "=", True)])
        for account in accounts:
            key = f"advocate:{account.id}:{month}"
            if self.search_count([("key", "=", key)]):
                continue
            groups = self.env["social_crm.message"]._read_group(
                [
                    ("account_id", "=", account.id),
                    ("direction", "=", "in"),
                    ("posted_at", ">=", since),
                    ("author_identity_id", "!=", False),
                ],
                ["author_identity_id"],
                ["posted_at:max"],
            )
            # scores are per company: read the account company's
            mayor = advocacy.pick_mayor(
                [
                    (identity.id, identity.with_company(account.company_id).advocate_score, last)
                    for identity, last in groups
                ]
            )
            if not mayor:
                continue
            identity = (
                self.env["social_crm.identity"].with_company(account.company_id).browse(mayor)
            )
            self._create_and_post(
                {
                    "name": self.env._(
                        "Top advocate of the month on %(account)s: %(who)s, score %(score)s "
                        "(%(why)s). Send them a thank-you or a reward (reply template "
                        "'Top advocate of the month').",
                        account=account.name,
                        who=identity.name,
                        score=identity.advocate_score,
                        why=identity.advocate_reasons or "",
                    ),
                    "kind": "advocate",
                    "key": key,
                    "raised_at": now,
                    "account_id": account.id,
                    "identity_id": identity.id,
                    "followers": identity.followers_count,
                }
            )

    @api.model
    def _webhook_dropped(self, event, reason=""):
        """A webhook delivery failed ``MAX_ATTEMPTS`` times and was dropped
        (its body is gone): tell the managers, once per delivery."""
        key = f"webhook:{event.id}"
        account = event.account_ids[:1]
        if not account or self.search_count([("key", "=", key)]):
            return self.browse()
        return self._create_and_post(
            {
                "name": self.env._(
                    "A %(origin)s webhook delivery received %(received)s was dropped after "
                    "%(attempts)s failed attempts%(reason)s; its content is not kept. "
                    "See the server log and, if needed, ask Meta to resend it.",
                    origin=dict(event._fields["source"].selection).get(event.source, ""),
                    received=fields.Datetime.to_string(event.received_at),
                    attempts=event.attempts,
                    reason=" (" + reason + ")" if reason else "",
                ),
                "kind": "webhook",
                "key": key,
                "account_id": account.id,
            }
        )

    # ------------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------------
    def _create_and_post(self, vals):
        alert = self.sudo().create(vals)
        alert._post_in_channel()
        owner = alert._owner()
        if owner:
            alert.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=alert.name[:80],
                # the note is HTML: the post's text is escaped, never markup
                note=plaintext2html(alert._text()),
                user_id=owner.id,
            )
        return alert

    def _owner(self):
        """The account team's lead, else a manager of the company."""
        lead = self.account_id.team_id.user_id
        if lead:
            return lead
        return company_manager(self.env, self.company_id)

    def _text(self):
        """Plain text (escaped by message_post, converted by plaintext2html
        for the activity note): post text is never HTML."""
        text = self.name
        post = self.message_id
        if post:
            text += "\n" + " ".join((post.text or "").split())[:280]
        if self.conversation_id:
            text += f"\n/odoo/social-inbox/{self.conversation_id.id}"
        return text

    def _post_in_channel(self):
        channel = self.env.ref("social_crm.channel_social_crm_alerts", raise_if_not_found=False)
        if not channel:
            return
        channel = channel.sudo()
        channel._subscribe_users_automatically()
        self.channel_message_id = channel.message_post(
            body=self._text(),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.env.ref("base.partner_root").id,
        )

import hashlib
import json
import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

from ..connectors import meta
from ._helpers import ERASED

_logger = logging.getLogger(__name__)

#: a delivery that keeps failing is tried this many times, then dropped with an alert
MAX_ATTEMPTS = 5
RETRY_WAIT = timedelta(minutes=10)
#: the largest delivery accepted (Meta's are a few kB; it batches at most 1000 events)
MAX_BODY = 1024 * 1024


class SocialCrmWebhookEvent(models.Model):
    """One signed webhook delivery, stored before anything else happens.

    The controller only checks the signature and stores the raw body, so
    the platform gets its quick 200 and nothing is lost if processing
    fails: the scheduled action processes deliveries batch by batch, and a
    failed one keeps its body and is tried again, up to ``MAX_ATTEMPTS``
    times; then it is dropped (body and all) and an alert raised. Once
    processed, the body (personal data) is dropped; the posts it carried live
    on as messages.

    Meta retries deliveries and re-batches events: a body received before
    is stored once (``body_hash``), and each event is handled once (its key,
    :func:`meta.event_key`, is kept as a ``social_crm.webhook.key``).
    """

    _name = "social_crm.webhook.event"
    _description = "Social CRM webhook delivery"
    _order = "id desc"
    _rec_name = "received_at"

    received_at = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    source = fields.Selection([("meta", "Meta (Facebook, Instagram)")], required=True)
    body = fields.Text(readonly=True, help="The raw delivery, until it is processed.")
    body_hash = fields.Char(
        readonly=True, index=True, help="SHA-256 of the raw delivery: the same one is kept once."
    )
    account_ids = fields.Many2many(
        "social_crm.account",
        string="Accounts",
        readonly=True,
        help="The accounts whose app secret signed this delivery.",
    )
    state = fields.Selection(
        [
            ("pending", "To process"),
            ("done", "Processed"),
            ("failed", "Failed"),
            ("dropped", "Dropped"),
        ],
        default="pending",
        required=True,
        index=True,
        readonly=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    error = fields.Text(readonly=True)
    error_detail = fields.Text(
        "Technical detail", readonly=True, copy=False, groups="base.group_system"
    )
    summary = fields.Text(readonly=True, help="What the delivery held, and what was skipped.")
    message_count = fields.Integer("Posts stored", readonly=True)
    reaction_count = fields.Integer("Reactions", readonly=True)

    _sql_constraints = [
        ("body_unique", "UNIQUE(source, body_hash)", "This delivery was already received."),
    ]

    # ------------------------------------------------------------------
    # Receiving (controller, as superuser)
    # ------------------------------------------------------------------
    @api.model
    def _meta_accounts_for(self, raw_body, signature):
        """The Meta accounts whose app secret signed ``raw_body``."""
        accounts = (
            self.env["social_crm.account"]
            .sudo()
            .search([("platform", "in", ("facebook", "instagram")), ("active", "=", True)])
        )
        return accounts.filtered(
            lambda a: (
                a.meta_app_secret and meta.verify_signature(a.meta_app_secret, raw_body, signature)
            )
        )

    @api.model
    def _receive_meta(self, raw_body, signature):
        """Store a signed delivery; return it, or None when no account's
        secret signed it (nothing is stored then). A delivery received
        before (Meta's retry, or a replay) is not stored again: the first
        one is returned."""
        accounts = self._meta_accounts_for(raw_body, signature)
        if not accounts:
            return None
        Event = self.sudo()
        digest = hashlib.sha256(bytes(raw_body)).hexdigest()
        known = [("source", "=", "meta"), ("body_hash", "=", digest)]
        event = Event.search(known, limit=1)
        if event:
            return event
        try:
            with self.env.cr.savepoint():
                event = Event.create(
                    {
                        "source": "meta",
                        "body": raw_body.decode("utf-8", errors="replace"),
                        "body_hash": digest,
                        "account_ids": [fields.Command.set(accounts.ids)],
                    }
                )
        except psycopg2.errors.UniqueViolation:
            # the same delivery arrived twice at once: the other copy is kept
            return Event.search(known, limit=1)
        event._trigger_processing()  # social_crm_shard_cron.py
        return event

    # ------------------------------------------------------------------
    # Processing (scheduled action)
    # ------------------------------------------------------------------
    # the scheduled action (_cron_process) and its shards: social_crm_shard_cron.py
    def _due_domain(self):
        now = fields.Datetime.now()
        return [
            ("state", "in", ("pending", "failed")),
            ("attempts", "<", MAX_ATTEMPTS),
            "|",
            ("next_attempt_at", "=", False),
            ("next_attempt_at", "<=", now),
        ]

    def _failed(self, error):
        attempts = self.attempts + 1
        vals = {"attempts": attempts, "error": str(error)[:1000]}
        self.sudo().error_detail = getattr(error, "detail", "")[:2000] or False
        if attempts >= MAX_ATTEMPTS:
            self.write(vals)
            self._drop(type(error.__cause__ or error).__name__)
            return
        vals.update(state="failed", next_attempt_at=fields.Datetime.now() + RETRY_WAIT * attempts)
        self.write(vals)

    def _drop(self, reason=""):
        """Give up on these deliveries: their bodies (personal data) go, an
        alert tells the managers."""
        for event in self:
            event.write({"state": "dropped", "body": False, "next_attempt_at": False})
            self.env["social_crm.alert"].sudo()._webhook_dropped(event, reason)

    def _process(self):
        self.ensure_one()
        Message = self.env["social_crm.message"]
        Key = self.env["social_crm.webhook.key"]
        stored = reactions = 0
        notes = []
        payload = json.loads(self.body or "{}")
        batches = meta.parse_webhook(payload, Key._seen(meta.event_keys(payload)))
        for batch in batches:
            account = self.account_ids.filtered(
                lambda a, b=batch: a.platform == b.platform and a.external_user_id == b.account_ref
            )[:1]
            if not account:
                notes.append(
                    self.env._(
                        "No %(platform)s account for id %(ref)s: skipped.",
                        platform=batch.platform,
                        ref=batch.account_ref,
                    )
                )
                continue
            ours = [
                p for p in batch.posts if p.author and p.author.user_id == account.external_user_id
            ]
            theirs = [p for p in batch.posts if p not in ours]
            created = Message._ingest(account, theirs)
            stored += len(created) + len(Message._ingest(account, ours, direction="out"))
            reactions += self._record_reactions(account, batch.reactions)
            self.env["social_crm.follower"].sudo()._record_fans(account, created, batch.reactions)
            # recommendations of the page are reviews, not posts
            stored += sum(self.env["social_crm.external.review"]._store(account, batch.reviews))
            # commenting on our page makes a fan, like a reaction does
            for message in created.filtered("parent_external_id"):
                message.author_identity_id._funnel_advance(
                    "follower", "reaction", message=message, when=message.posted_at
                )
            notes += batch.skipped
        Key._remember(self, [key for batch in batches for key in batch.keys])
        self.write(
            {
                "state": "done",
                "body": False,  # personal data: the posts are stored as messages now
                "error": False,
                "attempts": self.attempts + 1,
                "message_count": stored,
                "reaction_count": reactions,
                "summary": "\n".join(notes) or False,
            }
        )

    @api.model
    def _record_reactions(self, account, reactions):
        """A like or reaction makes the person a fan (the follower stage);
        on Facebook and Instagram there is no list of fans to pull."""
        added = [r for r in reactions if not r.removed and r.author and r.author.user_id]
        if not added:
            return 0
        # an erased person (social_crm.erased.user) gets no identity back
        identities = self.env["social_crm.identity"]._upsert_profiles(
            account.platform, [r.author for r in added]
        )
        kept = [r for r in added if r.author.user_id in identities]
        for reaction in kept:
            identities[reaction.author.user_id]._funnel_advance(
                "follower", "reaction", when=reaction.at, company=account.company_id
            )
        return len(kept)

    def _payload(self):
        """The delivery's JSON, or ``{}`` when there is none or it is not JSON."""
        try:
            payload = json.loads(self.body or "{}")
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}

    def _erase(self, platform, user_id):
        """Erasure: blank the unprocessed deliveries that name the platform
        user ``user_id`` as a sender or author (by id, never by text)."""
        if platform not in ("facebook", "instagram") or not user_id:
            return 0
        hits = self.search([("body", "!=", False)]).filtered(
            lambda e: meta.names_person(e._payload(), user_id)
        )
        hits.write({"body": ERASED, "state": "done", "summary": ERASED})
        return len(hits)

"""Shard crons: more than one worker pulls streams and processes webhooks.

Odoo runs one cron job in one worker at a time (the job row is taken
``FOR NO KEY UPDATE SKIP LOCKED``), so a single "pull every stream" cron
never uses a second worker. Here the same job exists several times (the
*shards*, :data:`SYNC_SHARDS` and :data:`WEBHOOK_SHARDS`); each call of any
shard **claims** its work with ``FOR NO KEY UPDATE SKIP LOCKED``:

- a stream: the most overdue one whose row, and whose account's row, no
  other transaction holds. One account is pulled by one shard at a time
  (its streams often see the same posts, and its row is written after each
  page); different accounts are pulled side by side. The locks last until
  the framework commits the call, together with the page's posts and the
  stream's new cursor.
- a batch of webhook deliveries: rows no other shard holds.

While work remains, a shard reports it (``_notify_progress``, so the
framework calls it again) and triggers the other shards, which wake the
other cron workers, in this server or another one on the same database.

Under REPEATABLE READ a row changed and committed by another shard after
this transaction's snapshot cannot be locked (a serialization failure):
the claim takes it under a savepoint and passes on to the next candidate.
"""

import logging

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL

from ._helpers import run_guarded
from .social_crm_webhook_event import MAX_ATTEMPTS
from .social_crm_webhook_event import _logger as webhook_logger

_logger = logging.getLogger(__name__)

#: the scheduled actions that pull streams; the first is the one from before shards
SYNC_SHARDS = (
    "social_crm.ir_cron_social_crm_sync",
    "social_crm.ir_cron_social_crm_sync_shard_2",
    "social_crm.ir_cron_social_crm_sync_shard_3",
    "social_crm.ir_cron_social_crm_sync_shard_4",
)
#: the scheduled actions that process webhook deliveries
WEBHOOK_SHARDS = (
    "social_crm.ir_cron_social_crm_webhooks",
    "social_crm.ir_cron_social_crm_webhooks_shard_2",
)
#: accounts looked at per claim (the most overdue stream of each; the first free one is taken)
CLAIM_CANDIDATES = 20
#: a row another transaction holds is passed over (its lock, or a newer version)
_BUSY = (LockNotAvailable, SerializationFailure)


def shard_crons(env, xmlids):
    """The shards, in order (cached ids: no query per webhook delivery)."""
    data = env["ir.model.data"]
    ids = [data._xmlid_to_res_id(xmlid, raise_if_not_found=False) for xmlid in xmlids]
    return env["ir.cron"].sudo().browse([i for i in ids if i])


def trigger_shards(env, xmlids, at=None, first_only=False, skip_running=True):
    """Trigger the shards (all, or only the first); the one running this
    call is left out (it is called again by the framework while it reports
    work left)."""
    crons = shard_crons(env, xmlids)
    if skip_running and env.context.get("cron_id"):
        crons = crons.filtered(lambda c: c.id != env.context["cron_id"])
    for cron in crons[:1] if first_only else crons:
        cron._trigger(at=at)


def try_lock(cr, table, row_id, where=None):
    """Lock the row ``row_id`` of ``table`` for this transaction, if no other
    transaction holds it and it still matches ``where``; never waits.
    Returns whether it is ours now. A lock that is not granted leaves no
    trace (savepoint)."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = %s AND %s FOR NO KEY UPDATE SKIP LOCKED",
                    SQL.identifier(table),
                    row_id,
                    where or SQL("TRUE"),
                ),
                log_exceptions=False,
            )
            return bool(cr.fetchone())
    except _BUSY:
        return False


class SocialCrmStream(models.Model):
    _inherit = "social_crm.stream"

    def _due_sql(self, now):
        return SQL(
            "social_crm_stream.active AND (social_crm_stream.next_sync_at IS NULL"
            " OR social_crm_stream.next_sync_at <= %s)",
            now,
        )

    @api.model
    def _claim_due_stream(self):
        """The most overdue stream that no other shard is pulling, locked
        (with its account) for this transaction; an empty recordset when
        every due stream is taken."""
        self.env["social_crm.stream"].flush_model(["active", "next_sync_at", "account_id"])
        self.env["social_crm.account"].flush_model(["active"])
        cr = self.env.cr
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                """SELECT id, account_id FROM (
                       SELECT DISTINCT ON (social_crm_stream.account_id)
                              social_crm_stream.id, social_crm_stream.account_id,
                              social_crm_stream.next_sync_at
                         FROM social_crm_stream
                         JOIN social_crm_account account
                           ON account.id = social_crm_stream.account_id
                        WHERE account.active AND %s
                     ORDER BY social_crm_stream.account_id,
                              social_crm_stream.next_sync_at ASC NULLS FIRST, social_crm_stream.id
                   ) firsts
                   ORDER BY next_sync_at ASC NULLS FIRST, id
                   LIMIT %s""",
                self._due_sql(now),
                CLAIM_CANDIDATES,
            )
        )
        for stream_id, account_id in cr.fetchall():
            # the account first: its streams are pulled one at a time. When
            # its stream is held alone (an action "Pull now"), the account's
            # lock stays until this short call ends: harmless.
            if try_lock(cr, "social_crm_account", account_id) and try_lock(
                cr, "social_crm_stream", stream_id, self._due_sql(now)
            ):
                return self.browse(stream_id)
        return self.browse()

    @api.model
    def _cron_sync(self):
        """Scheduled action (every shard): pull one page of the most overdue
        free stream.

        The cron framework commits after each call and calls again at once
        while ``_notify_progress`` reports remaining work, so every page is
        its own transaction, with the stream's new cursor. Errors are
        recorded on the stream and account and never raised: the cron must
        not be deactivated by a platform's trouble. While more than one
        stream is due, the other shards are triggered to help.
        """
        stream = self._claim_due_stream()
        if stream:
            stream._sync_guarded()
        remaining = self.search_count(self._due_domain())
        if remaining > 1:
            trigger_shards(self.env, SYNC_SHARDS)
        # a stream whose error was recorded counts as handled too
        self.env["ir.cron"]._notify_progress(done=len(stream), remaining=remaining)

    def _trigger_sync(self, at=None):
        """Have a shard pull soon (or at ``at``); it calls in the others when
        more than one stream is due."""
        trigger_shards(self.env, SYNC_SHARDS, at=at, first_only=True, skip_running=False)


class SocialCrmWebhookEvent(models.Model):
    _inherit = "social_crm.webhook.event"

    @api.model
    def _claim_due(self, limit):
        """Up to ``limit`` due deliveries, oldest first, that no other shard
        holds, locked for this transaction."""
        self.flush_model(["state", "attempts", "next_attempt_at"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """SELECT id FROM social_crm_webhook_event
                            WHERE state IN ('pending', 'failed') AND COALESCE(attempts, 0) < %s
                              AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
                         ORDER BY id LIMIT %s
                       FOR NO KEY UPDATE SKIP LOCKED""",
                        MAX_ATTEMPTS,
                        fields.Datetime.now(),
                        limit,
                    ),
                    log_exceptions=False,
                )
                return self.browse([row[0] for row in self.env.cr.fetchall()])
        except _BUSY:
            # another shard committed some of them since this transaction
            # began: the next call (a new transaction) sees it
            _logger.debug("social_crm: webhook deliveries changed meanwhile, claim again")
            return None

    @api.model
    def _housekeeping(self, batch_size):
        """Drop deliveries left failed by an older version and forget old
        event keys: one shard at a time (a transaction-level advisory lock),
        and a clash with one that did it a moment ago is left for later."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(hashtext('social_crm_webhook_housekeeping'))")
        if not cr.fetchone()[0]:
            return
        try:
            with cr.savepoint():
                self.search(
                    [("state", "=", "failed"), ("attempts", ">=", MAX_ATTEMPTS)],
                    limit=batch_size,
                )._drop()
                self.env["social_crm.webhook.key"]._purge(batch_size * 50)
        except _BUSY:
            _logger.debug("social_crm: webhook housekeeping clashed with another shard")

    @api.model
    def _cron_process(self, batch_size=20):
        """Scheduled action (every shard): process a batch of deliveries no
        other shard holds, each under its own savepoint, so one bad delivery
        does not hold back the others."""
        events = self._claim_due(batch_size)
        if events is None:  # the claim clashed: a new transaction tries again
            trigger_shards(self.env, WEBHOOK_SHARDS, skip_running=False)
            events = self.browse()
        self._housekeeping(batch_size)
        for event in events:
            run_guarded(
                self.env,
                f"webhook delivery {event.id}",
                event._process,
                event._failed,
                webhook_logger,
            )
        remaining = self.search_count(self._due_domain())
        if remaining > batch_size:
            trigger_shards(self.env, WEBHOOK_SHARDS)
        self.env["ir.cron"]._notify_progress(done=len(events), remaining=remaining)

    def _trigger_processing(self):
        trigger_shards(self.env, WEBHOOK_SHARDS, first_only=True, skip_running=False)

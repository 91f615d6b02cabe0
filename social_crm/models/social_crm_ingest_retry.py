"""Ingestion hooks that failed, to run again (the hook contract in
social_crm_ingest.py): one row per failed hook and page."""

from datetime import timedelta

from odoo import api, fields, models

from .social_crm_ingest import Batch

MAX_ATTEMPTS = 5
FIRST_DELAY_MINUTES = 2  # then 4, 8, 16 ... minutes
KEEP_FAILED_DAYS = 30


class SocialCrmIngestRetry(models.Model):
    _name = "social_crm.ingest.retry"
    _description = "Ingestion hook to run later (deferred, or retried after a failure)"
    _order = "next_at, id"

    hook = fields.Char(required=True, readonly=True)
    message_ids = fields.Many2many(
        "social_crm.message",
        "social_crm_ingest_retry_message_rel",
        "retry_id",
        "message_id",
        "Posts",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    attempts = fields.Integer(readonly=True, help="Failed runs so far (0: deferred, not run yet).")
    last_error = fields.Char(readonly=True)
    next_at = fields.Datetime("Next try", readonly=True, index=True)
    state = fields.Selection(
        [("pending", "To retry"), ("failed", "Gave up")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )

    @staticmethod
    def _delay(attempts):
        attempts = max(attempts, 1)
        return timedelta(minutes=FIRST_DELAY_MINUTES * 2 ** (attempts - 1))

    @staticmethod
    def _error_text(error):
        # the exception's class and first line only: no traceback, kept short
        first = (str(error) or "").strip().splitlines()[:1]
        return f"{type(error).__name__}: {first[0] if first else ''}"[:300]

    @api.model
    def _schedule(self, hook, messages, error=None):
        """Store a run of ``hook`` for ``messages`` to do later (one row per
        company): a retry after ``error``, else a deferred run due now. The
        cron is woken for when it is due."""
        now = fields.Datetime.now()
        rows = self.sudo().create(
            [
                {
                    "hook": hook,
                    "message_ids": [fields.Command.set(mine.ids)],
                    "company_id": company.id,
                    "attempts": 1 if error is not None else 0,
                    "next_at": now + self._delay(1) if error is not None else now,
                    "last_error": self._error_text(error) if error is not None else False,
                }
                for company in messages.company_id
                for mine in [messages.filtered(lambda m, c=company: m.company_id == c)]
            ]
        )
        cron = self.env.ref("social_crm.ir_cron_social_crm_ingest_retry", raise_if_not_found=False)
        if cron and rows:
            cron.sudo()._trigger(at=min(rows.mapped("next_at")))
        return rows

    @api.model
    def _forget_messages(self, messages):
        """Erasure: these posts leave the rows waiting for them; a row left
        without posts goes."""
        rows = self.sudo().search([("message_ids", "in", messages.ids)])
        rows.write({"message_ids": [fields.Command.unlink(m.id) for m in messages]})
        rows.filtered(lambda r: not r.message_ids).unlink()

    @api.model
    def _cron_retry(self, limit=20):
        """Scheduled action: run the due hooks (deferred ones, and failed
        ones again). Rows are claimed with FOR UPDATE SKIP LOCKED, so two
        workers never run the same row. A success removes the row; a
        failure waits twice as long as the last time, up to MAX_ATTEMPTS."""
        self.env["social_crm.ingest.retry"].flush_model()
        self.env.cr.execute(
            "SELECT id FROM social_crm_ingest_retry WHERE state = 'pending' "
            "AND next_at <= %s ORDER BY next_at, id LIMIT %s FOR UPDATE SKIP LOCKED",
            [fields.Datetime.now(), limit],
        )
        rows = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        rows.fetch(["hook", "company_id", "attempts"])
        Ingest = self.env["social_crm.ingest"]
        now = fields.Datetime.now()
        for row in rows:
            # an erased (anonymised) post is never enriched again
            messages = row.message_ids.exists().filtered(lambda m: not m.erased)
            if not messages:
                row.unlink()
                continue
            name, model, method = Ingest._hook(row.hook)
            mine = Ingest.with_company(row.company_id)
            batch = Batch(messages.account_id[:1], self.env.user, {}, retry=row.attempts > 0)
            error = mine._run_hook(name, model, method, messages.with_env(mine.env).sudo(), batch)
            if error is None:
                row.unlink()
                continue
            attempts = row.attempts + 1
            row.write(
                {
                    "attempts": attempts,
                    "last_error": self._error_text(error),
                    "state": "pending" if attempts < MAX_ATTEMPTS else "failed",
                    "next_at": now + self._delay(attempts),
                }
            )
        # rows given up on stay a month for the administrator, then go
        self.sudo().search(
            [("state", "=", "failed"), ("write_date", "<", now - timedelta(days=KEEP_FAILED_DAYS))]
        ).unlink()
        remaining = self.sudo().search_count([("state", "=", "pending"), ("next_at", "<=", now)])
        if remaining:
            self.env.ref("social_crm.ir_cron_social_crm_ingest_retry").sudo()._trigger()
        self.env["ir.cron"]._notify_progress(done=len(rows), remaining=remaining)

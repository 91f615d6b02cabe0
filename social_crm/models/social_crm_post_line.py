"""One account's line of a planned post and its publication, once
(see ``social_crm_post`` for the whole story)."""

import hashlib
import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..connectors import ConnectorError, Post, RateLimitError
from ..connectors.length import text_length
from ._helpers import error_text
from .social_crm_guard import system
from .social_crm_outbound import DEDUPLICATION_WINDOW, _Ledger
from .social_crm_post import LINE_STATES, RECONCILE_MARGIN, X_FREE_DAILY_POSTS, _limits

_logger = logging.getLogger(__name__)


class SocialCrmPostLine(models.Model):
    """One account's variant of a planned post, and how its sending went."""

    _name = "social_crm.post.line"
    _description = "Planned social post, per account"
    _inherit = ["social_crm.guarded"]
    _order = "post_id, id"
    _social_crm_protected = frozenset(
        {"state", "platform_key", "attempted_at", "posted_at", "external_id"}
        | {"post_url", "error", "next_try_at", "customized"}
    )

    post_id = fields.Many2one("social_crm.post", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="post_id.company_id", store=True, index=True)
    account_id = fields.Many2one("social_crm.account", required=True, ondelete="cascade")
    platform = fields.Selection(related="account_id.platform")
    text = fields.Text(compute="_compute_text", store=True, readonly=False)
    customized = fields.Boolean(readonly=True, help="The text was adapted for this account.")
    length = fields.Integer(compute="_compute_length")  # pylint: disable=attribute-deprecated
    max_length = fields.Integer("Limit", compute="_compute_length")
    length_rule = fields.Char(compute="_compute_length")
    problem = fields.Char(compute="_compute_length")
    scheduled_at = fields.Datetime(related="post_id.scheduled_at", store=True, index=True)
    state = fields.Selection(LINE_STATES, default="draft", required=True, readonly=True, index=True)
    platform_key = fields.Char(readonly=True, copy=False, groups="base.group_system")
    attempted_at = fields.Datetime(readonly=True, copy=False)
    next_try_at = fields.Datetime(readonly=True, copy=False)
    posted_at = fields.Datetime(readonly=True, copy=False)
    external_id = fields.Char("Post id", readonly=True, copy=False)
    post_url = fields.Char("Post link", readonly=True, copy=False)
    message_id = fields.Many2one(
        "social_crm.message", "Stored post", compute="_compute_message_id", search="_search_message"
    )
    error = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        ("account_once", "unique(post_id, account_id)", "An account appears once per post."),
    ]

    @api.ondelete(at_uninstall=False)
    def _unlink_unless_published(self):
        if self.filtered(lambda line: line.state in ("posting", "posted")):
            raise UserError(
                self.env._("A published post stays on record: delete it on the platform.")
            )

    @api.depends("post_id.text")
    def _compute_text(self):
        for line in self:
            if not line.customized or not line.text:
                line.text = line.post_id.text

    @api.depends("text", "account_id.platform")
    def _compute_length(self):
        for line in self:
            rule, limit, needs_image = _limits(line.account_id.platform)
            line.length_rule, line.max_length = rule, limit
            line.length = text_length(line.text or "", rule)
            if needs_image and not line.post_id.image_ids:
                line.problem = self.env._(
                    "Instagram publishes only a photo (a JPEG at a public address) with a "
                    "caption: leave it out of a text post."
                )
            elif limit and line.length > limit:
                line.problem = self.env._(
                    "%(length)s of at most %(limit)s: shorten this text.",
                    length=line.length,
                    limit=limit,
                )
            elif not (line.text or "").strip():
                line.problem = self.env._("No text.")
            else:
                line.problem = False

    def _compute_message_id(self):
        Message = self.env["social_crm.message"]
        for line in self:
            line.message_id = (
                Message.search(
                    [
                        ("account_id", "=", line.account_id.id),
                        ("external_id", "=", line.external_id),
                        ("direction", "=", "out"),
                    ],
                    limit=1,
                )
                if line.external_id
                else False
            )

    def _search_message(self, operator, value):
        if operator != "=" or value is not False:
            raise UserError(self.env._("Only a search for lines without a stored post works."))
        self.env.cr.execute(
            """SELECT line.id FROM social_crm_post_line line
               WHERE line.external_id IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM social_crm_message m
                   WHERE m.account_id = line.account_id AND m.external_id = line.external_id)"""
        )
        return [("id", "in", [row[0] for row in self.env.cr.fetchall()])]

    def write(self, vals):
        if "text" in vals:
            if not self.env.su and self.filtered(
                lambda line: line.state not in ("draft", "failed")
            ):
                raise UserError(self.env._("A post planned or published is not edited."))
            return super(SocialCrmPostLine, system(self)).write({**vals, "customized": True})
        return super().write(vals)

    # ------------------------------------------------------------------
    # Publishing, once
    # ------------------------------------------------------------------
    def _daily_cap_reached(self):
        """Whether the account's posts of the last 24 hours reach its cap
        (X's free plan allows few)."""
        cap = self.account_id.publish_daily_cap
        if not cap:
            return False
        since = fields.Datetime.now() - timedelta(hours=24)
        sent = self.sudo().search_count(
            [
                ("account_id", "=", self.account_id.id),
                ("state", "in", ("posting", "posted")),
                ("attempted_at", ">=", since),
            ]
        )
        return sent >= cap

    def _publish(self):
        """Publish each line at most once; store what was published.
        Returns ``[(line, error words)]`` of the lines that did not go."""
        failed = []
        for line in self:
            try:
                with self.env.cr.savepoint():
                    error = line._publish_one()
            except Exception as exc:  # noqa: BLE001 - a cron must go on with the others
                _logger.exception("social_crm: publishing post line %s failed", line.id)
                error = str(exc) if isinstance(exc, UserError) else self.env._("Unexpected error.")
            if error:
                failed.append((line, error))
        return failed

    def _publish_one(self):
        self.ensure_one()
        account = self.account_id
        connector = account._get_connector()
        now = fields.Datetime.now()
        with _PostLedger(self.env) as ledger:
            line = ledger.fresh(self)
            if line.state == "posted":
                return None
            post = None
            if line.state == "posting":
                post, resend = line._reconcile(connector, ledger)
                if post is None and not resend:
                    return line.error
            else:
                if line.state not in ("draft", "scheduled"):
                    return None
                try:
                    connector.check_publish(line.text or "", line._publish_images(load=False))
                except ConnectorError as error:
                    words = error_text(self.env, error)
                    ledger.move(line, (line.state,), {"state": "failed", "error": words})
                    return words
                if line._daily_cap_reached():
                    words = self.env._(
                        "%(account)s reached its limit of %(cap)s posts a day; "
                        "it is tried again in an hour.",
                        account=account.name,
                        cap=account.publish_daily_cap,
                    )
                    ledger.move(
                        line,
                        (line.state,),
                        {
                            "state": "scheduled",
                            "error": words,
                            "next_try_at": now + timedelta(hours=1),
                        },
                    )
                    return words
                key = hashlib.sha256(f"post.line\x1f{line.id}".encode()).hexdigest()
                if not ledger.move(
                    line,
                    (line.state,),
                    {
                        "state": "posting",
                        "platform_key": f"{key}.{int(now.timestamp() * 1_000_000)}",
                        "attempted_at": now,
                        "error": False,
                    },
                ):
                    return None  # another run took it
            if post is None:
                post = line._send(connector, ledger)
                if post is None:
                    return line.error
            ledger.move(
                line,
                ("posting",),
                {
                    "state": "posted",
                    "external_id": post.external_id,
                    "post_url": post.url or False,
                    "posted_at": post.posted_at or now,
                    "error": False,
                    "next_try_at": False,
                },
            )
        self.invalidate_recordset()
        self._store(post)
        return None

    def _send(self, connector, ledger):
        """The platform call, for a line "posting" in the ledger. On a
        refusal the line fails; a rate limit (nothing was posted) plans it
        again for when the platform allows; when the outcome is unknown (a
        timeout, a 5xx) it stays "posting" for the next run to reconcile."""
        try:
            return self._platform_publish(connector, ledger)
        except ConnectorError as error:
            words = error_text(self.env, error)
            values = {"error": words}
            if isinstance(error, RateLimitError):
                later = error.retry_at or fields.Datetime.now() + timedelta(minutes=15)
                values.update(state="scheduled", next_try_at=later)
            elif not error.transient:
                values["state"] = "failed"
            ledger.move(self, ("posting",), values)
            return None

    def _platform_publish(self, connector, ledger):
        """The platform call itself: the text and the post's images."""
        return connector.publish(
            self.text, idempotency_key=self.sudo().platform_key, images=self._publish_images()
        )

    def _reconcile(self, connector, ledger):
        """An earlier run ended without knowing whether the platform
        published this line. Returns ``(post, resend)``: the post when the
        platform has it; else whether sending again is safe (the platform
        deduplicates). When it is not, the line fails, saying so."""
        sudo = self.sudo()
        since = (self.attempted_at or fields.Datetime.now()) - RECONCILE_MARGIN
        try:
            post = connector.find_published(sudo.platform_key, self.text, since=since)
        except NotImplementedError:
            post = None
            recent = self.attempted_at and (
                self.attempted_at > fields.Datetime.now() - DEDUPLICATION_WINDOW
            )
            if not (connector.deduplicates and recent):
                ledger.move(self, ("posting",), {"state": "failed", "error": self._unknown_words()})
                return None, False
        except ConnectorError as error:
            ledger.move(
                self,
                ("posting",),
                {"error": error_text(self.env, error), "attempted_at": self.attempted_at},
            )
            return None, False
        if post:
            return post, False
        if connector.deduplicates:
            return None, True
        ledger.move(self, ("posting",), {"state": "failed", "error": self._unknown_words()})
        return None, False

    def _unknown_words(self):
        return self.env._(
            "An earlier attempt (%(when)s) ended without an answer from the platform and the "
            "post is not among the account's recent posts, so it was not sent again. Check the "
            "account on the platform; if it is not there, press Try again.",
            when=fields.Datetime.to_string(self.attempted_at),
        )

    def _store(self, post=None):
        """Store the published post as our own post (a new conversation
        whose replies land in the inbox), once."""
        self.ensure_one()
        if post is None:
            post = Post(
                external_id=self.external_id,
                text=self.text or "",
                posted_at=self.posted_at,
                url=self.post_url or "",
            )
        post.author = post.author or self.account_id._own_profile()
        post.parent_external_id = ""
        post.conversation_key = post.conversation_key or post.external_id
        Message = self.env["social_crm.message"].sudo()
        ours = Message._ingest(self.account_id.sudo(), [post], direction="out")
        # our own post starts the conversation: it answers nobody, so the
        # first reply to it waits for an agent (response times, SLA)
        ours.conversation_id.filtered(lambda c: not c.first_inbound_at).write(
            {"first_response_at": False}
        )
        return ours

    @api.model
    def _ledger(self):
        """A :class:`_PostLedger` over ``self.env``."""
        return _PostLedger(self.env)

    def action_retry(self):
        """A failed line goes again (a new request: a new platform key)."""
        self.post_id._check_publisher()
        with _PostLedger(self.env) as ledger:
            for line in self.filtered(lambda line: line.state == "failed"):
                ledger.move(
                    line,
                    ("failed",),
                    {"state": "draft", "error": False, "publish_container": False},
                )
        return True


class _PostLedger(_Ledger):
    """The outbound ledger (a cursor of its own, committed at once) for
    post lines: :meth:`move` changes a line's state only from the states
    given, so two runs never both take a line."""

    def fresh(self, line):
        """``line`` as committed (this cursor), or as the caller sees it when
        it is not committed yet (tests): then everything stays in the
        caller's transaction."""
        if self.cr is not None:
            self.cr.execute("SELECT 1 FROM social_crm_post_line WHERE id = %s", [line.id])
            if not self.cr.rowcount:
                self._fall_back()
        return line.with_env(self.env)

    def move(self, line, from_states, values):
        """Write ``values`` on ``line`` if its state is one of
        ``from_states``; return whether it was. Committed at once."""
        line = self.fresh(line)
        try:
            with self.env.cr.savepoint(flush=False):
                # never wait on the caller's own transaction (another cursor)
                self.env.cr.execute("SET LOCAL lock_timeout = 5000")
                self.env.cr.execute(
                    "SELECT id FROM social_crm_post_line WHERE id = %s AND state IN %s "
                    "FOR UPDATE NOWAIT",
                    [line.id, tuple(from_states)],
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                self.main_env._("This post is being published right now: refresh the page.")
            ) from error
        if not self.env.cr.rowcount:
            return False
        line.write(values)
        self.commit()
        return True


class SocialCrmAccountPublish(models.Model):
    _inherit = "social_crm.account"

    publish_daily_cap = fields.Integer(
        "Posts a day",
        compute="_compute_publish_daily_cap",
        store=True,
        readonly=False,
        help="The most posts published from Social CRM in 24 hours (0: no cap). X's free "
        "plan allows 17 a day.",
    )

    @api.depends("platform")
    def _compute_publish_daily_cap(self):
        for account in self:
            if not account.publish_daily_cap:
                account.publish_daily_cap = X_FREE_DAILY_POSTS if account.platform == "x" else 0

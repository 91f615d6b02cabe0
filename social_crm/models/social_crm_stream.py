import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..connectors import CONNECTORS, ConnectorError, CursorExpired, RateLimitError, StreamSpec
from ._helpers import (
    count_by,
    notification,
    retry_time,
    run_guarded,
    window_action,
    words_text,
)

_logger = logging.getLogger(__name__)

#: wait after an error that a person has to fix (keys, plan)
ERROR_BACKOFF = timedelta(hours=1)


class SocialCrmStream(models.Model):
    _name = "social_crm.stream"
    _description = "Social CRM listening stream"
    _order = "account_id, id"

    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one(
        "social_crm.account", required=True, ondelete="cascade", index=True
    )
    platform = fields.Selection(related="account_id.platform", store=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    campaign_id = fields.Many2one(
        "utm.campaign",
        help="Leads created from this stream's posts get this marketing campaign.",
    )
    content_campaign_id = fields.Many2one(
        "social_crm.content.campaign",
        "Photo campaign",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
        help="Created by this photo campaign, which starts and stops it.",
    )
    kind = fields.Selection(
        [
            ("mention", "Mentions of us"),
            ("keyword", "Keyword"),
            ("hashtag", "Hashtag"),
            ("dm", "Direct messages"),
        ],
        required=True,
        default="mention",
        help="Direct messages: the private messages people send the account (X and "
        "Bluesky; Mastodon's direct posts come with the mentions and Meta's messages "
        "by webhook). They are stored in private conversations; the stream keeps its "
        "own cursor.",
    )
    query = fields.Char(help="The keyword or hashtag to listen for.")
    interval_minutes = fields.Integer("Pull every (minutes)", default=5, required=True)
    page_size = fields.Integer(default=100, required=True)
    cursor = fields.Json(
        copy=False,
        readonly=True,
        help="Where the next pull starts. It moves only together with the "
        "posts it covers, in the same transaction.",
    )
    next_sync_at = fields.Datetime("Next pull", copy=False, index=True)
    last_sync_at = fields.Datetime("Last pull", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    last_error_detail = fields.Text(
        "Technical detail", readonly=True, copy=False, groups="base.group_system"
    )
    message_count = fields.Integer("Posts", compute="_compute_message_count")

    _sql_constraints = [
        (
            "interval_positive",
            "CHECK(interval_minutes > 0)",
            "The pull interval must be at least one minute.",
        ),
        ("page_size_positive", "CHECK(page_size > 0)", "The page size must be positive."),
    ]

    @api.depends("kind", "query", "account_id.name")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for stream in self:
            label = kinds.get(stream.kind, "")
            stream.name = f"{label}: {stream.query}" if stream.query else label

    @api.constrains("kind", "query")
    def _check_query(self):
        for stream in self:
            if stream.kind in ("keyword", "hashtag") and not (stream.query or "").strip():
                raise ValidationError(
                    self.env._(
                        "The stream '%s' listens for a keyword or hashtag: enter it.", stream.name
                    )
                )

    @api.constrains("kind", "account_id")
    def _check_dm_platform(self):
        for stream in self.filtered(lambda s: s.kind == "dm"):
            factory = CONNECTORS.get(stream.platform)
            if not (factory and factory.supports_dms):
                raise ValidationError(
                    self.env._(
                        "The stream '%s' reads direct messages, which this platform does "
                        "not offer as a stream.",
                        stream.name,
                    )
                )

    def _compute_message_count(self):
        counts = count_by(self, "social_crm.message", "stream_id")
        for stream in self:
            stream.message_count = counts.get(stream, 0)

    @api.model_create_multi
    def create(self, vals_list):
        streams = super().create(vals_list)
        if streams:
            self._trigger_sync()
        return streams

    # ------------------------------------------------------------------
    # Pulling
    # ------------------------------------------------------------------
    def _spec(self):
        account = self.account_id
        return StreamSpec(
            kind=self.kind,
            query=self.query or "",
            account_user_id=account.external_user_id or "",
            account_handle=account.handle or "",
            page_size=self.page_size,
        )

    def _sync_batch(self):
        """Pull one page, store its posts and move the cursor.

        All of it happens in the caller's transaction: the posts and the new
        cursor are committed together or not at all, so a crash at any point
        loses nothing and a rerun duplicates nothing.
        """
        self.ensure_one()
        result = self.account_id._get_connector().fetch(self._spec(), self.cursor)
        messages = self.env["social_crm.message"]._ingest(
            self.account_id, self._prepare_posts(result), stream=self
        )
        now = fields.Datetime.now()
        self.write(
            {
                "cursor": result.cursor,
                "last_sync_at": now,
                "last_error_words": False,
                "next_sync_at": now
                if result.has_more
                else now + timedelta(minutes=self.interval_minutes),
            }
        )
        if self.sudo().last_error_detail:
            self.sudo().last_error_detail = False
        self.account_id._record_success()
        return messages, result.has_more

    def _prepare_posts(self, result):
        """The posts of a fetched page, as they are stored (a hook)."""
        return result.posts

    def _record_failure(self, error):
        """Remember why a pull failed and when to try again. The cursor stays
        put, except when the platform no longer accepts it
        (:class:`CursorExpired`): then it starts again from the safe cursor the
        connector gives, once, and the stream says so."""
        self.ensure_one()
        now = fields.Datetime.now()
        words, detail = self.account_id._error_words(error)
        _logger.info("social_crm: stream %s: %s", self.id, detail)
        if isinstance(error, CursorExpired) and self.cursor and error.cursor != self.cursor:
            self.write(
                {"cursor": error.cursor or False, "last_error_words": words, "next_sync_at": now}
            )
            self.sudo().last_error_detail = detail
            # a note stays as written: write it in the company's language
            # (the cron runs in English), not in whoever's language ran it
            account = self.account_id.sudo().with_context(
                lang=self.account_id.company_id.partner_id.lang or self.env.lang
            )
            account.message_post(
                body=account.env._(
                    "Stream %(stream)s: %(what)s",
                    stream=self.name,
                    what=words_text(account.env, words),
                )
            )
            self._trigger_sync(at=now)
            return
        retry_at = retry_time(error, now, timedelta(minutes=self.interval_minutes), ERROR_BACKOFF)
        streams = self
        if isinstance(error, RateLimitError) and error.scope in ("daily", "monthly"):
            streams = self.account_id.stream_ids  # a plan cap stops the whole account
        streams.write({"last_error_words": words, "next_sync_at": retry_at})
        streams.sudo().last_error_detail = detail
        if isinstance(error, ConnectorError):
            self.account_id._record_error(error)
        self._trigger_sync(at=retry_at)

    # the scheduled action (_cron_sync) and its shards: social_crm_shard_cron.py
    def _due_domain(self):
        now = fields.Datetime.now()
        return [
            ("active", "=", True),
            ("account_id.active", "=", True),
            "|",
            ("next_sync_at", "=", False),
            ("next_sync_at", "<=", now),
        ]

    def _sync_guarded(self):
        """Pull one batch; record any failure on the stream (and, for platform
        errors, the account) instead of raising. The savepoint rolls a failed
        batch back, so its cursor stays put.

        :return: (new messages, error or None)
        """
        self.ensure_one()
        result, error = run_guarded(
            self.env, f"stream {self.id}", self._sync_batch, self._record_failure, _logger
        )
        return (result[0] if result else self.env["social_crm.message"]), error

    def action_sync_now(self):
        """Pull one page of each stream now, and tell the user what happened."""
        created = self.env["social_crm.message"]
        errors = []
        for stream in self:
            messages, error = stream._sync_guarded()
            created |= messages
            if error:
                errors.append(f"{stream.name}: {stream.account_id._human_error(error)[0]}")
        if errors:
            message, kind = "\n".join(errors), "danger"
        else:
            message = self.env._("%s new post(s).", len(created))
            kind = "success"
        return notification(message, kind, sticky=bool(errors))

    def action_reset_cursor(self):
        """Start listening from now on (the next pull takes the latest page).
        A demo stream plays its sample again, as a new round of new posts
        (the posts of the rounds played so far are stored already)."""
        for stream in self:
            factory = CONNECTORS.get(stream.platform)
            restart = factory.restart_cursor(stream.cursor) if factory else None
            stream.write({"cursor": restart or False})
        return True

    def action_view_messages(self):
        return window_action(self, "social_crm.action_social_crm_message", "stream_id")

import dataclasses
import hashlib
import logging
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError

from ..connectors import ConnectorError, Message, Post, RateLimitError
from ._helpers import error_text

_logger = logging.getLogger(__name__)

#: the states in which a request's key is taken: at most one such record per key
OPEN_STATES = ("sending", "sent", "unknown")
#: how long Mastodon keeps an Idempotency-Key (an hour), with a margin
DEDUPLICATION_WINDOW = timedelta(minutes=50)


@dataclasses.dataclass
class Sent:
    """What :meth:`SocialCrmOutbound._send_once` sent: the platform's post,
    the words sent and the reference kept with them (an earlier run's, when
    ``earlier``), and the outbound record's id."""

    post: Post
    text: str
    reference: str
    outbound_id: int
    earlier: bool = False

    def done(self, env):
        """Call once the post is stored: the key is free for a new request."""
        env["social_crm.outbound"].browse(self.outbound_id)._mark_done()


class SocialCrmOutbound(models.Model):
    """One message we post to a platform (a reply, a consent link, a rights
    request), written and committed in its own transaction before the
    platform is called.

    Odoo runs an RPC again after a serialization failure, and a failure
    after the platform call rolls back everything the call wrote; this
    record outlives that rollback, so the call run again finds the post
    already sent (and only records it) instead of sending it twice.
    Nobody writes these by hand: agents read their company's.
    """

    _name = "social_crm.outbound"
    _description = "Outgoing social post"
    _order = "id desc"
    _rec_name = "kind"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    conversation_id = fields.Many2one(
        "social_crm.conversation", required=True, ondelete="cascade", readonly=True, index=True
    )
    account_id = fields.Many2one(
        "social_crm.account", required=True, ondelete="cascade", readonly=True
    )
    user_id = fields.Many2one("res.users", "Sent by", readonly=True)
    kind = fields.Selection(
        [("reply", "Reply"), ("consent", "Consent link"), ("rights", "Rights request")],
        required=True,
        readonly=True,
    )
    idempotency_key = fields.Char(required=True, readonly=True, index=True)
    platform_key = fields.Char(
        readonly=True, help="The key the platform deduplicates on, where it can."
    )
    target_external_id = fields.Char("Answers", readonly=True)
    text = fields.Text(readonly=True)
    reference = fields.Char(readonly=True, groups="base.group_system")
    state = fields.Selection(
        [
            ("sending", "Sending"),
            ("sent", "Sent"),
            ("done", "Sent and recorded"),
            ("unknown", "Outcome unknown"),
            ("failed", "Not sent"),
        ],
        required=True,
        readonly=True,
        default="sending",
        index=True,
    )
    external_post_id = fields.Char("Post id", readonly=True)
    post_url = fields.Char("Post link", readonly=True)
    post_text = fields.Text(readonly=True)
    post_conversation_key = fields.Char(readonly=True)
    posted_at = fields.Datetime(readonly=True)
    error = fields.Text(readonly=True)

    def init(self):
        # one open request per key; failed and recorded ones are history
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS social_crm_outbound_open_key "
            "ON social_crm_outbound (idempotency_key) "
            "WHERE state IN ('sending', 'sent', 'unknown')"
        )

    # ------------------------------------------------------------------
    # Sending once
    # ------------------------------------------------------------------
    @api.model
    def _key(self, kind, conversation, target_external_id, text):
        """The same request (same kind, conversation, target, words and
        agent) always gives the same key: the call Odoo runs again finds it."""
        parts = [kind, str(conversation.id), target_external_id or "", str(self.env.uid), text]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    @api.model
    def _send_once(
        self, conversation, kind, target_external_id, text, send, key_text=None, reference=None
    ):
        """Call ``send(platform_key)`` (the platform call, returning a
        :class:`Post`) at most once for this request; return a :class:`Sent`.

        Lock the conversation first. When an earlier run of the same request
        sent it already, its post is returned without a platform call (with
        the words and ``reference`` of then); when an earlier run's outcome
        is unknown, the platform is asked first. A refusal is raised as the
        :class:`ConnectorError` ``send`` raises. ``key_text`` stands for
        ``text`` in the key (consent links differ on every run).
        """
        conversation.check_access("write")
        key = self._key(
            kind, conversation, target_external_id, text if key_text is None else key_text
        )
        connector = conversation.account_id._get_connector()
        with _Ledger(self.env) as ledger:
            outbound = ledger.open_request(key)
            if outbound.state == "sent" and outbound._recorded(self.env):
                ledger.write(outbound, {"state": "done"})  # a request done before: a new one
                outbound = outbound.browse()
            post = None
            if outbound.state == "sent":
                post = outbound._as_post()
            elif outbound:  # "sending" or "unknown": a run that ended without an answer
                post = outbound._ask_platform(connector, ledger)
            if post:
                return outbound._sent(post, earlier=True)
            if not outbound:
                now = fields.Datetime.now()
                outbound = ledger.create(
                    {
                        "company_id": conversation.company_id.id,
                        "conversation_id": conversation.id,
                        "account_id": conversation.account_id.id,
                        "user_id": self.env.uid,
                        "kind": kind,
                        "idempotency_key": key,
                        "platform_key": f"{key}.{int(now.timestamp() * 1_000_000)}",
                        "target_external_id": target_external_id,
                        "text": text,
                        "reference": reference,
                    }
                )
            return outbound._sent(outbound._send(send, ledger))

    def _sent(self, post, earlier=False):
        return Sent(post, self.text, self.reference, self.id, earlier)

    def _send(self, send, ledger):
        """Call the platform for this "sending" record and keep the outcome."""
        try:
            post = send(self.platform_key)
        except ConnectorError as error:
            # a timeout or a 5xx may come after the platform posted it
            unknown = getattr(error, "transient", False) and not isinstance(error, RateLimitError)
            ledger.write(
                self, {"state": "unknown" if unknown else "failed", "error_words": error.words()}
            )
            if unknown:
                # shown in the reader's language (_helpers.error_words)
                raise type(error)(
                    Message("maybe_posted", error=error.message or str(error))
                ) from error
            raise
        except Exception as error:
            ledger.write(self, {"state": "unknown", "error_words": {"text": str(error)}})
            raise
        ledger.write(self, self._post_values(post))
        return post

    def _ask_platform(self, connector, ledger):
        """An earlier run of this request ended without knowing whether the
        platform posted it. Ask the platform; resend only where it cannot
        post twice. Returns the post when it was sent, else None (the record
        is "sending" again, for :meth:`_send`)."""
        try:
            post = connector.find_sent(self.platform_key, self.target_external_id)
        except NotImplementedError:
            post = None
            resend = connector.deduplicates and (
                self.create_date > fields.Datetime.now() - DEDUPLICATION_WINDOW
            )
            if not resend:
                ledger.write(self, {"state": "unknown"})
                ledger.commit()
                raise UserError(
                    self.env._(
                        "An earlier attempt to send this (%(when)s) ended without an answer "
                        "from the platform, so it may have been posted already. Check the "
                        "conversation on the platform; if it is not there, mark the attempt "
                        '"Not sent" in Social CRM > Outgoing posts and send again.',
                        when=fields.Datetime.to_string(self.create_date),
                    )
                ) from None
        except ConnectorError as error:
            raise UserError(
                self.env._(
                    "An earlier attempt to send this may have been posted; the platform "
                    "cannot tell now (%(error)s). Nothing was sent again: try again later.",
                    error=error_text(self.env, error),
                )
            ) from error
        if post:
            ledger.write(self, self._post_values(post))
            return post
        ledger.write(self, {"state": "sending", "error_words": False})
        return None

    @staticmethod
    def _post_values(post):
        return {
            "state": "sent",
            "error_words": False,
            "external_post_id": post.external_id,
            "post_url": post.url or False,
            "post_text": post.text,
            "post_conversation_key": post.conversation_key or False,
            "posted_at": post.posted_at or fields.Datetime.now(),
        }

    def _as_post(self):
        """The post an earlier run sent, as the connector returned it."""
        return Post(
            external_id=self.external_post_id,
            text=self.post_text or self.text or "",
            posted_at=self.posted_at,
            url=self.post_url or "",
            conversation_key=self.post_conversation_key or "",
            parent_external_id=self.target_external_id or "",
        )

    def _recorded(self, env):
        """Whether the post is stored in the database ``env`` sees: the
        request that sent it was completed."""
        return bool(
            env["social_crm.message"]
            .sudo()
            .search_count(
                [
                    ("account_id", "=", self.account_id.id),
                    ("external_id", "=", self.external_post_id),
                ],
                limit=1,
            )
        )

    def _mark_done(self):
        """After the caller's transaction stored the post: the key is free
        for a new request. Runs once that transaction commits."""
        ids = self.ids
        registry = self.env.registry

        def mark():
            with registry.cursor() as cr:
                cr.execute(
                    "UPDATE social_crm_outbound SET state = 'done', write_date = now() "
                    "at time zone 'UTC' WHERE id = ANY(%s) AND state = 'sent'",
                    [ids],
                )

        # not in this transaction: its snapshot may predate the record's last write
        self.env.cr.postcommit.add(mark)

    # ------------------------------------------------------------------
    # Agent action
    # ------------------------------------------------------------------
    def action_mark_not_sent(self):
        """The agent checked the platform: the post whose outcome was
        unknown is not there, so the request may be sent again."""
        self.check_access("read")
        unknown = self.filtered(lambda o: o.state in ("unknown", "sending"))
        for outbound in unknown:
            outbound.conversation_id.check_access("write")
        with _Ledger(self.env) as ledger:  # written where they are written: on their own
            ledger.write(unknown, {"state": "failed"})
        return True


class _Ledger:
    """Writes outbound records in a cursor of their own, committed at once,
    so that they outlive a rollback of the caller's transaction.

    Records pointing to rows the caller's transaction created and has not
    committed (a conversation made in the same call; tests) cannot be seen
    from another transaction: then they are written in the caller's, as
    the best that can be done there.
    """

    def __init__(self, env):
        self.main_env = env
        self.cr = None
        self.env = None

    def __enter__(self):
        self.cr = self.main_env.registry.cursor()
        self.env = api.Environment(self.cr, SUPERUSER_ID, {"lang": self.main_env.lang})
        return self

    def __exit__(self, *exc):
        if self.cr is not None:
            if not any(exc):
                self.commit()
            self.cr.close()
        return False

    def commit(self):
        if self.cr is not None:
            self.env.flush_all()
            # its own cursor: the "sending" record must outlive a rollback of the call
            self.cr.commit()  # pylint: disable=invalid-commit

    def _fall_back(self):
        _logger.info("social_crm: outbound record kept in the caller's transaction")
        if self.cr is not None:
            self.cr.rollback()
            self.cr.close()
        self.cr = None
        self.env = self.main_env(su=True)

    def _sees(self, values):
        """Whether this cursor sees the rows ``values`` point to."""
        for table, key in (
            ("social_crm_conversation", "conversation_id"),
            ("social_crm_account", "account_id"),
            ("res_users", "user_id"),
        ):
            self.cr.execute(f"SELECT 1 FROM {table} WHERE id = %s", [values[key]])  # noqa: S608
            if not self.cr.rowcount:
                return False
        return True

    def open_request(self, key):
        domain = [("idempotency_key", "=", key), ("state", "in", OPEN_STATES)]
        found = self.env["social_crm.outbound"].search(domain, limit=1)
        if not found and self.cr is not None:
            found = self.main_env["social_crm.outbound"].sudo().search(domain, limit=1)
            self.cr.execute("SELECT 1 FROM social_crm_outbound WHERE id = %s", [found.id or 0])
            if self.cr.rowcount:  # committed: this cursor's view is the newer one
                found = found.browse()
            elif found:  # written earlier in the caller's transaction
                self._fall_back()
                found = found.with_env(self.env)
        return found

    def create(self, values):  # pylint: disable=method-required-super
        if self.cr is not None and not self._sees(values):
            self._fall_back()
        if self.cr is None:
            with self.env.cr.savepoint():
                return self.env["social_crm.outbound"].create(values)
        try:
            outbound = self.env["social_crm.outbound"].create(values)
            self.commit()
        except psycopg2.errors.UniqueViolation as error:
            raise UserError(
                self.main_env._("This is being sent right now: refresh the page.")
            ) from error
        return outbound

    def write(self, outbound, values):  # pylint: disable=method-required-super
        outbound.with_env(self.env).write(values)
        self.commit()

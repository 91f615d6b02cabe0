"""The ingestion pipeline: how a page of posts becomes inbox work.

Every way a post arrives (demo, stream crons, webhooks, Flickr comments)
calls ``social_crm.message._ingest(account, posts, stream)``, which hands
the page to :meth:`SocialCrmIngest._ingest_posts`. Read top to bottom::

    posts (connector Post objects, one page)
      |
      |  _normalise       Instagram webhook mentions looked up (ids only -> caption, author)
      |  _dedupe          drop posts already stored (unique platform, external id, company)
      |  _identities      authors upserted (social_crm.identity._upsert_profiles)
      |  _conversations   each post's conversation found or started (conversation._for_posts)
      |  _classify        intent, sentiment, language: once per post
      |  _store           one create() of the page's rows, then the parent links
      |  _refresh         workflow values per conversation (one batched write), then
      |                   priority and SLA for the page's conversations at once; each post
      |                   keeps its conversation's priority figure (computed once)
      v
    hooks, in the order of HOOKS below, each ``method(messages, batch)``

Our own posts (replies, private messages, published posts) take the short
way, :meth:`SocialCrmIngest._store_our_posts`: dedupe, store, parent link,
workflow "replied" and SLA, the funnel's "engaged" and the Discuss thread.
No classification, no incoming hooks.

The hook contract
-----------------
- A hook is called once per page (with the page's new posts, never one by
  one), in the fixed order of ``HOOKS``, inside the page's transaction.
- A hook is isolated: the hooks run under one savepoint; when one raises,
  that savepoint is rolled back and the hooks run again one by one, each
  under its own savepoint. The failing hook's own writes are undone, the
  error is logged, and a retry row
  (``social_crm.ingest.retry``: hook, posts, attempts, last error, company)
  is stored; the next hooks still run and the page's posts stay stored. The
  cron "Social CRM: retry ingestion hooks" runs the hook again later for the
  same posts (backoff, at most ``MAX_ATTEMPTS`` tries).
- So a hook must be idempotent for a set of posts (a retry may meet posts
  whose work was partly done; after a failure in the page, the hooks before
  it run a second time, their first run undone), and must work without
  ``batch.posts``, the connector objects, which a retry does not have (the
  Flickr hook then only completes the owners' profiles).
- Bus notifications sent by a hook whose savepoint is rolled back are not
  taken back: a hook that notifies does so last, after its writes.
"""

import logging
from dataclasses import dataclass, field

from odoo import api, fields, models

from .. import classify

_logger = logging.getLogger(__name__)

# (name, model, method): what happens to new incoming posts once stored, in order.
HOOKS = [
    # the person's funnel: they answered one of our posts -> engaged
    ("funnel", "social_crm.message", "_ingest_hook_funnel"),
    # a code of a pending suggestion comes back; unmatched authors are matched again
    ("matching", "social_crm.message", "_ingest_hook_matching"),
    # photo campaigns: rights answers, withdrawals, new entries
    ("content", "social_crm.content", "_ingest_hook_content"),
    # Flickr photos: the licence decides the new entries
    ("flickr", "social_crm.message", "_ingest_hook_flickr"),
    # round-robin assignment of the page's unassigned conversations
    ("assignment", "social_crm.conversation", "_ingest_hook_assign"),
    # the posts into each conversation's Discuss thread (one batch), members join
    ("discuss", "social_crm.conversation", "_ingest_hook_discuss"),
    # "a known customer posts": the pop-up in the agents' and salesperson's browsers
    ("popup", "social_crm.conversation", "_ingest_hook_popup"),
    # a complaint by an author above the follower threshold raises an alert
    ("alerts", "social_crm.alert", "_ingest_hook_alerts"),
    # posts worth watching get their spread readings scheduled
    ("spread", "social_crm.message", "_ingest_hook_spread"),
]

# With the system parameter ``social_crm.ingest_deferred`` set, these hooks do
# not run in the page's transaction: the page stores and shows its posts
# (rows, Discuss threads, priority, SLA, assignment, pop-ups, alerts) and
# leaves one row per hook in ``social_crm.ingest.retry`` for the cron, which
# is triggered at once and claims rows with FOR UPDATE SKIP LOCKED.
DEFERRABLE = frozenset({"funnel", "matching", "content", "spread"})

# our own posts: stored, then only these
OUTGOING_HOOKS = [
    ("funnel", "social_crm.message", "_ingest_hook_funnel"),
    ("discuss", "social_crm.conversation", "_ingest_hook_discuss"),
]


def batch_write(records, updates):
    """Write ``updates`` ({record id: field values}) to ``records``' model as
    one batch: the values go to the cache and are flushed as one UPDATE per
    set of fields, without a ``write()`` call per record. For the pipeline's
    own computed values only (no access check, no guard, no tracking):
    never for a user's input nor for tracked fields."""
    if not updates:
        return
    records = records.browse(list(updates))
    fnames = set().union(*updates.values())
    assert not any(getattr(records._fields[f], "tracking", False) for f in fnames), fnames
    relational = [f for f in fnames if records._fields[f].relational]
    if relational:
        records.modified(relational, before=True)
    for record_id, vals in updates.items():
        record = records.browse(record_id)
        for fname, value in vals.items():
            records._fields[fname].write(record, value)
    records.modified(fnames)


@dataclass
class Batch:
    """What a hook knows of its page besides the stored posts."""

    account: object
    agent: object  # res.users: who ingests (the sender, for our own posts)
    posts: dict = field(default_factory=dict)  # external id -> connector Post; empty on retry
    retry: bool = False


class SocialCrmIngest(models.AbstractModel):
    _name = "social_crm.ingest"
    _description = "Social CRM ingestion pipeline"

    # ------------------------------------------------------------------
    # Incoming posts
    # ------------------------------------------------------------------
    @api.model
    def _ingest_posts(self, account, posts, stream=None):
        """Store a page of incoming connector posts, idempotently, and run
        the hooks. Returns the new messages (sudo)."""
        agent = self.env.user
        posts = self._normalise(account, posts, stream)
        new, known = self._dedupe(account, posts)
        if not new:
            return self.env["social_crm.message"].sudo()
        identities = self._identities(account, new)
        conversations, by_external = self._conversations(account, new)
        found = self._classify(account, new)
        messages = self._store(
            account, new, stream, identities, conversations, by_external, found, "in"
        )
        self._refresh(messages)
        batch = Batch(account, agent, {p.external_id: p for p in new})
        self._run_hooks(HOOKS, messages, batch)
        return messages

    @api.model
    def _normalise(self, account, posts, stream):
        """Posts as the platforms send them -> posts we can store."""
        if account.platform == "instagram" and not stream:
            posts = self.env["social_crm.message"]._ig_look_up_mentions(account, posts)
        return posts

    @api.model
    def _dedupe(self, account, posts):
        """The page's posts not stored yet (first of each external id), oldest
        first; and the set of external ids already stored."""
        batch = {}
        for post in posts:
            batch.setdefault(post.external_id, post)
        if not batch:
            return [], set()
        self.env["social_crm.message"].flush_model(["platform", "company_id", "external_id"])
        self.env.cr.execute(
            "SELECT external_id FROM social_crm_message "
            "WHERE platform = %s AND company_id = %s AND external_id = ANY(%s)",
            [account.platform, account.company_id.id, list(batch)],
        )
        known = {row[0] for row in self.env.cr.fetchall()}
        new = sorted(
            (p for p in batch.values() if p.external_id not in known),
            key=lambda p: (p.posted_at is None, p.posted_at or 0, p.external_id),
        )
        return new, known

    @api.model
    def _identities(self, account, new):
        """platform user id -> identity, for the authors of ``new``."""
        return (
            self.env["social_crm.identity"]
            .sudo()
            ._upsert_profiles(account.platform, [p.author for p in new])
        )

    @api.model
    def _conversations(self, account, new):
        """(external id -> conversation, external id -> stored parent message)."""
        Message = self.env["social_crm.message"].sudo()
        parent_ids = {p.parent_external_id for p in new if p.parent_external_id}
        by_external = {}
        if parent_ids:
            by_external = {
                m.external_id: m
                for m in Message.search(
                    [
                        ("platform", "=", account.platform),
                        ("company_id", "=", account.company_id.id),
                        ("external_id", "in", list(parent_ids)),
                    ]
                )
            }
        conversations = (
            self.env["social_crm.conversation"].sudo()._for_posts(account, new, by_external)
        )
        return conversations, by_external

    @api.model
    def _classify(self, account, new):
        """external id -> classifier result (intent, sentiment, language),
        with the company's agents' corrections applied."""
        adaptation = self.env["social_crm.adaptation"]._for_company(account.company_id)
        return {
            post.external_id: classify.classify(post.text or "", adaptation=adaptation)
            for post in new
        }

    @api.model
    def _store(self, account, new, stream, identities, conversations, by_external, found, way):
        """One create() for the page, then each reply points at its parent."""
        now = fields.Datetime.now()
        agent = self.env.user
        vals_list = []
        for post in new:
            identity = identities.get(post.author.user_id) if post.author else None
            result = found.get(post.external_id, {})
            detected = result.get("lang")
            vals_list.append(
                {
                    "conversation_id": conversations[post.external_id].id,
                    "account_id": account.id,
                    "stream_id": stream.id if stream else False,
                    "platform": account.platform,
                    "external_id": post.external_id,
                    "parent_external_id": post.parent_external_id or False,
                    "author_identity_id": identity.id if identity else False,
                    "text": post.text,
                    "url": post.url or False,
                    "media_urls": "\n".join(post.media_urls) or False,
                    "posted_at": post.posted_at or now,
                    "received_at": now,
                    "direction": way,
                    "lang": (detected if detected and detected != "und" else post.lang) or False,
                    "sentiment": result.get("sentiment", False),
                    "sentiment_score": result.get("scores", {}).get("compound", 0.0),
                    "intent": result.get("intent", False),
                    "user_id": agent.id if way == "out" else False,
                    **self.env["social_crm.message"]._ingest_extra_values(post),
                }
            )
        messages = self.env["social_crm.message"].sudo().create(vals_list)
        by_external.update({m.external_id: m for m in messages})
        for message in messages.filtered("parent_external_id"):
            parent = by_external.get(message.parent_external_id)
            if parent:
                message.parent_id = parent
        return messages

    @api.model
    def _refresh(self, messages):
        """The conversations' workflow after the new posts (one batched
        write), then their priority and SLA at once; each new incoming post
        shows its conversation's priority (the one figure, computed once)."""
        conversations = messages.conversation_id
        conversations._ingest_workflow(messages)
        conversations._triage_refresh()
        incoming = messages.filtered(lambda m: m.direction == "in")
        batch_write(
            messages,
            {
                message.id: {"priority_score": message.conversation_id.priority_score}
                for message in incoming
            },
        )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    @api.model
    def _run_hooks(self, hooks, messages, batch):
        """Run ``hooks`` for ``messages``. Optimistically all under one
        savepoint; when one raises, that savepoint is rolled back and the
        hooks run again one by one, each under its own savepoint: the failing
        one is logged and left to the retry cron, the others still run."""
        Later = self.env["social_crm.ingest.retry"]
        defer = hooks is HOOKS and self._deferred()
        now = [hook for hook in hooks if not (defer and hook[0] in DEFERRABLE)]
        for name, _model, _method in hooks:
            if defer and name in DEFERRABLE:
                Later._schedule(name, messages)
        try:
            with self.env.cr.savepoint():
                for _name, model, method in now:
                    getattr(self.env[model].sudo(), method)(messages, batch)
            return
        except Exception:  # noqa: BLE001 - isolated below, hook by hook
            _logger.info("social_crm: an ingestion hook failed: running them one by one")
        for name, model, method in now:
            error = self._run_hook(name, model, method, messages, batch)
            if error is not None:
                Later._schedule(name, messages, error)

    @api.model
    def _deferred(self):
        """Whether the enrichment hooks (DEFERRABLE) run in a follow-up job."""
        param = self.env["ir.config_parameter"].sudo().get_param("social_crm.ingest_deferred")
        return (param or "").strip().lower() in ("1", "true", "yes")

    @api.model
    def _run_hook(self, name, model, method, messages, batch):
        """Run one hook under a savepoint; return its exception, or None."""
        try:
            with self.env.cr.savepoint():
                getattr(self.env[model].sudo(), method)(messages, batch)
        except Exception as error:  # noqa: BLE001 - isolated by contract, retried later
            _logger.exception(
                "social_crm: ingestion hook %r failed for %s posts (%s); retried later",
                name,
                len(messages),
                "a retry" if batch.retry else "first run",
            )
            return error
        return None

    @api.model
    def _hook(self, name):
        """(name, model, method) of hook ``name``."""
        for hook in HOOKS + OUTGOING_HOOKS:
            if hook[0] == name:
                return hook
        raise KeyError(name)

    # ------------------------------------------------------------------
    # Our own posts
    # ------------------------------------------------------------------
    @api.model
    def _store_our_posts(self, account, posts, agent=None):
        """Store posts we sent (replies, private messages, published posts)
        without the incoming path: no classification, no incoming hooks.
        Idempotent like the incoming path. Returns the new messages (sudo)."""
        new, _known = self._dedupe(account, posts)
        if not new:
            return self.env["social_crm.message"].sudo()
        identities = self._identities(account, new)
        conversations, by_external = self._conversations(account, new)
        messages = self._store(
            account, new, None, identities, conversations, by_external, {}, "out"
        )
        self._refresh(messages)
        batch = Batch(account, agent or self.env.user, {p.external_id: p for p in new})
        self._run_hooks(OUTGOING_HOOKS, messages, batch)
        return messages

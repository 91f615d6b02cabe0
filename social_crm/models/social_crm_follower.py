import logging
from datetime import timedelta

from odoo import api, fields, models

from ..connectors import AccessLevelError
from ._helpers import company_link, retry_time, run_guarded

_logger = logging.getLogger(__name__)

#: a complete sweep over the followers of an account, once a day
SWEEP_INTERVAL = timedelta(days=1)
#: wait after an error that a person has to fix (keys, plan)
ERROR_BACKOFF = timedelta(hours=6)
TRANSIENT_BACKOFF = timedelta(minutes=30)


class SocialCrmFollower(models.Model):
    """Someone who follows one of our accounts, as last seen by the follower
    sync. Unfollowing archives the row (the dates stay); following again
    brings it back."""

    _name = "social_crm.follower"
    _description = "Social CRM follower"
    _order = "followed_since desc, id desc"
    _rec_name = "identity_id"

    active = fields.Boolean(default=True, readonly=True)
    account_id = fields.Many2one(
        "social_crm.account", required=True, ondelete="cascade", index=True, readonly=True
    )
    identity_id = fields.Many2one(
        "social_crm.identity", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Contact",
        compute="_compute_partner_id",
        store=True,
        index="btree_not_null",
        help="The contact the account's company linked the follower to.",
    )
    platform = fields.Selection(related="account_id.platform", store=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    followed_since = fields.Datetime("Seen following since", readonly=True)
    last_seen_at = fields.Datetime("Last seen following", readonly=True)
    sweep = fields.Integer(
        readonly=True, help="The number of the account's last sweep that saw this follower."
    )
    unfollowed_at = fields.Datetime("Stopped following", readonly=True)
    is_customer = fields.Boolean(
        "Customer", compute="_compute_is_customer", search="_search_is_customer"
    )

    _sql_constraints = [
        (
            "account_identity_unique",
            "UNIQUE(account_id, identity_id)",
            "This person already follows this account.",
        ),
    ]

    @api.depends("identity_id.partner_id", "company_id")
    def _compute_partner_id(self):
        company_link(self, "identity_id")

    def _compute_is_customer(self):
        people = self.partner_id | self.partner_id.commercial_partner_id
        # a fact, whatever the reader may read of sales (see _social_crm_customers)
        customers = self.env["res.partner"].search(
            [("id", "in", people.ids), ("social_crm_is_customer", "=", True)]
        )
        for follower in self:
            partner = follower.partner_id
            follower.is_customer = bool(
                partner and (partner | partner.commercial_partner_id) & customers
            )

    def _search_is_customer(self, operator, value):
        """The contact, or the company it works for, is a customer (as in
        the followers report)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on 'Customer'."))
        customers = self.env["res.partner"]._social_crm_customers()
        domain = [
            "|",
            ("partner_id", "in", customers),
            ("partner_id.commercial_partner_id", "in", customers),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    # ------------------------------------------------------------------
    # Sync: one page per cron call, in the caller's transaction
    # ------------------------------------------------------------------
    @api.model
    def _due_domain(self):
        now = fields.Datetime.now()
        return [
            ("active", "=", True),
            ("follower_sync", "=", True),
            "|",
            ("follower_next_sync_at", "=", False),
            ("follower_next_sync_at", "<=", now),
        ]

    @api.model
    def _cron_sync(self):
        """Scheduled action: one page of followers of the most overdue
        account. Errors are recorded on the account and never raised."""
        Account = self.env["social_crm.account"]
        account = Account.search(
            self._due_domain(), order="follower_next_sync_at asc nulls first, id", limit=1
        )
        if account:
            self._sync_guarded(account)
        remaining = Account.search_count(self._due_domain())
        self.env["ir.cron"]._notify_progress(done=len(account), remaining=remaining)

    @api.model
    def _sync_guarded(self, account):
        """Sync one page; a failed page is rolled back (cursor included) and
        its error recorded. :return: the error, or None."""
        return run_guarded(
            self.env,
            f"followers of account {account.id}",
            lambda: self._sync_page(account),
            lambda error: self._record_failure(account, error),
            _logger,
        )[1]

    @api.model
    def _sync_page(self, account):
        """Fetch one page, store who follows, and move the cursor with them.
        After the last page, whoever the sweep did not see has unfollowed."""
        self = self.with_company(account.company_id)  # the links and stages of its company
        connector = account._get_connector()
        if not connector.supports_followers:
            account.write({"follower_sync": False})
            return self
        now = fields.Datetime.now()
        result = connector.fetch_followers(
            account.follower_cursor or None, account_user_id=account.external_user_id or ""
        )
        if not account.follower_cursor:  # a new sweep begins
            account.write({"follower_sweep": account.follower_sweep + 1})
        by_user = self.env["social_crm.identity"]._upsert_profiles(
            account.platform, result.profiles
        )
        followers = self._seen(account, list(by_user.values()), now)
        vals = {"follower_cursor": result.cursor if result.has_more else False}
        vals["follower_error_words"] = False
        if result.has_more:
            vals["follower_next_sync_at"] = now
        else:
            gone = self.search(
                [
                    ("account_id", "=", account.id),
                    ("kind", "=", "follower"),  # fans come and go by their interactions
                    ("sweep", "<", account.follower_sweep),
                ]
            )
            gone.write({"active": False, "unfollowed_at": now})
            vals.update(follower_last_sweep_at=now, follower_next_sync_at=now + SWEEP_INTERVAL)
        account.write(vals)
        return followers

    @api.model
    def _seen(self, account, identities, now):
        """Record that ``identities`` follow ``account`` now; newcomers (and
        people who follow again) reach the funnel's follower stage."""
        if not identities:
            return self
        known = self.with_context(active_test=False).search(
            [("account_id", "=", account.id), ("identity_id", "in", [i.id for i in identities])]
        )
        back = known.filtered(lambda f: not f.active)
        back.write({"active": True, "unfollowed_at": False})
        known.write({"last_seen_at": now, "sweep": account.follower_sweep})
        new = [i for i in identities if i not in known.identity_id]
        created = self.create(
            [
                {
                    "account_id": account.id,
                    "identity_id": identity.id,
                    "followed_since": now,
                    "last_seen_at": now,
                    "sweep": account.follower_sweep,
                }
                for identity in new
            ]
        )
        for follower in created | back:
            follower.identity_id._funnel_advance(
                "follower", "follow", when=now, company=account.company_id
            )
        return known | created

    @api.model
    def _record_failure(self, account, error):
        """Keep the cursor; say why on the account; try again later."""
        now = fields.Datetime.now()
        retry_at = retry_time(error, now, TRANSIENT_BACKOFF, ERROR_BACKOFF)
        words, detail = account._error_words(error)
        _logger.info("social_crm: followers of account %s: %s", account.id, detail)
        vals = {"follower_error_words": words, "follower_next_sync_at": retry_at}
        if isinstance(error, AccessLevelError):
            # the plan gives no followers (X below Pro): stop asking every day
            vals["follower_sync"] = False
        account.write(vals)
        cron = self.env.ref("social_crm.ir_cron_social_crm_followers", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at=retry_at)

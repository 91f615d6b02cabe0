"""First run (issue 14): the setup checklist of an empty inbox, and the
streams an account gets when it is connected."""

from odoo import api, models
from odoo.exceptions import AccessError

from ..connectors import CONNECTORS
from ..connectors.platforms import WEBHOOK_PLATFORMS

MANAGER = "social_crm.group_social_crm_manager"
AGENT = "social_crm.group_social_crm_agent"


class SocialCrmAccount(models.Model):
    _inherit = "social_crm.account"

    def write(self, vals):
        connecting = (
            self.filtered(lambda a: a.state != "connected")
            if vals.get("state") == "connected"
            else self.browse()
        )
        result = super().write(vals)
        connecting._social_crm_default_streams()
        return result

    def _social_crm_default_streams(self):
        """A newly connected account without streams listens to its mentions
        and, where the platform offers them as a stream (X, Bluesky), its
        private messages (Mastodon's direct posts arrive as mentions). Runs
        after the connect itself was allowed."""
        Stream = self.env["social_crm.stream"].sudo().with_context(active_test=False)
        vals_list = []
        for account in self.filtered("active"):
            if account.platform in WEBHOOK_PLATFORMS:
                continue  # Meta delivers posts and messages by webhook
            if Stream.search_count([("account_id", "=", account.id)], limit=1):
                continue
            vals_list.append({"account_id": account.id, "kind": "mention"})
            connector = CONNECTORS.get(account.platform)
            if connector and connector.supports_dms:
                vals_list.append({"account_id": account.id, "kind": "dm"})
        return Stream.create(vals_list)


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    @api.model
    def social_crm_setup_checklist(self):
        """The first-run checklist of the inbox, for the user's company: what
        is done, and where to do the rest (managers only act)."""
        company = self.env.company
        su = self.env(su=True)
        accounts = su["social_crm.account"].search(
            [("company_id", "=", company.id), ("active", "=", True)]
        )
        connected = accounts.filtered(lambda a: a.state == "connected" or a.platform == "demo")
        mentions = su["social_crm.stream"].search_count(
            [("account_id", "in", accounts.ids), ("kind", "=", "mention"), ("active", "=", True)],
            limit=1,
        )
        team = su["res.users"].search_count(
            [
                ("groups_id", "in", su.ref(AGENT).id),
                ("share", "=", False),
                ("company_ids", "in", company.id),
            ]
        )
        linked = (
            su["social_crm.identity"]
            .with_company(company)
            .search_count([("partner_id", "!=", False)], limit=1)
        )
        manager = self.env.user.has_group(MANAGER)
        admin = self.env.user.has_group("base.group_system")
        steps = [
            {
                "key": "account",
                "title": self.env._("Connect an account"),
                "help": self.env._(
                    "Social CRM → Accounts → New → pick the platform → Connect. "
                    "Or try it first with the demo account."
                ),
                "done": bool(connected),
                "action": "social_crm.action_social_crm_account" if manager else False,
                "demo": manager and not connected,
            },
            {
                "key": "mentions",
                "title": self.env._("Listen to mentions"),
                "help": self.env._(
                    "A connected account gets its mentions stream; add keywords or "
                    "hashtags under Streams."
                ),
                "done": bool(mentions),
                "action": "social_crm.action_social_crm_stream" if manager else False,
            },
            {
                "key": "team",
                "title": self.env._("Add your team"),
                "help": self.env._(
                    "Give colleagues the Social CRM agent role in Settings → Users."
                ),
                "done": team > 1,
                "action": "base.action_res_users" if admin else False,
            },
            {
                "key": "import",
                "title": self.env._("Import your customers' handles"),
                "help": self.env._(
                    "Contacts → Import: a column for the platform and one for the handle "
                    "or profile URL."
                ),
                "done": bool(linked),
                "action": "import" if self.env["res.partner"].has_access("create") else False,
            },
        ]
        return {"steps": steps, "done": all(step["done"] for step in steps)}

    @api.model
    def action_social_crm_start_demo(self):
        """Create (or reuse) the demo account of the user's company: it
        replays the bundled sample posts through the real ingestion path."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only Social CRM managers can start the demo."))
        Account = self.env["social_crm.account"]
        Account.check_access("create")
        account = Account.search(
            [("platform", "=", "demo"), ("company_id", "=", self.env.company.id)], limit=1
        )
        if not account:
            account = Account.create(
                {
                    "name": self.env._("Demo store"),
                    "platform": "demo",
                    "handle": "hollandia",
                    "company_id": self.env.company.id,
                }
            )
        account.sudo()._record_success()  # the demo needs no keys: connected
        for stream in account.sudo().stream_ids.filtered("active"):
            stream._sync_guarded()
        return True

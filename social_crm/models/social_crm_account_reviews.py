import logging

from odoo import api, fields, models

from ..connectors import ConnectorError
from ..connectors.reviews_api import ApprovalNeeded
from .social_crm_account import ALL_CREDENTIAL_FIELDS, CONNECTION_FIELDS, CREDENTIAL_FIELDS

_logger = logging.getLogger(__name__)

#: review platforms: account field -> connector credential (admin-only fields)
REVIEW_CREDENTIALS = {
    "google": {
        "google_location": "location",
        "google_client_id": "client_id",
        "google_client_secret": "client_secret",
        "google_refresh_token": "refresh_token",
        "google_access_token": "access_token",
    },
    "trustpilot": {
        "trustpilot_business_unit_id": "business_unit_id",
        "trustpilot_api_key": "api_key",
        "trustpilot_access_token": "access_token",
    },
}
CREDENTIAL_FIELDS.update(REVIEW_CREDENTIALS)
ALL_CREDENTIAL_FIELDS.update(f for fields_ in REVIEW_CREDENTIALS.values() for f in fields_)
CONNECTION_FIELDS.update(f for fields_ in REVIEW_CREDENTIALS.values() for f in fields_)
REVIEW_PLATFORMS = tuple(REVIEW_CREDENTIALS)
#: pages read per account and run (then the cron is triggered again)
PAGES_PER_RUN = 5


class SocialCrmAccount(models.Model):
    _inherit = "social_crm.account"

    state = fields.Selection(
        selection_add=[("needs_approval", "Needs approval")],
        ondelete={"needs_approval": "set default"},
    )
    google_location = fields.Char(
        "Google location",
        groups="base.group_system",
        help="accounts/{account id}/locations/{location id}, as the Business Profile API names it.",
    )
    google_client_id = fields.Char("OAuth client id", groups="base.group_system", copy=False)
    google_client_secret = fields.Char(
        "OAuth client secret", groups="base.group_system", copy=False
    )
    google_refresh_token = fields.Char("Refresh token", groups="base.group_system", copy=False)
    google_access_token = fields.Char(
        "Google access token", groups="base.group_system", copy=False, readonly=True
    )
    trustpilot_business_unit_id = fields.Char(
        "Business unit id", groups="base.group_system", copy=False
    )
    trustpilot_api_key = fields.Char("Trustpilot API key", groups="base.group_system", copy=False)
    trustpilot_access_token = fields.Char(
        "Business-user token",
        groups="base.group_system",
        copy=False,
        help="Needed only to reply: Trustpilot gives it with its paid API module.",
    )
    review_cursor = fields.Json(copy=False, readonly=True)
    review_count = fields.Integer(compute="_compute_review_count")
    approval_steps = fields.Text(compute="_compute_approval_steps")

    def _compute_review_count(self):
        counts = dict(
            self.env["social_crm.external.review"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.review_count = counts.get(account, 0)

    @api.depends("platform")
    def _compute_approval_steps(self):
        for account in self:
            if account.platform == "google":
                account.approval_steps = self.env._(
                    "Google must first allow this shop to use its Business Profile API:\n"
                    "1. In Google Cloud, make a project and switch on the Business Profile "
                    "APIs (My Business Account Management, Business Information).\n"
                    "2. Fill in Google's form 'Business Profile API access request' with that "
                    "project number. Until Google says yes, the quota is 0: nothing can be "
                    "read.\n"
                    "3. The shop's Business Profile must be verified and active for 60 days "
                    "or more.\n"
                    "4. Set the OAuth app to 'In production': in 'Testing' mode Google stops "
                    "the refresh token after 7 days.\n"
                    "5. When Google has approved, press 'Test connection'.\n"
                    "Everything else in Social CRM keeps working meanwhile."
                )
            elif account.platform == "trustpilot":
                account.approval_steps = self.env._(
                    "Reviews are read with the API key alone. To reply from here:\n"
                    "1. Ask Trustpilot for its paid API module.\n"
                    "2. In Trustpilot Business, Integrations, API: make an API key and secret.\n"
                    "3. Get a business-user token (OAuth) for a Trustpilot business user and "
                    "enter it on this account.\n"
                    "Until then, write your reply on Trustpilot itself."
                )
            else:
                account.approval_steps = False

    def _record_error(self, error):
        """An answer that says the platform has not approved us yet puts the
        account in "needs approval" (Test connection, the sync, a reply)."""
        if isinstance(error, ApprovalNeeded):
            return self._record_approval_needed(error)
        return super()._record_error(error)

    def _record_approval_needed(self, error):
        """The platform has not opened its API to us yet: the account waits,
        with the steps shown; its cursor stays where it was."""
        words, detail = self._error_words(error)
        _logger.info("social_crm: account %s needs approval: %s", self.id, detail)
        self.write({"state": "needs_approval", "error_words": words})
        self.sudo().error_detail = detail

    def action_view_external_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.action_social_crm_external_review"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Pulling reviews
    # ------------------------------------------------------------------
    def _sync_reviews(self, pages=PAGES_PER_RUN):
        """Read up to ``pages`` pages of this account's reviews; the cursor
        moves with each stored page. Returns whether more pages wait."""
        self.ensure_one()
        Review = self.env["social_crm.external.review"]
        connector = self._get_connector()
        cursor = self.review_cursor or {}
        try:
            for _page in range(pages):
                page = connector.fetch_reviews(cursor)
                Review._store(self, page.reviews)
                cursor = page.cursor
                self.sudo().review_cursor = cursor
                if not page.has_more:
                    break
            else:
                return True
        except ApprovalNeeded as error:
            self._record_approval_needed(error)
            return False
        except ConnectorError as error:
            self._record_error(error)
            return False
        finally:
            token = getattr(connector, "new_access_token", "")
            if token:
                # a new token is no new connection: the state stays
                self.sudo().write({"google_access_token": token, "state": self.state})
        self._record_success()
        return False

    @api.model
    def _cron_sync_reviews(self):
        """Scheduled action: pull the reviews of each Google and Trustpilot
        account (those waiting for approval are tried again: approval may
        have come). API errors are recorded on the account, never raised."""
        accounts = self.search([("platform", "in", REVIEW_PLATFORMS)])
        more = False
        for account in accounts:
            more = account._sync_reviews() or more
        if more:
            self.env.ref("social_crm.ir_cron_social_crm_reviews_sync")._trigger()

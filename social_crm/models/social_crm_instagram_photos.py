"""Instagram photos in photo campaigns.

Instagram's hashtag search gives no author and its media cannot be
commented on, so the campaign's Instagram entries come first of all from
media that *tag* our account (``/{ig-user-id}/tags``, a stream of kind
``ig_tags``) and media whose caption *@mentions* us (the ``mentions``
webhook, the caption looked up). Both name their author by username.

Asking for the rights: a comment through ``POST /{ig-user-id}/mentions``
where the caption @mentions us; Instagram does not allow comments on photos
we are only tagged in, so those are marked "ask elsewhere". Hashtag search
is optional (per campaign); its entries show "no author available" and get
no rights request. Each account may search 30 unique hashtags per 7 days:
the searches are kept and the campaign shows the budget.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import escape_psql

from ..connectors import ConnectorError
from ..connectors import instagram_media as igm

_logger = logging.getLogger(__name__)

#: the ``user_id`` of an Instagram author known by username only (tagged and
#: mentioned media never give the owner's id)
USERNAME_PREFIX = "username:"


class SocialCrmStreamInstagram(models.Model):
    _inherit = "social_crm.stream"

    kind = fields.Selection(
        selection_add=[("ig_tags", "Instagram: photos we are tagged in")],
        ondelete={"ig_tags": "cascade"},
    )

    @api.constrains("kind", "account_id")
    def _check_ig_tags_platform(self):
        for stream in self.filtered(lambda s: s.kind == "ig_tags"):
            if stream.platform != "instagram":
                raise ValidationError(
                    self.env._(
                        "The stream '%s' reads the photos an Instagram account is tagged in: "
                        "choose an Instagram account.",
                        stream.name,
                    )
                )

    def _ig_hashtag(self):
        return self.platform == "instagram" and self.kind == "hashtag"

    def _sync_batch(self):
        """On Instagram, a hashtag not searched yet costs one of the 30 per 7
        days: refused beforehand when none is left, recorded when spent."""
        self.ensure_one()
        if not self._ig_hashtag():
            return super()._sync_batch()
        tag = (self.query or "").strip().lstrip("#").casefold()
        cursor = self.cursor or {}
        new_search = cursor.get("tag") != tag or not cursor.get("hashtag_id")
        Search = self.env["social_crm.ig.hashtag.search"].sudo()
        if new_search:
            igm.check_hashtag_budget(Search._uses(self.account_id), tag)
        result = super()._sync_batch()
        if new_search:
            Search.create({"account_id": self.account_id.id, "hashtag": tag})
        return result

    def _prepare_posts(self, result):
        posts = super()._prepare_posts(result)
        if self.platform == "instagram":
            self.env["social_crm.message"]._ig_username_authors(self.account_id, posts)
        return posts


class SocialCrmIgHashtagSearch(models.Model):
    """One Instagram hashtag search of an account: Instagram allows 30
    unique hashtags per account in 7 days."""

    _name = "social_crm.ig.hashtag.search"
    _description = "Instagram hashtag search"
    _order = "searched_at desc, id desc"

    account_id = fields.Many2one(
        "social_crm.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    hashtag = fields.Char(required=True)
    searched_at = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _uses(self, account):
        """``(hashtag, when)`` of the account's searches in the window."""
        since = fields.Datetime.now() - timedelta(days=igm.HASHTAG_WINDOW_DAYS)
        found = self.sudo().search([("account_id", "=", account.id), ("searched_at", ">", since)])
        return [(s.hashtag, s.searched_at) for s in found]


class SocialCrmMessageInstagram(models.Model):
    _inherit = "social_crm.message"

    @api.model
    def _ig_username_authors(self, account, posts):
        """Give authors known by username only a ``user_id``: the one of the
        Instagram identity with that handle, else ``username:<name>``."""
        waiting = [p for p in posts if p.author and not p.author.user_id and p.author.handle]
        if not waiting:
            return posts
        handles = {p.author.handle.lower().lstrip("@") for p in waiting}
        known = {}
        by_handle = expression.OR([[("handle", "=ilike", escape_psql(h))] for h in handles])
        for identity in (
            self.env["social_crm.identity"]
            .sudo()
            .search(
                expression.AND(
                    [[("platform", "=", "instagram"), ("user_id", "!=", False)], by_handle]
                )
            )
        ):
            handle = identity.handle.lower()
            # an id given by Meta wins over a username key
            if handle not in known or known[handle].startswith(USERNAME_PREFIX):
                known[handle] = identity.user_id
        for post in waiting:
            handle = post.author.handle.lower().lstrip("@")
            post.author.user_id = known.get(handle) or f"{USERNAME_PREFIX}{handle}"
        return posts

    @api.model
    def _ig_look_up_mentions(self, account, posts):
        """A caption @mention arrives by webhook as ids only: look the media
        up (caption, photo, author), so it can enter a photo campaign (the
        pipeline's "normalise" step, for Instagram posts not from a stream)."""
        bare = [
            p
            for p in posts
            if not (p.text or "").strip()
            and not p.media_urls
            and not p.parent_external_id
            and p.conversation_key == p.external_id
        ]
        if not bare:
            return posts
        known = set(
            self.sudo()
            .search(
                [
                    ("platform", "=", "instagram"),
                    ("company_id", "=", account.company_id.id),
                    ("external_id", "in", [p.external_id for p in bare]),
                ]
            )
            .mapped("external_id")
        )
        connector = account._get_connector()
        found = {}
        for post in bare:
            if post.external_id in known:
                continue
            try:
                found[post.external_id] = connector.mentioned_media(post.external_id)
            except ConnectorError as error:
                # the bare mention is stored still; the lookup is not retried
                _logger.info(
                    "social_crm: mentioned media %s: %s", post.external_id, error.detail or error
                )
        posts = [found.get(p.external_id, p) for p in posts]
        return self._ig_username_authors(account, posts)


class SocialCrmContentInstagram(models.Model):
    _inherit = "social_crm.content"

    # hashtag search gives media without an author
    identity_id = fields.Many2one(required=False)
    ig_source = fields.Selection(
        [
            ("tag", "Tagged us"),
            ("mention", "Mentioned us in the caption"),
            ("hashtag", "Hashtag search"),
        ],
        "Instagram source",
        readonly=True,
    )
    rights_channel = fields.Selection(
        [
            ("reply", "Public reply"),
            ("mention", "Comment on the Instagram post"),
            ("elsewhere", "Ask elsewhere"),
            ("none", "No author available"),
        ],
        "How to ask",
        compute="_compute_rights_channel",
        help="Instagram allows a comment only on posts whose caption @mentions the account; "
        "a photo that only tags the account cannot be commented on (ask the author another "
        "way), and hashtag search gives no author at all.",
    )

    @api.depends("identity_id", "ig_source", "message_id.text", "message_id.account_id.handle")
    def _compute_rights_channel(self):
        for entry in self:
            if not entry.identity_id:
                entry.rights_channel = "none"
            elif entry.ig_source == "mention" or (
                entry.ig_source == "tag"
                and igm.mentions_account(entry.text, entry.message_id.account_id.handle)
            ):
                entry.rights_channel = "mention"
            elif entry.ig_source == "tag":
                entry.rights_channel = "elsewhere"
            else:
                entry.rights_channel = "reply"

    @api.depends("identity_id.handle", "campaign_id.hashtag")
    def _compute_display_title(self):
        res = super()._compute_display_title()
        for entry in self.filtered(lambda e: not e.identity_id):
            entry.display_title = self.env._(
                "#%s (no author available)", entry.campaign_id.hashtag or ""
            )
        return res

    @api.model
    def _on_new_posts(self, messages):
        res = super()._on_new_posts(messages)
        authorless = messages.filtered(
            lambda m: (
                m.direction == "in"
                and not m.author_identity_id
                and m.platform == "instagram"
                and m.stream_id.kind == "hashtag"
            )
        )
        if authorless:
            self._collect(authorless)
        return res

    @api.model
    def _collect(self, messages):
        entries = super()._collect(messages)
        for entry in entries.filtered(lambda e: e.platform == "instagram"):
            kind = entry.message_id.stream_id.kind
            source = {"ig_tags": "tag", "hashtag": "hashtag"}.get(kind)
            if (
                not source
                and entry.message_id.external_id == entry.conversation_id.conversation_key
            ):
                source = "mention"  # the media itself arrived by the mentions webhook
            entry.ig_source = source or False
        return entries

    def action_request_rights(self):
        for entry in self:
            if entry.rights_channel == "none":
                raise UserError(
                    self.env._(
                        "%s: no author available. Instagram's hashtag search does not say who "
                        "posted a photo, so there is nobody to ask for the rights.",
                        entry.display_title,
                    )
                )
            if entry.rights_channel == "elsewhere":
                raise UserError(
                    self.env._(
                        "%s: Instagram does not allow comments on photos the account is only "
                        "tagged in. Ask the author elsewhere, e.g. in a private message once "
                        "they write to you, or when they @mention the account.",
                        entry.display_title,
                    )
                )
        return super().action_request_rights()

    def _rights_send(self, connector, text, key):
        if self.rights_channel == "mention":
            return connector.reply_to_mention(text, self.message_id.external_id)
        return super()._rights_send(connector, text, key)


class SocialCrmContentCampaignInstagram(models.Model):
    _inherit = "social_crm.content.campaign"

    instagram_hashtag_search = fields.Boolean(
        "Also search the hashtag on Instagram",
        help="Instagram's hashtag search needs Meta's App Review, covers only the last 24 "
        "hours and gives no author: those photos show 'no author available' and their "
        "rights cannot be asked. Each Instagram account may search 30 different hashtags "
        "in 7 days. Photos that tag or @mention the account are collected without it.",
    )
    instagram_hashtag_budget = fields.Char(
        "Instagram hashtag searches", compute="_compute_instagram_hashtag_budget"
    )

    def _compute_instagram_hashtag_budget(self):
        Search = self.env["social_crm.ig.hashtag.search"].sudo()
        for campaign in self:
            parts = []
            accounts = campaign._listening_accounts().filtered(lambda a: a.platform == "instagram")
            for account in accounts:
                used, free_at = igm.hashtag_budget(Search._uses(account), fields.Datetime.now())
                parts.append(
                    self.env._(
                        "%(account)s: %(used)s of %(limit)s hashtags used in the last 7 days",
                        account=account.name,
                        used=used,
                        limit=igm.HASHTAG_LIMIT,
                    )
                )
            campaign.instagram_hashtag_budget = "; ".join(parts) or False

    def write(self, vals):
        result = super().write(vals)
        if "instagram_hashtag_search" in vals:
            self.filtered(lambda c: c.state == "running")._sync_streams()
        return result

    def _sync_streams(self):
        """On Instagram accounts: a stream of the photos that tag the account,
        and, when asked, one of the hashtag search."""
        res = super()._sync_streams()
        Stream = self.env["social_crm.stream"].sudo().with_context(active_test=False)
        for campaign in self:
            accounts = campaign._listening_accounts().filtered(lambda a: a.platform == "instagram")
            streams = Stream.search(
                [("content_campaign_id", "=", campaign.id), ("platform", "=", "instagram")]
            )
            wanted = [("ig_tags", False)]
            if campaign.instagram_hashtag_search:
                wanted.append(("hashtag", f"#{campaign.hashtag}"))
            keep = Stream
            for account in accounts:
                for kind, query in wanted:
                    stream = streams.filtered(
                        lambda s, a=account, k=kind: s.account_id == a and s.kind == k
                    )[:1]
                    if stream:
                        stream.write({"active": True, "query": query})
                    else:
                        stream = Stream.create(
                            {
                                "account_id": account.id,
                                "kind": kind,
                                "query": query,
                                "content_campaign_id": campaign.id,
                            }
                        )
                    keep |= stream
            (streams - keep).active = False
        return res


class SocialCrmIdentityInstagram(models.Model):
    _inherit = "social_crm.identity"

    def _erase_one(self, companies=None):
        """An erased Instagram person must not come back through a photo that
        names them by username only (tagged or mentioned media)."""
        username = (
            f"{USERNAME_PREFIX}{self.handle.lower().lstrip('@')}"
            if self.platform == "instagram" and self.handle
            else ""
        )
        elsewhere = super()._erase_one(companies=companies)
        if username and not elsewhere:
            self.env["social_crm.erased.user"]._bury("instagram", [username])
        return elsewhere

"""Flickr in photo campaigns: tag streams, owner profiles, and each photo's
own licence.

A Flickr photo arrives with its licence (``licence_code`` on the post). When
it becomes a campaign entry, :mod:`..licences` decides: a licence that
allows the campaign's use (CC BY, BY-SA, CC0, the Public Domain Mark; ND only
when the campaign does not crop) grants the rights at once, with the
attribution to show, and the licence as it was at that moment is kept as
evidence on the entry and in the consent log. Anything else (all rights
reserved, NC, "no known copyright restrictions") stays new, with the reason,
for the usual rights request, which on Flickr is a comment.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import licences
from ..connectors import ConnectorError, RateLimitError
from ..connectors.flickr import FlickrPost
from .social_crm_guard_fields import SocialCrmMessage as GuardedMessage

_logger = logging.getLogger(__name__)

#: the licence evidence of an entry: written by the system only
LICENCE_EVIDENCE = frozenset(
    {
        "grant_basis",
        "licence_code",
        "licence_name",
        "licence_url",
        "licence_checked_at",
        "licence_reason",
        "attribution",
    }
)
#: owner profiles asked for (flickr.people.getInfo) per batch of new entries
PROFILES_PER_BATCH = 20
#: photos whose comments are read for an answer, per completed stream run
ANSWERS_PER_RUN = 10


class SocialCrmStream(models.Model):
    _inherit = "social_crm.stream"

    kind = fields.Selection(
        selection_add=[("tag", "Photo tag (Flickr)")], ondelete={"tag": "set default"}
    )

    @api.constrains("kind", "query", "account_id")
    def _check_tag_platform(self):
        for stream in self.filtered(lambda s: s.kind == "tag"):
            if stream.platform != "flickr":
                raise ValidationError(
                    self.env._(
                        "The stream '%s' searches photo tags, which only Flickr accounts do.",
                        stream.name,
                    )
                )
            if not (stream.query or "").strip().lstrip("#"):
                raise ValidationError(
                    self.env._("The stream '%s' searches a photo tag: enter it.", stream.name)
                )

    def _sync_batch(self):
        """After the last page of a Flickr run, read the comments of photos
        we asked for the rights: the author answers there."""
        messages, has_more = super()._sync_batch()
        if self.platform == "flickr" and not has_more:
            messages |= self._flickr_read_answers()
        return messages, has_more

    def _flickr_read_answers(self):
        """New comments on the photos of this account's entries waiting for
        an answer (``flickr.photos.comments.getList`` since our request),
        ingested into the photo's conversation, where the rights flow reads
        them. Trouble is logged and tried again at the next run: the
        search's posts and cursor are kept."""
        entries = (
            self.env["social_crm.content"]
            .sudo()
            .search(
                [("state", "=", "requested"), ("message_id.account_id", "=", self.account_id.id)],
                order="requested_at desc, id desc",
                limit=ANSWERS_PER_RUN,
            )
        )
        new = self.env["social_crm.message"]
        if not entries:
            return new
        connector = self.account_id._get_connector()
        for entry in entries:
            since = int(entry.requested_at.timestamp()) if entry.requested_at else None
            try:
                comments = connector.comments(entry.message_id.external_id, min_comment_date=since)
            except ConnectorError as error:
                _logger.info(
                    "social_crm: Flickr comments of %s: %s (%s)",
                    entry.message_id.external_id,
                    error,
                    error.detail,
                )
                if isinstance(error, RateLimitError):
                    break
                continue
            new |= self.env["social_crm.message"]._ingest(self.account_id, comments, stream=self)
        return new


class SocialCrmMessage(models.Model):
    _inherit = "social_crm.message"
    _social_crm_protected = GuardedMessage._social_crm_protected | {"licence_code"}

    licence_code = fields.Char(
        "Licence",
        readonly=True,
        help="The platform's licence id of the photo when it was read (Flickr: 0 to 16).",
    )

    @api.model
    def _ingest_extra_values(self, post):
        """Keep each photo's licence on its post."""
        vals = super()._ingest_extra_values(post)
        if isinstance(post, FlickrPost) and post.licence_id:
            vals["licence_code"] = post.licence_id
        return vals

    @api.model
    def _ingest_hook_flickr(self, messages, batch):
        """Ingestion hook: decide the new entries by licence, and complete
        their owners' profiles (a retry, without the photos, does the latter)."""
        messages = messages.filtered(lambda m: m.platform == "flickr")
        if messages:
            photos = {k: p for k, p in batch.posts.items() if isinstance(p, FlickrPost)}
            self._flickr_after_ingest(batch.account, photos, messages)

    @api.model
    def _flickr_after_ingest(self, account, photos, messages):
        """Decide the new entries by licence (``photos``: external id ->
        FlickrPost), and complete their owners' profiles."""
        entries = (
            self.env["social_crm.content"]
            .sudo()
            .search(
                [
                    ("message_id", "in", messages.ids),
                    ("state", "=", "new"),
                    ("grant_basis", "=", False),
                    ("licence_checked_at", "=", False),
                ]
            )
        )
        entries._apply_licence(photos)
        entries._flickr_complete_owners(account)


class SocialCrmContentCampaign(models.Model):
    _inherit = "social_crm.content.campaign"

    crops_photos = fields.Boolean(
        "Photos may be cropped",
        default=True,
        help="Whether the campaign crops or adapts photos (banners, squares). A photo under "
        "a 'no derivatives' (ND) licence is then asked for, never granted by its licence.",
    )

    def _sync_streams(self):
        """Flickr accounts search the campaign's tag (kind "tag")."""
        result = super()._sync_streams()
        self.env["social_crm.stream"].sudo().with_context(active_test=False).search(
            [
                ("content_campaign_id", "in", self.ids),
                ("platform", "=", "flickr"),
                ("kind", "!=", "tag"),
            ]
        ).write({"kind": "tag"})
        return result


class SocialCrmContent(models.Model):
    _inherit = "social_crm.content"
    _social_crm_protected = frozenset(LICENCE_EVIDENCE)

    grant_basis = fields.Selection(
        [("answer", "The author's answer"), ("licence", "The photo's licence")],
        "Rights by",
        readonly=True,
        copy=False,
        help="Granted by the author's answer to our request, or by the photo's own licence.",
    )
    licence_code = fields.Char("Licence id", readonly=True, copy=False)
    licence_name = fields.Char(
        "Licence", readonly=True, copy=False, help="The photo's licence when it was checked."
    )
    licence_url = fields.Char("Licence terms", readonly=True, copy=False)
    licence_checked_at = fields.Datetime("Licence checked", readonly=True, copy=False)
    licence_reason = fields.Char(
        "Why ask", readonly=True, copy=False, help="Why the photo's licence is not enough."
    )
    attribution = fields.Text(
        readonly=True, copy=False, help="The credit to show with the photo, as its licence asks."
    )

    def _grant(self, message):
        result = super()._grant(message)
        self.sudo().grant_basis = "answer"
        return result

    def _apply_licence(self, photos):
        """Decide each new entry by its photo's licence (``photos``: external
        id -> FlickrPost): granted with attribution, or left to ask with the
        reason. Both record the licence as it read now."""
        now = fields.Datetime.now()
        for entry in self:
            photo = photos.get(entry.message_id.external_id)
            if not photo:
                continue
            decision = licences.decide(photo.licence_id, crops=entry.campaign_id.crops_photos)
            found = decision.licence
            vals = {
                "licence_code": found.id or False,
                "licence_name": found.name,
                "licence_url": found.url or False,
                "licence_checked_at": now,
            }
            if not decision.granted:
                vals["licence_reason"] = self.env._(decision.reason, licence=found.name)  # noqa: INT001
                entry.sudo().write(vals)
                continue
            credit = licences.attribution(
                found,
                photo.title,
                photo.owner_name or entry.identity_id.profile_name or entry.identity_id.handle,
                entry.post_url or "",
            )
            entry.sudo().write(dict(vals, grant_basis="licence", attribution=credit))
            entry._flow_write({"state": "granted", "granted_at": now})
            self._log_content_reuse(
                entry.identity_id,
                "grant",
                entry.company_id,
                message=entry.message_id,
                source_url=found.url,
                # the licence's terms, not the credit: the wording outlives an
                # erasure, which blanks the note and the post
                wording=f"{found.name} ({found.url})",
                wording_version=f"flickr-licence-{found.id}",
                note=self.env._(
                    "Photo campaign %(campaign)s: the photo's own licence %(licence)s allows "
                    "this use, with attribution (checked on %(when)s): %(credit)s",
                    campaign=entry.campaign_id.name,
                    licence=found.name,
                    when=fields.Datetime.to_string(now),
                    credit=credit,
                ),
            )
            entry.message_post(
                body=self.env._(
                    "Rights granted by the photo's licence %(licence)s (%(url)s), as it read on "
                    "%(when)s. Show it with: %(credit)s",
                    licence=found.name,
                    url=found.url,
                    when=fields.Datetime.to_string(now),
                    credit=credit,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _flickr_complete_owners(self, account):
        """The search gives an owner's name only: ask Flickr for the profile
        (``flickr.people.getInfo``: bio, location, avatar) of entry authors
        not completed yet, a few per batch; trouble only skips it."""
        owners = self.identity_id.filtered(lambda i: i.user_id and not i.avatar_url)
        if not owners:
            return
        connector = account._get_connector()
        profiles = []
        for identity in owners[:PROFILES_PER_BATCH]:
            try:
                profiles.append(connector.get_profile(user_id=identity.user_id))
            except RateLimitError:
                break
            except ConnectorError as error:
                _logger.info("social_crm: Flickr profile %s: %s", identity.user_id, error.detail)
        if profiles:
            self.env["social_crm.identity"].sudo()._upsert_profiles("flickr", profiles)

"""Flickr in photo campaigns: a tag stream feeds entries, each photo's own
licence decides (a CC BY photo is granted with attribution, an "all rights
reserved" one is asked for by a comment), owners become identities."""

import json
from urllib.parse import unquote

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from ..connectors.testing import local_recording, shared_recording
from ..models._oauth import CALLBACK_PATH
from .common import SocialCrmCommon
from .test_oauth import OauthCommon, query

API = r"^https://api\.flickr\.com/services/rest/"


def search(name):
    return local_recording("flickr", "search.json")[name]


def recorded(name):
    return shared_recording("flickr", "decoded", f"{name}.json")


def queue(session, exchange, **params):
    session.add(
        exchange["method"],
        API,
        status=exchange["status"],
        raw=exchange["raw"],
        headers=exchange.get("headers"),
        params=params or None,
    )


class FlickrCommon(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flickr = cls.env["social_crm.account"].create(
            {
                "name": "Reisbureau on Flickr",
                "platform": "flickr",
                "handle": "reisbureau",
                "external_user_id": "99999999@N00",
                "flickr_api_key": "flickr-key",
                "flickr_api_secret": "flickr-secret",
                "flickr_oauth_token": "72157-token",
                "flickr_oauth_token_secret": "token-secret",
            }
        )
        cls.campaign = cls.env["social_crm.content.campaign"].create(
            {
                "name": "Hollandia stijl",
                "hashtag": "#hollandiastijl",
                "account_ids": [(6, 0, cls.flickr.ids)],
            }
        )
        cls.campaign.action_start()
        cls.tag_stream = cls.campaign.stream_ids

    def sync(self):
        """One pull of the campaign's Flickr stream: the tag search, then
        the owners' profiles (Anna's answered, the others deleted)."""
        with self.replay() as session:
            queue(session, search("search_tag"), method="flickr.photos.search")
            queue(session, search("people_anna"), user_id="12345678@N01")
            deleted = recorded("TestGetUser.test_get_deleted_user_id")[0]
            for owner in ("23456789@N02", "34567890@N03", "45678901@N04"):
                queue(session, deleted, user_id=owner)
            messages, error = self.tag_stream._sync_guarded()
            self.assertFalse(error, error and str(error))
            self.assertFalse(session.pending())
        return session, messages

    def entry(self, photo_id):
        return self.env["social_crm.content"].search(
            [("campaign_id", "=", self.campaign.id), ("message_id.external_id", "=", photo_id)]
        )


class TestFlickrCampaign(FlickrCommon):
    def test_campaign_listens_with_a_tag_stream(self):
        self.assertEqual(
            (self.tag_stream.kind, self.tag_stream.query, self.tag_stream.platform),
            ("tag", "#hollandiastijl", "flickr"),
        )
        with self.assertRaisesRegex(ValidationError, "only Flickr accounts"):
            self.env["social_crm.stream"].create(
                {"account_id": self.account.id, "kind": "tag", "query": "tulips"}
            )

    def test_cc_by_photo_is_granted_with_attribution_and_the_licence_kept(self):
        session, messages = self.sync()
        search_call = session.calls[0]["params"]
        self.assertEqual(search_call["tags"], "hollandiastijl")
        self.assertIn("license", search_call["extras"].split(","))
        self.assertEqual(len(messages), 4)
        self.assertEqual(self.campaign.entry_count, 4)
        cc_by = self.entry("54001000001")
        self.assertEqual(cc_by.message_id.licence_code, "4")
        self.assertEqual(cc_by.state, "granted")
        self.assertEqual(cc_by.grant_basis, "licence")
        self.assertEqual(cc_by.licence_name, "CC BY 2.0")
        self.assertEqual(cc_by.licence_url, "https://creativecommons.org/licenses/by/2.0/")
        self.assertTrue(cc_by.licence_checked_at and cc_by.granted_at)
        self.assertEqual(
            cc_by.attribution,
            '"Grachten in de herfst" by Anna de Vries '
            "(https://www.flickr.com/photos/annadevries/54001000001/), CC BY 2.0 "
            "(https://creativecommons.org/licenses/by/2.0/)",
        )
        # the consent log holds the licence as it read at the grant
        consent = self.env["social_crm.consent"].search(
            [("identity_id", "=", cc_by.identity_id.id), ("purpose", "=", "content_reuse")]
        )
        self.assertEqual(consent.event, "grant")
        self.assertEqual(consent.wording_version, "flickr-licence-4")
        self.assertEqual(
            consent.wording, "CC BY 2.0 (https://creativecommons.org/licenses/by/2.0/)"
        )
        self.assertIn(cc_by.attribution, consent.note)
        self.assertEqual(consent.message_id, cc_by.message_id)
        # granted, so it can be published right away
        cc_by.with_user(self.agent).action_publish()
        self.assertTrue(cc_by.published)

    def test_reserved_nc_and_nd_when_cropping_are_left_to_ask(self):
        self.sync()
        reasons = {
            photo: (self.entry(photo).state, self.entry(photo).licence_reason)
            for photo in ("54001000002", "54001000003", "54001000004")
        }
        self.assertEqual(reasons["54001000002"][0], "new")
        self.assertIn("All rights reserved", reasons["54001000002"][1])
        self.assertIn("CC BY-NC 2.0 forbids commercial use", reasons["54001000003"][1])
        self.assertIn("CC BY-ND 4.0 forbids adaptations", reasons["54001000004"][1])
        self.assertFalse(self.entry("54001000002").grant_basis)

    def test_nd_photo_is_granted_when_the_campaign_does_not_crop(self):
        self.campaign.crops_photos = False
        self.sync()
        nd = self.entry("54001000004")
        self.assertEqual((nd.state, nd.licence_name), ("granted", "CC BY-ND 4.0"))

    def test_all_rights_reserved_photo_is_asked_for_by_a_comment(self):
        self.sync()
        reserved = self.entry("54001000002")
        with self.replay() as session:
            queue(session, recorded("TestPostComment.test_can_successfully_post_a_comment")[0])
            reserved.with_user(self.agent).action_request_rights()
        self.assertEqual(reserved.state, "requested")
        call = session.calls[0]
        self.assertEqual(call["method"], "POST")
        body = call["body"].decode() if isinstance(call["body"], bytes) else call["body"]
        self.assertIn("method=flickr.photos.comments.addComment", body)
        self.assertIn("photo_id=54001000002", body)
        self.assertIn("ok_hollandiastijl", body)
        auth = call["headers"]["Authorization"]
        auth = auth.decode() if isinstance(auth, bytes) else auth
        self.assertIn('oauth_signature_method="HMAC-SHA1"', auth)
        self.assertEqual(reserved.request_message_id.direction, "out")
        self.assertEqual(reserved.request_message_id.conversation_id, reserved.conversation_id)

    def test_the_authors_comment_grants_the_rights(self):
        """The answer to the request is a comment on the photo: the next run
        reads the comments of photos waiting for an answer."""
        self.sync()
        reserved = self.entry("54001000002")
        with self.replay() as session:
            queue(session, recorded("TestPostComment.test_can_successfully_post_a_comment")[0])
            reserved.with_user(self.agent).action_request_rights()
        with self.replay() as session:
            queue(session, search("search_empty"), method="flickr.photos.search")
            queue(session, search("comments_answer"), method="flickr.photos.comments.getList")
            messages, error = self.tag_stream._sync_guarded()
        self.assertFalse(error, error and str(error))
        self.assertEqual(session.calls[1]["params"]["photo_id"], "54001000002")
        self.assertTrue(session.calls[1]["params"]["min_comment_date"])
        self.assertEqual(messages.conversation_id, reserved.conversation_id)
        self.assertEqual(
            (reserved.state, reserved.grant_basis, reserved.grant_message_id),
            ("granted", "answer", messages),
        )
        # a licence that asks stays on record beside the author's yes
        self.assertEqual(reserved.licence_name, "All Rights Reserved")

    def test_owners_become_identities_with_their_profile(self):
        self.sync()
        anna = self.entry("54001000001").identity_id
        self.assertEqual((anna.platform, anna.user_id), ("flickr", "12345678@N01"))
        self.assertEqual(anna.handle, "annadevries")
        self.assertEqual(anna.location, "Haarlem, Nederland")
        self.assertEqual(anna.bio, "Fotografeert grachten en molens.")
        self.assertTrue(anna.avatar_url)
        # a deleted owner's profile is skipped; the entry stays
        self.assertEqual(self.entry("54001000002").identity_id.handle, "23456789@N02")

    def test_same_page_again_changes_nothing(self):
        self.sync()
        granted_at = self.entry("54001000001").licence_checked_at
        with self.replay() as session:
            queue(session, search("search_tag"), method="flickr.photos.search")
            messages, error = self.tag_stream._sync_guarded()
        self.assertFalse(error or messages)
        self.assertEqual(self.campaign.entry_count, 4)
        self.assertEqual(self.entry("54001000001").licence_checked_at, granted_at)
        self.assertEqual(
            self.env["social_crm.consent"].search_count(
                [("message_id", "=", self.entry("54001000001").message_id.id)]
            ),
            1,
        )


class TestFlickrGuards(FlickrCommon):
    def test_licence_evidence_is_never_typed(self):
        self.sync()
        reserved = self.entry("54001000002")
        for vals in (
            {"grant_basis": "licence"},
            {"licence_name": "CC BY 2.0"},
            {"attribution": "mine"},
        ):
            with self.assertRaises(AccessError):
                reserved.with_user(self.manager).write(vals)
        with self.assertRaises(AccessError):
            reserved.message_id.with_user(self.manager).write({"licence_code": "4"})

    def test_flickr_keys_are_for_administrators_only(self):
        for field in ("flickr_api_key", "flickr_api_secret", "flickr_oauth_token_secret"):
            with self.assertRaises(AccessError):
                self.flickr.with_user(self.manager).read([field])
        with self.assertRaises(AccessError):
            self.flickr.with_user(self.manager).write({"flickr_api_key": "stolen"})


def scan(env, needles):
    """The text, varchar and jsonb columns of every table that hold a needle."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        """SELECT c.table_name, c.column_name
             FROM information_schema.columns c
             JOIN information_schema.tables t
               ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'jsonb')"""
    )
    found = []
    for table, column in cr.fetchall():
        cr.execute(
            f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE ANY(%s)',  # noqa: S608
            [[f"%{needle}%" for needle in needles]],
        )
        if cr.fetchone()[0]:
            found.append(f"{table}.{column}")
    return found


class TestFlickrPrivacy(FlickrCommon):
    def test_export_holds_the_licence_and_erasure_leaves_no_credit(self):
        self.sync()
        anna = self.entry("54001000001").identity_id
        action = anna.action_export_personal_data()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/web/content/")[1].split("?")[0])
        )
        [identity] = json.loads(attachment.raw)["identities"]
        [entry] = identity["photo_entries"]
        self.assertEqual(entry["licence"], "CC BY 2.0")
        self.assertIn("Anna de Vries", entry["attribution"])
        attachment.unlink()
        needles = ["Anna de Vries", "annadevries", "12345678@N01", "Grachten in de herfst"]
        self.assertIn("social_crm_content.attribution", scan(self.env, needles))
        anna.with_user(self.manager).action_erase()
        self.env.cr.execute("UPDATE bus_bus SET create_date = create_date - interval '1 day'")
        self.env["bus.bus"].sudo()._gc_messages()
        self.assertEqual(scan(self.env, needles), [])
        # the entry, its credit and chatter went with the person
        self.assertFalse(self.entry("54001000001"))


@tagged("post_install", "-at_install")
class TestFlickrConnect(OauthCommon, HttpCase):
    """Connect: OAuth 1.0a in three steps (self-written answers from Flickr's
    documentation), then the account tests itself (real recordings)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flickr = cls.env["social_crm.account"].create(
            {
                "name": "Reisbureau on Flickr",
                "platform": "flickr",
                "flickr_api_key": "flickr-key",
                "flickr_api_secret": "flickr-secret",
            }
        )

    def test_connect_stores_the_members_token_and_tests_it(self):
        self.assertFalse(self.flickr.oauth_connected)
        with self.replay() as session:
            session.add(
                "POST",
                r"^https://www\.flickr\.com/services/oauth/request_token$",
                raw=local_recording("flickr", "oauth.json")["request_token"]["raw"],
            )
            url = self.connect(self.flickr)
        self.assertEqual(
            url,
            "https://www.flickr.com/services/oauth/authorize"
            "?oauth_token=72157626737672178-022bbd2f4c2f3432&perms=write",
        )
        auth = session.calls[0]["headers"]["Authorization"]
        auth = auth.decode() if isinstance(auth, bytes) else auth
        callback = unquote(auth.split('oauth_callback="')[1].split('"')[0])
        self.assertIn(f"{CALLBACK_PATH}?state=", callback)
        state = query(callback)["state"]
        pending = self.pending(self.flickr)
        self.assertEqual(pending.flickr_request_secret, "fccb68c4e6103197")
        self.assertNotEqual(pending.state_hash, state)
        with self.replay() as session:
            session.add(
                "POST",
                r"^https://www\.flickr\.com/services/oauth/access_token$",
                raw=local_recording("flickr", "oauth.json")["access_token"]["raw"],
            )
            login = local_recording("flickr", "errors.json")["test_login"]
            session.add("POST", API, raw=login["raw"])
            queue(session, recorded("TestGetUser.test_get_user_by_id")[0])
            response = self.url_open(
                f"{CALLBACK_PATH}?state={state}&oauth_token=72157626737672178-022bbd2f4c2f3432"
                "&oauth_verifier=5d1b96a26b494074",
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 303, response.text[:300])
        sent = session.calls[0]["headers"]["Authorization"]
        sent = sent.decode() if isinstance(sent, bytes) else sent
        self.assertIn('oauth_verifier="5d1b96a26b494074"', sent)
        account = self.flickr.sudo()
        self.assertEqual(account.flickr_oauth_token, "72157626318069415-087bfc7b5816092c")
        self.assertEqual(account.flickr_oauth_token_secret, "a202d1f853ec69de")
        self.assertEqual((account.state, account.handle), ("connected", "alexwlchan"))
        self.assertFalse(self.pending(self.flickr))
        # the same link again: refused, nothing stored
        response = self.url_open(
            f"{CALLBACK_PATH}?state={state}&oauth_verifier=again", allow_redirects=False
        )
        self.assertEqual(response.status_code, 400)

    def test_connect_needs_the_apps_key_first(self):
        bare = self.env["social_crm.account"].create({"name": "Bare", "platform": "flickr"})
        self.assertIn("Flickr app", bare.oauth_missing_step)
        with self.assertRpcRefused("UserError"):
            self.rpc(self.receptionist, "social_crm.account", "action_oauth_connect", [bare.id])

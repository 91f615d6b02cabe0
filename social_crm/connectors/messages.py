"""The words of connector errors, by key: a catalogue of English templates
with named parameters (``%(place)s``), translated when a person reads them.

A connector raises ``SomeError(Message("key", place="X", status=429))``.
``str(error)`` stays the English sentence (logs, pytest); the models store
``error.message.to_json()`` and render it in the reader's language
(``render(data, translate)``, with ``env._`` as ``translate``).

Parameters are numbers, dates, platform labels, our own short codes and
other :class:`Message` objects (nested: advice, "(403 Forbidden)"); never a
platform's own words (those go to ``ConnectorError.detail``, the log).

No Odoo import here: ``_lt`` only marks the templates for the translation
template (``make i18n`` extracts ``_lt("...")``).
"""


def _lt(text):
    """Marks ``text`` for the translation template; translated when shown."""
    return text


CATALOGUE = {
    # ------------------------------------------------------------------
    # Any platform (place: the platform's name or the server's host)
    # ------------------------------------------------------------------
    "no_connector": _lt("No connector for platform '%(platform)s'."),
    "timeout": _lt("%(place)s did not answer in time; it will be tried again later."),
    "unreachable": _lt("Could not reach %(place)s (%(why)s); it will be tried again later."),
    "unreachable_now": _lt("Could not reach %(place)s (%(why)s); try again in a moment."),
    "not_json": _lt(
        "%(place)s answered HTTP %(status)s with a body that is not the JSON expected "
        "(%(size)s bytes); it will be tried again later."
    ),
    "not_json_object": _lt(
        "%(place)s answered HTTP %(status)s with a body that is not a JSON object "
        "(%(size)s bytes); it will be tried again later."
    ),
    "answer_not_json": _lt("%(place)s answered with something that is not JSON."),
    "credentials_rejected": _lt("%(place)s rejected the credentials%(what)s. %(advice)s"),
    "not_allowed": _lt("%(place)s does not allow this%(what)s. %(advice)s"),
    "server_error": _lt("%(place)s had a server error (%(status)s); it will be tried again later."),
    "server_error_now": _lt("%(place)s had a server error (%(status)s); try again in a moment."),
    "temporary_problem": _lt(
        "%(place)s had a temporary problem (%(status)s)%(what)s; it will be tried again later."
    ),
    "refused": _lt("%(place)s refused the request%(what)s."),
    "rate_limit": _lt(
        "%(place)s's rate limit is reached; the call is tried again after %(when)s UTC, "
        "where it stopped."
    ),
    "daily_limit": _lt(
        "%(place)s's daily limit is reached; the call is tried again after %(when)s UTC, "
        "where it stopped."
    ),
    "rate_limit_said": _lt(
        "%(place)s's rate limit is reached%(what)s; the call is tried again after %(when)s UTC."
    ),
    # " (403 Forbidden, code X)": a status and a short code, after a sentence
    "said_status": _lt(" (%(status)s)"),
    "said_code": _lt(" (code %(code)s)"),
    "said_status_code": _lt(" (%(status)s, code %(code)s)"),
    "said_meta": _lt(" (Meta error %(number)s)"),
    "said_meta_trace": _lt(" (Meta error %(number)s, trace id %(trace)s)"),
    "said_trace": _lt(" (trace id %(trace)s)"),
    "no_followers": _lt("This platform gives no list of followers."),
    "no_metrics": _lt("This platform gives no public counts of posts."),
    "metrics_not_tracked": _lt("%(place)s counts are not tracked."),
    "no_private": _lt("This platform cannot send a private message."),
    "no_recipient": _lt("There is no %(place)s person to send a private message to."),
    "stream_kind": _lt("%(place)s streams cannot listen for '%(kind)s'."),
    "stream_no_query": _lt("This stream has no keyword or hashtag to search for."),
    "no_such_user": _lt("%(place)s found no such user."),
    "empty_message": _lt("An empty message cannot be sent."),
    "no_reply_target": _lt("There is no %(place)s post or person to reply to."),
    "missing_id": _lt("%(place)s sent %(what)s without an id."),
    "missing_uri": _lt("%(place)s sent %(what)s without a uri."),
    "accepted_no_id": _lt("%(place)s accepted %(what)s but sent back no id."),
    "accepted_no_id_for": _lt("%(place)s accepted %(what)s but sent no id for it."),
    "unexpected_structure": _lt("%(place)s answered %(what)s with an unexpected structure."),
    "answered_without": _lt("%(place)s answered without %(what)s."),
    "no_access_token": _lt("%(place)s sent no access token."),
    # the things an answer lacked (the %(what)s above)
    "thing_account": _lt("an account"),
    "thing_post": _lt("a post"),
    "thing_entry": _lt("an entry"),
    "thing_profile": _lt("a profile"),
    "thing_conversation": _lt("a conversation"),
    "thing_the_conversation": _lt("the conversation"),
    "thing_reply": _lt("the reply"),
    "thing_message": _lt("the message"),
    "thing_direct_message": _lt("the direct message"),
    "thing_dm_event": _lt("a direct message event"),
    "thing_the_dms": _lt("the direct messages"),
    "thing_followers": _lt("the followers list"),
    "thing_request": _lt("the request"),
    "thing_statuses": _lt("statuses"),
    "thing_list": _lt("a list of %(name)s"),
    "thing_user": _lt("a user"),
    "thing_post_lookup": _lt("the post lookup"),
    # ------------------------------------------------------------------
    # Advice after a 401 / 403, per platform
    # ------------------------------------------------------------------
    "advice_bluesky_401": _lt(
        "Check the handle and the app password on the account (in Bluesky: "
        "Settings > Privacy and security > App passwords)."
    ),
    "advice_bluesky_403": _lt(
        "This account or its app password may not do this; a suspended account "
        "gives this answer too."
    ),
    "advice_mastodon_401": _lt(
        "Check the access token on the account: on the Mastodon instance, "
        "Preferences > Development, open the application and copy its access token."
    ),
    "advice_mastodon_403": _lt(
        "The access token lacks a permission this needs: give the application "
        "the scopes read and write (Preferences > Development) and copy its new token."
    ),
    "advice_facebook_401": _lt(
        "Reconnect the page: in the account, paste a new page access token."
    ),
    "advice_facebook_403": _lt(
        "The Meta app lacks a permission this needs (such as pages_manage_engagement "
        "or pages_messaging): grant it in the app and paste a new page access token."
    ),
    "advice_instagram_401": _lt(
        "Reconnect the account: paste a new access token of the Facebook Page "
        "linked to the Instagram account."
    ),
    "advice_instagram_403": _lt(
        "The Meta app lacks a permission this needs (such as instagram_manage_comments "
        "or instagram_manage_messages): grant it in the app and paste a new page access token."
    ),
    # ------------------------------------------------------------------
    # Safety of outgoing calls
    # ------------------------------------------------------------------
    "url_invalid": _lt("The server address is not a valid URL."),
    "url_not_https": _lt("Only https server addresses are allowed."),
    "url_userinfo": _lt("A server address may not contain a user name or password."),
    "url_port": _lt("A server address may not name a port other than 443."),
    "url_no_host": _lt("The server address has no host name."),
    "url_not_public_ip": _lt("The server address is not a public internet address."),
    "url_not_public_name": _lt(
        "The server address must be a public host name, such as example.org."
    ),
    "url_no_address": _lt("The server's host name does not resolve."),
    "url_not_public": _lt("The server's host name leads to an address that is not public."),
    "redirect": _lt("The server answered with a redirect (%(status)s), which is not followed."),
    "too_large": _lt("The server's answer is larger than %(size)s KB; it is not read."),
    # ------------------------------------------------------------------
    # X
    # ------------------------------------------------------------------
    "x_needs_user_keys": _lt(
        "This needs the account's user-context keys: API key and "
        "secret, access token and access token secret."
    ),
    "x_no_bearer": _lt("No bearer token is set for this X account."),
    "x_unauthorized": _lt(
        "X rejected the credentials (401 Unauthorized). Check the "
        "tokens and keys on the account; they may have been "
        "regenerated or revoked."
    ),
    "x_cursor_expired": _lt(
        "X no longer accepts where this stream stopped (its %(names)s expired); the stream "
        "starts again from the latest posts (X's search reaches back 7 days at most)."
    ),
    "x_monthly_cap": _lt(
        "The monthly usage cap of this X API plan is used up. Reading "
        "resumes at the start of next month, or after upgrading the "
        "plan in the X developer portal."
    ),
    "x_daily_limit": _lt(
        "The daily limit of this X API plan is reached; it is tried again when the limit resets."
    ),
    "x_window_limit": _lt(
        "X's rate limit for this endpoint is reached (15-minute window); "
        "the stream resumes where it stopped after the reset."
    ),
    "x_plan_level": _lt(
        "Your X API plan does not allow this (it needs a higher access level). Reading "
        "mentions and searching need the Basic plan or higher: upgrade the app in the X "
        "developer portal, then test the connection again."
    ),
    "x_dm_read_refused": _lt(
        "X refused to read the direct messages (403 Forbidden): the X API plan does not "
        "include direct messages, or the app lacks the Direct Message permission. Check "
        "the plan in the X developer portal (direct messages need a paid plan), set the "
        "app's permissions to 'Read and write and Direct message', regenerate the access "
        "token and secret and paste them in the account."
    ),
    "x_dm_send_refused": _lt(
        "X refused the direct message (403 Forbidden): the app needs the Direct "
        "Message permission, or the X API plan does not allow direct messages. In "
        "the X developer portal, set the app's permissions to 'Read and write and "
        "Direct message', regenerate the access token and secret and paste them in "
        "the account; or upgrade the plan."
    ),
    "x_followers_refused": _lt(
        "Your X API plan does not permit reading followers (403 Forbidden). "
        "Follower sync needs a plan that includes the followers lookup: "
        "check the plan in the X developer portal, or turn follower sync "
        "off for this account."
    ),
    "x_own_id_mentions": _lt(
        "Set the account's handle (or test the connection) so that mentions can be read."
    ),
    "x_own_id_dms": _lt(
        "Set the account's handle (or test the connection) so that direct messages can be read."
    ),
    "x_own_id_followers": _lt(
        "Set the account's handle (or test the connection) so that followers can be read."
    ),
    "x_post_without_id": _lt("X sent a post without id or text."),
    "x_test_needs_handle": _lt(
        "Enter the account's handle, or its user-context keys, to test the connection."
    ),
    # ------------------------------------------------------------------
    # Mastodon
    # ------------------------------------------------------------------
    "mastodon_no_instance": _lt(
        "Enter the address of the Mastodon instance (such as https://mastodon.social)."
    ),
    "mastodon_no_token": _lt("No access token is set for this Mastodon account."),
    "mastodon_no_handle": _lt(
        "Mastodon addresses a private message by the person's handle; this person has none."
    ),
    # ------------------------------------------------------------------
    # Bluesky
    # ------------------------------------------------------------------
    "bluesky_login_needed": _lt(
        "Enter the account's handle and an app password to connect to Bluesky."
    ),
    "bluesky_no_session": _lt("Bluesky accepted the login but sent no session."),
    "bluesky_chat_refused": _lt(
        "Bluesky refused the direct messages%(what)s: the app password must allow direct "
        "messages. In Bluesky, Settings > Privacy and security > App passwords, create "
        "one with 'Allow access to your direct messages' ticked and paste it in the account."
    ),
    "bluesky_cursor_expired": _lt(
        "Bluesky no longer accepts where this stream stopped; the stream pages "
        "again from the latest posts."
    ),
    "bluesky_chat_closed": _lt(
        "This person does not take direct messages from this account (their "
        "Bluesky chat setting allows only people they follow, or nobody), or "
        "one of you blocks the other."
    ),
    "bluesky_parent_gone": _lt(
        "Bluesky cannot show the post to reply to; it may have been deleted or blocked."
    ),
    "bluesky_bad_handle": _lt(
        "'%(handle)s' is not a valid Bluesky handle (such as name.bsky.social)."
    ),
    # ------------------------------------------------------------------
    # Facebook and Instagram
    # ------------------------------------------------------------------
    "meta_not_a_delivery": _lt("This is not a Meta webhook delivery: it has no list of entries."),
    "meta_no_page_token": _lt(
        "No page access token is set for this %(place)s account: paste the "
        "access token of the page in the account."
    ),
    "meta_token_expired": _lt(
        "%(place)s no longer accepts the page's access token: it has expired or "
        "was revoked%(what)s. Reconnect the page: paste a new page access token in "
        "the account."
    ),
    "meta_outside_window": _lt(
        "%(place)s accepts a private reply only within 24 hours of the person's "
        "last message (a private reply to a comment: once, within 7 days of the "
        "comment)%(what)s. Answer in a public comment, or wait until they write again."
    ),
    "meta_lookup_by_id": _lt("%(place)s profiles can be looked up by id only, not by name."),
    "meta_no_instagram_id": _lt(
        "Enter the id of the Instagram business account (page_id) in the account."
    ),
    "ig_no_hashtag": _lt("%(place)s found no hashtag #%(tag)s."),
    "ig_hashtag_budget": _lt(
        "%(place)s allows %(limit)s different hashtag searches per account in 7 days and "
        "%(used)s are used; #%(tag)s can be searched again after %(when)s UTC."
    ),
    "ig_no_media_id": _lt("There is no %(place)s photo or video to comment on."),
    "meta_webhook_not_confirmed": _lt("Meta did not confirm the webhook subscription of the page."),
    # ------------------------------------------------------------------
    # Connecting (OAuth)
    # ------------------------------------------------------------------
    "oauth_no_server": _lt("Enter the Mastodon server, such as mastodon.social."),
    "oauth_server_https": _lt("The Mastodon server must be an https address."),
    "oauth_refused_authorization": _lt(
        "%(place)s refused the authorization (%(code)s). Press Connect again; if it keeps "
        "failing, check the app's settings in the administrator's checklist."
    ),
    "oauth_refused": _lt("%(place)s refused the request (%(code)s)."),
    "oauth_x_refused": _lt("X refused the authorization (%(code)s). Press Connect again."),
    "oauth_x_unreadable": _lt("X answered the token request with something unreadable."),
    "oauth_mastodon_app": _lt("Mastodon registered the app without a client id or secret."),
    # models/social_crm_account_oauth.py: X refuses a revoked or spent refresh token
    "oauth_x_revoked": _lt(
        "X no longer accepts this account's connection (it was revoked, or it "
        "expired). Press Reconnect on the account."
    ),
    # ------------------------------------------------------------------
    # Publishing (a post of our own, not a reply: connectors' publish)
    # ------------------------------------------------------------------
    "no_publish": _lt("%(place)s accounts cannot publish posts from Social CRM."),
    "publish_too_long": _lt(
        "This post is %(length)s long for %(place)s, which takes at most %(limit)s "
        "(counted as %(place)s counts). Shorten it before it is sent."
    ),
    "instagram_needs_image": _lt(
        "Instagram publishes only a photo with a caption: a text-only post cannot be sent. "
        "Add a JPEG at a public https address, or leave Instagram out of this post."
    ),
    "thing_published": _lt("the post"),
    # ------------------------------------------------------------------
    # Images out (connectors/media.py; name: the agent's own file name)
    # ------------------------------------------------------------------
    "thing_image": _lt("the image"),
    "thing_a_reply": _lt("a reply"),
    "thing_a_private_message": _lt("a private message"),
    "thing_a_post": _lt("a post"),
    "media_not_public": _lt(
        "Instagram fetches the image '%(name)s' from Odoo's own address, and %(base)s is not a "
        "public https address. Set the System Parameter web.base.url to the https address "
        "people use, or leave Instagram out of this post. Nothing was sent."
    ),
    "ig_container_failed": _lt(
        "Instagram could not prepare the photo (%(status)s): nothing was published. Check that "
        "it is a JPEG with an aspect ratio between 4:5 and 1.91:1, then try again."
    ),
    "ig_container_processing": _lt(
        "Instagram is still preparing the photo: nothing was published yet. It is tried "
        "again later."
    ),
    "media_refused": _lt("%(reason)s Nothing was sent."),
    "media_none": _lt("%(place)s takes no images from Social CRM."),
    "media_bluesky_chat": _lt(
        "Bluesky chat messages cannot carry images (the chat API takes text and a "
        "quoted post only)."
    ),
    "media_instagram_comment": _lt(
        "Instagram comments cannot carry images: the Instagram API takes text only "
        "for a reply to a comment."
    ),
    "media_instagram_dm": _lt(
        "Instagram direct messages take an image only from a public web address, "
        "which Social CRM does not hand out: send the image from the Instagram app."
    ),
    "media_too_many_one": _lt(
        "%(place)s takes at most 1 image with %(what)s; there are %(count)s. "
        "Nothing was sent: remove %(extra)s."
    ),
    "media_too_many": _lt(
        "%(place)s takes at most %(most)s images with %(what)s; there are %(count)s. "
        "Nothing was sent: remove %(extra)s."
    ),
    "media_wrong_type": _lt(
        "%(place)s takes only %(kinds)s images; '%(name)s' is %(type)s. Nothing was sent."
    ),
    "media_unknown_type": _lt(
        "%(place)s takes only %(kinds)s images; '%(name)s' is of an unknown type. Nothing was sent."
    ),
    "media_too_large": _lt(
        "%(place)s takes images of at most %(most)s; '%(name)s' has %(size)s. "
        "Nothing was sent: make it smaller."
    ),
    "media_rule": _lt("%(kinds)s; at most %(most)s, %(size)s each"),
    "media_rule_none": _lt("no images"),
    "media_facebook_private_reply": _lt(
        "A private reply to a %(place)s comment is a single message and cannot carry an "
        "image: send the text now, and the image once the person answers. Nothing was sent."
    ),
    "media_text_not_sent": _lt("The image was sent, but the text was not: %(error)s"),
    "mastodon_media_processing": _lt(
        "Mastodon is still processing the image '%(name)s': nothing was posted. "
        "Try again in a minute."
    ),
    "bluesky_no_blob": _lt("Bluesky accepted the image but sent back no blob."),
    "x_no_media_id": _lt("X accepted the image but sent back no media id."),
    "x_media_failed": _lt("X could not process the image '%(name)s'."),
    "x_media_refused": _lt(
        "X refused the image upload (403 Forbidden): the account's connection lacks the "
        "media.write permission. Tick 'Send images' on the account's X connection and connect "
        "again, or send the reply without the image."
    ),
    # ------------------------------------------------------------------
    # Flickr
    # ------------------------------------------------------------------
    "advice_flickr_401": _lt(
        "Check the API key and secret, and the OAuth token and secret of the account "
        "(Flickr, The App Garden; the token needs the permission 'write' to comment)."
    ),
    "advice_flickr_403": _lt(
        "The Flickr member of the account may not do this (comments closed, or the "
        "token lacks the permission 'write')."
    ),
    "unavailable_now": _lt(
        "%(place)s is not available right now%(what)s; it will be tried again later."
    ),
    "not_xml": _lt(
        "%(place)s answered HTTP %(status)s with a body that is not the XML expected "
        "(%(size)s bytes); it will be tried again later."
    ),
    "stream_no_tag": _lt("This stream has no tag to search for."),
    "stream_no_keyword": _lt("This stream has no keyword to search for."),
    "flickr_needs_oauth": _lt(
        "Commenting on Flickr needs the account's OAuth 1.0a token: set the API key "
        "and secret and the OAuth token and secret (missing: %(names)s)."
    ),
    "flickr_no_api_key": _lt("No Flickr API key is set for this account."),
    "flickr_result_cap": _lt(
        "Flickr shows no more than 4,000 results of a search; the stream goes on "
        "from the next second."
    ),
    "flickr_photo_without_id": _lt("Flickr sent a photo without an id or owner."),
    "flickr_search_without_photos": _lt("Flickr answered the search without photos."),
    "flickr_comment_without_id": _lt("Flickr answered the comment without its id."),
    "flickr_no_token": _lt("Flickr answered %(what)s without a token; try to connect again."),
    "flickr_callback_not_confirmed": _lt("Flickr did not confirm our callback address."),
    "flickr_test_needs_handle": _lt(
        "Enter the account's Flickr user name (handle), or its OAuth token, to test it."
    ),
    "thing_the_photo": _lt("the photo"),
    "thing_the_member": _lt("the member"),
    "thing_our_member": _lt("our member"),
    "thing_the_comments": _lt("the comments"),
    "thing_token_request": _lt("the request for a token"),
    "thing_token_exchange": _lt("the exchange of the token"),
    # ------------------------------------------------------------------
    # Demo
    # ------------------------------------------------------------------
    "demo_no_user": _lt("The demo stream has no user '%(handle)s'."),
    # ------------------------------------------------------------------
    # Our own words about any error (models/_helpers.human_error)
    # ------------------------------------------------------------------
    # ------------------------------------------------------------------
    # Reviews on Google Business Profile and Trustpilot
    # ------------------------------------------------------------------
    "thing_review": _lt("a review"),
    "thing_reviews": _lt("the reviews"),
    "review_no_location": _lt(
        "Enter the Google location of the account, such as accounts/123/locations/456."
    ),
    "google_no_token": _lt(
        "This Google account has no access yet: an administrator enters the OAuth client "
        "and the refresh token on the account."
    ),
    "google_token_expired": _lt(
        "Google no longer accepts the refresh token%(what)s. While the Google Cloud app is in "
        "'Testing' mode, Google lets refresh tokens expire after 7 days: set the app to "
        "'In production' and connect again."
    ),
    "google_needs_approval": _lt(
        "Google has not opened the Business Profile API to this project yet%(what)s. "
        "The account waits for Google's approval; everything else keeps working."
    ),
    "advice_google_401": _lt(
        "Connect the Google account again: enter a new refresh token on the account."
    ),
    "trustpilot_no_business_unit": _lt(
        "Enter the Trustpilot business unit id and the API key on the account."
    ),
    "trustpilot_no_reply_token": _lt(
        "Replying on Trustpilot needs a business-user token: an administrator enters it on "
        "the account (Trustpilot's paid API module)."
    ),
    "trustpilot_needs_module": _lt(
        "Trustpilot does not let this account reply through the API%(what)s: that needs "
        "Trustpilot's paid API module and a business-user token. Reviews are still read."
    ),
    "advice_trustpilot_401": _lt(
        "Check the API key (and, for replies, the business-user token) on the account."
    ),
    "advice_trustpilot_403": _lt(
        "The API key may not read these reviews: check the business unit id and the key "
        "in Trustpilot's integrations."
    ),
    "place_timeout": _lt("%(place)s did not answer in time: try again later."),
    "place_unreachable": _lt(
        "Could not reach %(place)s: check the server address or try again later."
    ),
    "unexpected": _lt(
        "Something went wrong; nothing was changed. Try again later; an administrator "
        "can read the technical details."
    ),
    "maybe_posted": _lt(
        "%(error)s It may have been posted all the same: it is not sent again "
        "before Social CRM knows."
    ),
}


def english(template, **params):
    """The default ``translate``: the template as written, filled in."""
    return template % params if params else template


class Message:
    """A catalogue key and its parameters; ``str()`` is the English sentence."""

    __slots__ = ("key", "params")

    def __init__(self, key, /, **params):
        if key not in CATALOGUE:
            raise KeyError(f"no connector message {key!r}")
        self.key = key
        self.params = params

    def to_json(self):
        """``{"key", "params", "text"}``: what a model stores; ``text`` is the
        English sentence, shown when a later version drops the key."""
        return {
            "key": self.key,
            "params": {name: _json(value) for name, value in self.params.items()},
            "text": str(self),
        }

    def __str__(self):
        return render(self.to_json_light())

    def to_json_light(self):
        return {
            "key": self.key,
            "params": {
                name: value.to_json_light() if isinstance(value, Message) else value
                for name, value in self.params.items()
            },
        }

    def __repr__(self):
        return f"Message({self.key!r}, **{self.params!r})"


def _json(value):
    if isinstance(value, Message):
        return value.to_json_light()
    if isinstance(value, (str, int, float)) or value is None:
        return value
    return str(value)


def render(data, translate=english, _nested=False):
    """The words ``data`` (what a model stored: ``{"key", "params"[, "text"]}``,
    ``{"text"}`` for words stored before keys existed, or a plain string),
    through ``translate(template, **params)``. A key this version does not
    know, or a template that does not fit its parameters, shows the stored
    English ``text``."""
    if not data:
        return ""
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        return str(data)
    template = CATALOGUE.get(data.get("key") or "")
    if template is None:
        return data.get("text") or ""
    params = {
        name: render(value, translate, _nested=True) if isinstance(value, dict) else value
        for name, value in (data.get("params") or {}).items()
    }
    try:
        words = translate(template, **params)
        return words if _nested else words.strip()
    except (KeyError, TypeError, ValueError):
        fallback = data.get("text")
        if fallback:
            return fallback
        raise


def said(status, code=""):
    """`` (403 Forbidden, code X)`` as a :class:`Message` (the status phrase
    is ours, the code a sanitised short code), or "" when there is neither."""
    from http import HTTPStatus  # noqa: PLC0415

    from .base import safe_code  # noqa: PLC0415 (base imports this module)

    try:
        phrase = f"{status} {HTTPStatus(int(status)).phrase}"
    except (TypeError, ValueError):
        phrase = str(status or "")
    code = safe_code(code)
    if phrase and code:
        return Message("said_status_code", status=phrase, code=code)
    if phrase:
        return Message("said_status", status=phrase)
    if code:
        return Message("said_code", code=code)
    return ""

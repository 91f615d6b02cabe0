"""The demo connector: replays a bundled, self-written sample stream.

It needs no keys and makes no network call. Each ``fetch`` releases the next
few posts of ``data/demo_stream.json`` (Dutch and English posts about the
fictional department store "Warenhuis Hollandia"), stamped with the current
time, so a new database's inbox fills up the way a real one does, through
the very same ingestion path as real platforms.

The sample never runs dry: it replays in rounds. The cursor holds the round
and the position in it; round 0 keeps the sample's own ids, round ``r`` gives
every post the id ``<id>-r<r>`` (replies point at their parent of the same
round), so each (round, position) always gives the same id and a rerun
duplicates nothing. The sample's regular (``recurring.author``, @yesican,
a known customer) speaks up at least every ``recurring.every`` posts: where
the sample would go longer without him, the next of his ``recurring.posts``
is slipped in. "Reset cursor" starts a new round (:meth:`restart_cursor`).
"""

import hashlib
import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .base import (
    Connector,
    FetchResult,
    FollowersResult,
    Post,
    Profile,
    RequestRefused,
    private_key,
    recipient_id,
)
from .media import check_images
from .messages import Message

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "demo_stream.json"


def load_sample(path=SAMPLE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class DemoConnector(Connector):
    platform = "demo"
    label = "Demo"
    supports_media = True
    max_length = 500
    length_rule = "chars"
    supports_followers = True
    supports_private = True
    deduplicates = True

    def __init__(self, credentials=None, session=None, sample=None, now=None):
        super().__init__(credentials, session)
        self.sample = sample if sample is not None else load_sample()
        self._now = now

    def now(self):
        return self._now or datetime.now(timezone.utc).replace(tzinfo=None)

    def _profile(self, handle):
        author = self.sample["authors"][handle]
        return Profile(
            user_id=f"demo-{handle}",
            handle=handle,
            display_name=author.get("name", handle),
            profile_url=f"https://social.example/@{handle}",
            bio=author.get("bio", ""),
            location=author.get("location", ""),
            followers=author.get("followers", 0),
            verified=author.get("verified", False),
        )

    def _plan(self):
        """One round, in order: ``(post, None)`` for a sample post and
        ``(None, slot)`` for the regular's ``slot``-th slipped-in post."""
        recurring = self.sample.get("recurring") or {}
        posts = self.sample["posts"]
        every = int(recurring.get("every") or 0)
        if not (recurring.get("posts") and every > 0):
            return [(item, None) for item in posts]
        author = recurring["author"]
        plan, slots = [], 0
        if posts and posts[0]["author"] != author:
            # each round begins with him, so the bound holds across rounds too
            plan.append((None, 0))
            slots = 1
        gap = 0  # posts by others since his last one
        for item in posts:
            if item["author"] == author:
                gap = 0
            else:
                if gap >= every - 1:
                    plan.append((None, slots))
                    slots, gap = slots + 1, 0
                gap += 1
            plan.append((item, None))
        return plan

    @staticmethod
    def _round_id(external_id, round_):
        return external_id if not round_ else f"{external_id}-r{round_}"

    def _entry(self, plan, round_, position):
        """The sample item at ``position`` of round ``round_``, with its
        round's id and parent."""
        item, slot = plan[position]
        if item is not None:
            external_id = self._round_id(item["id"], round_)
            parent = item.get("reply_to", "")
        else:
            recurring = self.sample["recurring"]
            slots = sum(1 for entry, _slot in plan if entry is None)
            texts = recurring["posts"]
            item = dict(texts[(round_ * slots + slot) % len(texts)], author=recurring["author"])
            external_id = self._round_id(f"{item['id']}-p{position}", round_)
            parent = item.get("reply_to", "")
            earlier = {entry["id"] for entry, _slot in plan[:position] if entry}
            parent = parent if parent in earlier else ""
        return item, external_id, self._round_id(parent, round_) if parent else ""

    def fetch(self, stream, cursor):
        """The next posts of the endless replay that ``stream`` listens for:
        at most ``page_size`` of them, and at most one round's worth, so one
        pull never holds a sample post twice."""
        cursor = cursor or {}
        plan = self._plan()
        round_ = int(cursor.get("round", 0))
        position = int(cursor.get("offset", 0))
        if position >= len(plan):  # past the end: the next round begins
            round_, position = round_ + 1, 0
        wanted = max(1, int(stream.page_size or 3))
        query = stream.query.lower().lstrip("#")
        found = []
        for _step in range(len(plan)):
            item, external_id, parent = self._entry(plan, round_, position)
            if stream.kind == "mention" or query in item["text"].lower():
                found.append((item, external_id, parent))
            position += 1
            if position == len(plan):
                round_, position = round_ + 1, 0
            if len(found) >= wanted:
                break
        now = self.now()
        result = []
        for index, (item, external_id, parent) in enumerate(found):
            result.append(
                Post(
                    external_id=external_id,
                    text=item["text"],
                    posted_at=now - timedelta(minutes=len(found) - index),
                    url=f"https://social.example/@{item['author']}/{external_id}",
                    author=self._profile(item["author"]),
                    parent_external_id=parent,
                    conversation_key=parent or external_id,
                    lang=item.get("lang", ""),
                    media_urls=[self._media_url(path) for path in item.get("media", ())],
                )
            )
        return FetchResult(result, {"round": round_, "offset": position}, has_more=False)

    @classmethod
    def restart_cursor(cls, cursor):
        """Reset plays the sample again from its start, as a NEW round: the
        ids of the rounds played so far are stored already."""
        return {"round": int((cursor or {}).get("round", 0)) + 1, "offset": 0}

    def _media_url(self, path):
        """A sample photo's address: the addon's own static files when the
        account says where Odoo is (``media_base``), else example.com."""
        base = self.credentials.get("media_base") or "https://social.example/social_crm/"
        return base.rstrip("/") + "/" + path.lstrip("/")

    def fetch_followers(self, cursor, account_user_id="", page_size=100):
        """Every author of the sample follows the demo store, one page."""
        profiles = [self._profile(handle) for handle in self.sample["authors"]]
        return FollowersResult(profiles, {}, has_more=False)

    def _sent(
        self, text, in_reply_to, kind="reply", conversation_key="", idempotency_key=None, images=()
    ):
        """What we sent (``kind`` ``"reply"`` or ``"dm"``), as a Post with a
        fresh id, or the id of ``idempotency_key`` (the same request is the
        same post, as on platforms that deduplicate); no network. Images are
        checked as a platform would (:mod:`.media`) and go nowhere."""
        what = {"dm": "private", "post": "post"}.get(kind, "public")
        check_images(self.platform, images, kind=what)
        if not text.strip() and not images:
            raise RequestRefused(Message("empty_message"))
        unique = (
            hashlib.sha256(idempotency_key.encode()).hexdigest()
            if idempotency_key
            else uuid.uuid4().hex
        )
        new_id = f"demo-{kind}-{unique[:12]}"
        folder = {"reply": "replies", "post": "posts"}.get(kind, "messages")
        return Post(
            external_id=new_id,
            text=text,
            posted_at=self.now(),
            url=f"https://social.example/{folder}/{new_id}",
            conversation_key=conversation_key,
            parent_external_id=in_reply_to or "",
        )

    def reply(self, text, in_reply_to, idempotency_key=None, images=()):
        return self._sent(text, in_reply_to, idempotency_key=idempotency_key, images=images)

    def publish(self, text, idempotency_key=None, images=()):
        """A post of the demo store: nothing leaves (images are checked as a
        platform would); the same key gives the same post, as on platforms
        that deduplicate."""
        self.check_publish(text, images)
        return self._sent(text, "", "post", idempotency_key=idempotency_key, images=images)

    def send_private(self, text, recipient, in_reply_to="", idempotency_key=None, images=()):
        """A private message, so the demo shows the flow: nothing is sent."""
        key = private_key(recipient_id(recipient, "demo"))
        return self._sent(text, in_reply_to, "dm", key, idempotency_key, images=images)

    def get_profile(self, user_id=None, handle=None):
        handle = handle or (user_id or "").removeprefix("demo-")
        if handle not in self.sample["authors"]:
            raise RequestRefused(Message("demo_no_user", handle=str(handle)[:100]))
        return self._profile(handle)

    def test_connection(self):
        return Profile(
            user_id="demo-hollandia", handle="hollandia", display_name="Warenhuis Hollandia (demo)"
        )

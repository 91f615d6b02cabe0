"""The demo connector: replays a bundled, self-written sample stream.

It needs no keys and makes no network call. Each ``fetch`` releases the next
few posts of ``data/demo_stream.json`` (Dutch and English posts about the
fictional department store "Warenhuis Hollandia"), stamped with the current
time, so a new database's inbox fills up the way a real one does, through
the very same ingestion path as real platforms.
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

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "demo_stream.json"


def load_sample(path=SAMPLE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class DemoConnector(Connector):
    platform = "demo"
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

    def fetch(self, stream, cursor):
        posts = [
            p
            for p in self.sample["posts"]
            if stream.kind == "mention" or stream.query.lower().lstrip("#") in p["text"].lower()
        ]
        offset = int((cursor or {}).get("offset", 0))
        size = max(1, min(int(stream.page_size or 3), len(posts) or 1))
        batch = posts[offset : offset + size]
        now = self.now()
        result = []
        for index, item in enumerate(batch):
            result.append(
                Post(
                    external_id=item["id"],
                    text=item["text"],
                    posted_at=now - timedelta(minutes=len(batch) - index),
                    url=f"https://social.example/@{item['author']}/{item['id']}",
                    author=self._profile(item["author"]),
                    parent_external_id=item.get("reply_to", ""),
                    conversation_key=item.get("reply_to", "") or item["id"],
                    lang=item.get("lang", ""),
                    media_urls=[self._media_url(path) for path in item.get("media", ())],
                )
            )
        return FetchResult(result, {"offset": offset + len(batch)}, has_more=False)

    def _media_url(self, path):
        """A sample photo's address: the addon's own static files when the
        account says where Odoo is (``media_base``), else example.com."""
        base = self.credentials.get("media_base") or "https://social.example/social_crm/"
        return base.rstrip("/") + "/" + path.lstrip("/")

    def fetch_followers(self, cursor, account_user_id="", page_size=100):
        """Every author of the sample follows the demo store, one page."""
        profiles = [self._profile(handle) for handle in self.sample["authors"]]
        return FollowersResult(profiles, {}, has_more=False)

    def _sent(self, text, in_reply_to, kind="reply", conversation_key="", idempotency_key=None):
        """What we sent (``kind`` ``"reply"`` or ``"dm"``), as a Post with a
        fresh id, or the id of ``idempotency_key`` (the same request is the
        same post, as on platforms that deduplicate); no network."""
        if not text.strip():
            raise RequestRefused("An empty message cannot be sent.")
        unique = (
            hashlib.sha256(idempotency_key.encode()).hexdigest()
            if idempotency_key
            else uuid.uuid4().hex
        )
        new_id = f"demo-{kind}-{unique[:12]}"
        folder = "replies" if kind == "reply" else "messages"
        return Post(
            external_id=new_id,
            text=text,
            posted_at=self.now(),
            url=f"https://social.example/{folder}/{new_id}",
            conversation_key=conversation_key,
            parent_external_id=in_reply_to or "",
        )

    def reply(self, text, in_reply_to, idempotency_key=None):
        return self._sent(text, in_reply_to, idempotency_key=idempotency_key)

    def send_private(self, text, recipient, in_reply_to="", idempotency_key=None):
        """A private message, so the demo shows the flow: nothing is sent."""
        key = private_key(recipient_id(recipient, "demo"))
        return self._sent(text, in_reply_to, "dm", key, idempotency_key)

    def get_profile(self, user_id=None, handle=None):
        handle = handle or (user_id or "").removeprefix("demo-")
        if handle not in self.sample["authors"]:
            raise RequestRefused(f"The demo stream has no user '{handle}'.")
        return self._profile(handle)

    def test_connection(self):
        return Profile(
            user_id="demo-hollandia", handle="hollandia", display_name="Warenhuis Hollandia (demo)"
        )

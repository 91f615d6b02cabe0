"""Bench only (bench/two_workers.py, bench/webhook_load.py), never shipped.

Loaded server-wide (``--load=base,web,social_crm_bench_fake``), it replaces
the demo platform's connector with one that serves generated pages to the
streams whose query is ``bench <stream> <pages>``: ``<pages>`` pages of
``page_size`` posts each, then nothing new. Every post has its own id and
every stream its own authors, so the expected totals are exact. Other demo
streams get the demo connector as always. No network call is made.
"""

import importlib.util
from datetime import datetime, timedelta
from pathlib import Path

from odoo.addons.social_crm import connectors
from odoo.addons.social_crm.connectors.base import FetchResult, Post, Profile
from odoo.addons.social_crm.connectors.demo import DemoConnector


def _bench_texts():
    """bench/bench_texts.py's TEXTS, loaded by path (this addon lives in
    bench/addons/, outside Odoo's import path for bench/)."""
    path = Path(__file__).resolve().parents[2] / "bench_texts.py"
    spec = importlib.util.spec_from_file_location("social_crm_bench_texts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TEXTS


TEXTS = _bench_texts()
AUTHORS_PER_STREAM = 50


def bench_page(query, cursor, page_size):
    """The page at ``cursor`` of the bench stream ``query`` (a FetchResult),
    or None when ``query`` is not a bench stream's."""
    words = (query or "").split()
    if len(words) != 3 or words[0] != "bench":
        return None
    stream, pages = words[1], int(words[2])
    page = int((cursor or {}).get("page", 0))
    if page >= pages:
        return FetchResult([], {"page": page}, has_more=False)
    now = datetime.utcnow().replace(microsecond=0)
    posts = []
    for i in range(page_size):
        n = page * page_size + i
        author = n % AUTHORS_PER_STREAM
        posts.append(
            Post(
                external_id=f"bench-{stream}-{n}",
                text=f"{TEXTS[n % len(TEXTS)]} ({stream}/{n})",
                posted_at=now - timedelta(seconds=page_size - i),
                url=f"https://social.example/bench/{stream}/{n}",
                author=Profile(
                    user_id=f"bench-{stream}-a{author}",
                    handle=f"bench_{stream}_{author}",
                    display_name=f"Bench {stream} {author}",
                    followers=author * 37,
                ),
            )
        )
    return FetchResult(posts, {"page": page + 1}, has_more=page + 1 < pages)


class BenchConnector(DemoConnector):
    def fetch(self, stream, cursor):
        result = bench_page(stream.query, cursor, int(stream.page_size or 100))
        return result if result is not None else super().fetch(stream, cursor)


connectors.CONNECTORS["demo"] = BenchConnector

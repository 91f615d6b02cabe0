"""Replay of recorded HTTP exchanges, for connector tests.

:class:`ReplaySession` is injected into a connector in place of its real
session. It answers from queued recordings (real platform responses bundled
in ``tests/fixtures/recorded``, or the project's own self-written fixtures),
keeps every request it saw, insists that each carries a timeout, and refuses any
request it has no recording for, so a test can never reach the network.
Odoo's test base blocks ``Session.send`` for non-local hosts; this subclass
overrides ``send`` itself, so the replay also works inside Odoo tests.
"""

import json
import os
import re
from collections import deque
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from .base import TimeoutSession
from .safety import SafeSession

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: self-written fixtures (429, 5xx, malformed bodies, expansions...)
LOCAL_FIXTURES = PACKAGE_DIR / "tests" / "fixtures"


#: real recorded platform responses, copied with their SOURCE.txt and licence
#: from the steering repository's shared/fixtures/api, so the tests pass from
#: a clone of this repository alone
RECORDED = LOCAL_FIXTURES / "recorded"


class MissingRecording(FileNotFoundError):
    """A test asked for a recording that is not bundled: fail, never skip."""


def shared_dir():
    """The ``shared/`` folder beside the project (development datasets for
    ``bench/``), or None when absent. Tests never need it."""
    candidates = [os.environ.get("SOCIAL_CRM_SHARED")]
    candidates += [str(parent / "shared") for parent in PACKAGE_DIR.parents][:2]
    for candidate in candidates:
        if candidate and (Path(candidate) / "fixtures").is_dir():
            return Path(candidate)
    return None


def recorded_path(*parts):
    """The path of a bundled real recording, ``recorded/<source>/...``;
    raises :class:`MissingRecording`, naming it, when it is not there."""
    path = RECORDED.joinpath(*parts)
    if not path.exists():
        raise MissingRecording(
            f"recording {'/'.join(parts)!r} is missing from {RECORDED}: copy it from "
            "shared/fixtures/api with its SOURCE.txt and licence"
        )
    return path


def shared_recording(*parts):
    """Load the bundled real recording ``recorded/<parts>`` (the layout of
    shared/fixtures/api); raises :class:`MissingRecording` when absent."""
    with open(recorded_path(*parts), encoding="utf-8") as handle:
        return json.load(handle)


def local_recording(*parts):
    """Load one of the project's self-written fixtures."""
    with open(LOCAL_FIXTURES.joinpath(*parts), encoding="utf-8") as handle:
        return json.load(handle)


class UnexpectedRequest(AssertionError):
    """The code under test sent a request that has no recording."""


#: what every name but ``localhost`` resolves to in replays (a public address)
PUBLIC_ADDRESS = "93.184.215.14"


def public_resolver(host, port):
    """A resolver for tests: ``localhost`` (and ``*.localhost``) is loopback,
    every other name a public address. No DNS is asked."""
    host = host.lower().rstrip(".")
    return ["127.0.0.1"] if host == "localhost" or host.endswith(".localhost") else [PUBLIC_ADDRESS]


class ReplaySession(SafeSession):
    """A :class:`~.safety.SafeSession` whose answers are replayed: the URL
    policy, the redirect refusal, the deadline and the size cap apply to it
    too. ``resolver`` defaults to :func:`public_resolver`; a test of a local
    recording (``http://localhost:3000``) sets ``url_policy = False``."""

    #: False to replay recordings made against a local server
    url_policy = True

    def __init__(self, resolver=public_resolver, **kwargs):
        super().__init__(resolver=resolver, **kwargs)
        self.routes = []
        self.calls = []

    def add(
        self,
        method,
        url_pattern,
        *,
        status=200,
        body=None,
        raw=None,
        headers=None,
        params=None,
        exc=None,
        times=1,
    ):
        """Queue one answer for requests matching ``method`` and the regular
        expression ``url_pattern`` (and, if given, the query ``params``).

        ``body`` is sent as JSON, ``raw`` as-is (for malformed bodies);
        ``exc`` is raised instead of answering (timeouts, connection errors).
        """
        answer = {
            "status": status,
            "body": body,
            "raw": raw,
            "headers": dict(headers or {}),
            "exc": exc,
        }
        for route in self.routes:
            if route[:3] == [method.upper(), url_pattern, params]:
                route[3].extend([answer] * times)
                return self
        self.routes.append([method.upper(), url_pattern, params, deque([answer] * times)])
        return self

    def add_recording(self, exchange, url_pattern=None, times=1):
        """Queue one exchange of a ``decoded/`` recording
        (``{method, uri, status, rate_limit_headers, body}``)."""
        pattern = (
            url_pattern
            or "^" + re.escape(urlsplit(exchange["uri"])._replace(query="").geturl()) + r"(\?|$)"
        )
        return self.add(
            exchange["method"],
            pattern,
            status=exchange["status"],
            body=exchange.get("body"),
            raw=exchange.get("raw"),
            headers=exchange.get("rate_limit_headers") or exchange.get("headers"),
            times=times,
        )

    def request(self, method, url, *args, **kwargs):
        if self.url_policy:
            return super().request(method, url, *args, **kwargs)
        return TimeoutSession.request(self, method, url, *args, **kwargs)

    def send(self, request, **kwargs):
        if kwargs.get("timeout") is None:
            raise UnexpectedRequest(f"{request.method} {request.url} was sent without a timeout")
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        self.calls.append(
            {
                "method": request.method,
                "url": request.url,
                "params": query,
                "body": request.body,
                "headers": dict(request.headers),
                "timeout": kwargs["timeout"],
            }
        )
        for method, pattern, params, answers in self.routes:
            if (
                method == request.method
                and answers
                and re.search(pattern, request.url)
                and all(query.get(k) == v for k, v in (params or {}).items())
            ):
                answer = answers.popleft()
                break
        else:
            raise UnexpectedRequest(f"no recording left for {request.method} {request.url}")
        if answer["exc"] is not None:
            raise answer["exc"]
        response = requests.Response()
        response.status_code = answer["status"]
        response.reason = HTTPStatus(answer["status"]).phrase
        response.url = request.url
        response.request = request
        response.headers = CaseInsensitiveDict(answer["headers"])
        if answer["raw"] is not None:
            response._content = answer["raw"].encode()
        else:
            response._content = json.dumps(answer["body"]).encode()
            response.headers.setdefault("content-type", "application/json")
        return response

    def pending(self):
        """Answers queued but never asked for."""
        return [(m, p) for m, p, _params, answers in self.routes for _ in answers]

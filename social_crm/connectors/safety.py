"""Where connectors may send a request, and how long and how much they read.

Plain Python, no Odoo. Every connector sends its HTTP through a
:class:`SafeSession` (the default of :class:`~.base.Connector`), which

- accepts ``https`` URLs only, on the default port, without user info;
- resolves the host and refuses it unless every address is public (no
  loopback, private, link-local, shared 100.64/10, unspecified, multicast
  or reserved address; IPv4-mapped and NAT64 IPv6 addresses are judged by
  the IPv4 address inside; hosts written as integers or hex are refused);
- resolves again when the connection is opened and connects only to the
  address it has just checked, so a DNS answer that changes in between
  (rebinding) cannot lead it to an inner address;
- never follows a redirect;
- gives up on a call after an overall deadline, body included, and refuses
  a body larger than a size cap.

The resolver is injected (``resolver(host, port) -> [address, ...]``) so
that tests need no DNS.
"""

import ipaddress
import re
import socket
import threading
import time
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .base import DEFAULT_TIMEOUT, TimeoutSession, UnsafeRequest
from .messages import Message

#: seconds a whole call may take, connection, answer and body included
DEFAULT_DEADLINE = 60
#: the largest body read from a platform (bytes)
MAX_BODY_BYTES = 8 * 1024 * 1024
_CHUNK = 64 * 1024
#: IPv6 prefix that carries an IPv4 address (RFC 6052, NAT64)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
NOT_PUBLIC = str(Message("url_not_public"))
NO_ADDRESS = str(Message("url_no_address"))
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def system_resolver(host, port):
    """The addresses ``host`` resolves to, by the system's resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [info[4][0] for info in infos]


def is_public_address(address):
    """Whether ``address`` (text or ip_address) may be called: a global
    unicast address. IPv4 inside IPv6 (mapped, 6to4, NAT64) is judged as IPv4."""
    try:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6:
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return is_public_address(inner)
        if ip.teredo:
            return False
    return bool(
        ip.is_global
        and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)
        and not ip.is_unspecified
    )


def check_url(url):
    """``(host, port)`` of ``url`` when its form is acceptable (https, default
    port, a DNS name or a public IP literal); :class:`UnsafeRequest` if not.
    No DNS here: :func:`check_host` does that."""
    try:
        parts = urlsplit(str(url or ""))
        port = parts.port
    except ValueError:
        raise UnsafeRequest(Message("url_invalid")) from None
    if parts.scheme != "https":
        raise UnsafeRequest(Message("url_not_https"))
    if parts.username is not None or parts.password is not None:
        raise UnsafeRequest(Message("url_userinfo"))
    if port not in (None, 443):
        raise UnsafeRequest(Message("url_port"))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeRequest(Message("url_no_host"))
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None:
        if not is_public_address(ip):
            raise UnsafeRequest(Message("url_not_public_ip"))
        return host, 443
    labels = host.split(".")
    if (
        len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
        or any(label.startswith("0x") for label in labels)
    ):
        # one-label names (localhost, intranet), numbers (2130706433, 127.1)
        raise UnsafeRequest(Message("url_not_public_name"))
    return host, 443


def check_host(host, port, resolver):
    """The addresses of ``host``, all public; :class:`UnsafeRequest` when it
    does not resolve or any address is not public."""
    addresses = list(resolver(host, port) or [])
    if not addresses:
        raise UnsafeRequest(Message("url_no_address"))
    if not all(is_public_address(a) for a in addresses):
        raise UnsafeRequest(Message("url_not_public"))
    return addresses


# --------------------------------------------------------------------------
# Connecting only to the address just checked
# --------------------------------------------------------------------------
class _CheckedConnection(HTTPSConnection):
    """Resolves and checks its host when it connects, then connects to that
    very address (TLS still verifies the host name)."""

    resolver = staticmethod(system_resolver)
    #: the adapter keeps a second handle on each socket to cut it at the deadline
    adapter = None

    def _new_conn(self):
        try:
            addresses = check_host(self._dns_host, self.port, self.resolver)
        except UnsafeRequest as exc:
            raise NewConnectionError(self, str(exc)) from exc
        error = None
        for address in addresses:
            try:
                sock = socket.create_connection((address, self.port), self.timeout)
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
            except OSError as exc:
                error = exc
                continue
            if self.adapter is not None:
                self.adapter.track(sock)
            return sock
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


class _CheckedPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedConnection


class SafeAdapter(HTTPAdapter):
    """An https-only adapter whose connections check the address they
    connect to, and that can cut all its sockets (at the deadline)."""

    def __init__(self, resolver=system_resolver):
        self._sockets = []
        self._lock = threading.Lock()
        self.connection_class = type(
            "CheckedConnection",
            (_CheckedConnection,),
            {"resolver": staticmethod(resolver), "adapter": self},
        )
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        result = super().init_poolmanager(*args, **kwargs)
        pool = type("CheckedPool", (_CheckedPool,), {"ConnectionCls": self.connection_class})
        self.poolmanager.pool_classes_by_scheme = {"https": pool}
        return result

    def track(self, sock):
        with self._lock:
            self._sockets.append(sock.dup())

    def cut(self):
        """Shut every socket this adapter opened (a running read ends)."""
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    continue  # already closed by the other side

    def close(self):
        result = super().close()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets = []
        return result


class _Refuse(HTTPAdapter):
    def send(self, request, **kwargs):
        raise UnsafeRequest(Message("url_not_https"))


class SafeSession(TimeoutSession):
    """A ``requests.Session`` that calls public https servers only, follows
    no redirect, and bounds each call in time (``deadline`` seconds) and in
    size (``max_bytes`` of body).

    :param resolver: ``resolver(host, port) -> [address, ...]``
    :param clock: ``clock() -> seconds`` (monotonic), for tests
    """

    def __init__(
        self,
        timeout=DEFAULT_TIMEOUT,
        *,
        resolver=system_resolver,
        deadline=DEFAULT_DEADLINE,
        max_bytes=MAX_BODY_BYTES,
        clock=time.monotonic,
    ):
        super().__init__(timeout)
        self.resolver = resolver
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.clock = clock
        self.trust_env = False  # no proxy from the environment: we connect ourselves
        self.max_redirects = 0
        self.mount("http://", _Refuse())

    def _adapter(self):
        adapter = SafeAdapter(self.resolver)
        self.mount("https://", adapter)
        return adapter

    def request(self, method, url, *args, **kwargs):
        host, port = check_url(url)
        check_host(host, port, self.resolver)
        kwargs["allow_redirects"] = False
        kwargs["stream"] = True
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        started = self.clock()
        adapter = self._adapter()
        watchdog = threading.Timer(self.deadline, adapter.cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            response = super().request(method, url, *args, **kwargs)
            if response.is_redirect or 300 <= response.status_code < 400:
                if response.raw is not None:
                    response.close()
                raise UnsafeRequest(
                    Message("redirect", status=response.status_code),
                    status=response.status_code,
                )
            self._read_body(response, started)
        except requests.ConnectionError as exc:
            if self.clock() - started >= self.deadline:
                raise requests.Timeout("the call passed its deadline") from exc
            for key, words in (("url_not_public", NOT_PUBLIC), ("url_no_address", NO_ADDRESS)):
                if words in str(exc):
                    raise UnsafeRequest(Message(key)) from None
            raise
        finally:
            watchdog.cancel()
            adapter.close()
        return response

    def _read_body(self, response, started):
        """Read the whole body within the deadline and the size cap."""
        if response._content is not False:  # already read (replays)
            chunks = [response._content or b""]
            size = len(chunks[0])
        else:
            chunks, size = [], 0
            for chunk in response.iter_content(_CHUNK):
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_bytes or self.clock() - started > self.deadline:
                    break
            if response.raw is not None:
                response.close()
        if size > self.max_bytes:
            raise UnsafeRequest(
                Message("too_large", size=self.max_bytes // 1024),
                status=response.status_code,
            )
        if self.clock() - started > self.deadline:
            raise requests.Timeout(f"the call took longer than {self.deadline} seconds")
        response._content = b"".join(chunks)
        response._content_consumed = True

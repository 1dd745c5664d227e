"""HTTP GET for URLs that users give: no request to internal addresses, one deadline for all of it.

On a shared server a URL is hostile input: ``http://127.0.0.1:8501``, ``http://2130706433/``,
``http://[::1]/``, ``http://169.254.169.254/`` (cloud metadata) or a public page that redirects
to one of them must not be fetched. So each host (the first one and every redirect target, which
are followed here, not by a library) is resolved once, every address it resolves to must be
public, and the connection is made to the very address that was checked (a second DNS answer
cannot point it elsewhere). Hosts named in ``SOURCELIGHT_FETCH_ALLOW`` (comma-separated) are
exempt, for a team's internal news server (and for tests on 127.0.0.1).

One deadline covers connecting, the headers and the body: a watchdog closes the socket when it
passes, so a server that sends one byte every two seconds fails at the deadline, not after
minutes. The body is capped while it streams in.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from components.errors import BadInput

ALLOW_ENV = "SOURCELIGHT_FETCH_ALLOW"
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Fetched:
    """A fetched body with its final URL and headers."""

    url: str
    status: int
    headers: Message
    body: bytes


def allowed_hosts() -> set[str]:
    """Host names (or literal addresses) exempt from the public-address rule."""
    raw = os.environ.get(ALLOW_ENV, "")
    return {h.strip().lower().strip("[]") for h in raw.split(",") if h.strip()}


def refused_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``ip`` is not a public address (None when it is)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, name in (
        ("is_loopback", "loopback"),
        ("is_unspecified", "unspecified"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, test):
            return name
    if not ip.is_global:
        return "not public"
    return None


def resolve_public(url: str, host: str, port: int) -> str:
    """The one address to connect to for ``host``: every address it resolves to must be public
    (unless the host is allowed), and the first is used.

    Raises:
        BadInput: the host does not resolve, or resolves to an internal address.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BadInput(f"{url}: could not reach the server (cannot resolve {host}: {exc})") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise BadInput(f"{url}: could not reach the server (no address for {host})")
    if host.lower().strip("[]") not in allowed_hosts():
        for address in addresses:
            why = refused_reason(ipaddress.ip_address(address.split("%", 1)[0]))
            if why:
                raise BadInput(
                    f"{url}: {host} is a {why} address ({address}); internal addresses are not fetched "
                    f"(an administrator can allow a host with {ALLOW_ENV})"
                )
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a checked address, sending the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:  # noqa: D102
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; the certificate is checked for the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:  # noqa: D102
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _timed_out(url: str, timeout: float) -> BadInput:
    return BadInput(f"{url}: timed out after {timeout:g} s")


def _one_request(url: str, headers: dict[str, str], deadline: float, timeout: float,
                 max_bytes: int, size_text) -> tuple[int, Message, bytes | None]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    address = resolve_public(url, host, port)
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timed_out(url, timeout)
    conn_cls = _PinnedHTTPS if https else _PinnedHTTP
    conn = conn_cls(host, port, address, left)
    expired = threading.Event()

    def watchdog() -> None:  # the one deadline, whatever the server trickles
        expired.set()
        sock = conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(left, watchdog)
    timer.daemon = True
    timer.start()
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        if 300 <= resp.status < 400 and resp.getheader("Location"):
            return resp.status, resp.msg, None
        length = resp.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > max_bytes:
            raise BadInput(
                f"{url}: the page is {size_text(int(length))}, over the {size_text(max_bytes)} limit; refused"
            )
        chunks, total = [], 0
        while True:
            if time.monotonic() > deadline:
                raise _timed_out(url, timeout)
            chunk = resp.read1(64 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise BadInput(f"{url}: the page is over the {size_text(max_bytes)} limit; refused")
            chunks.append(chunk)
        if expired.is_set():
            raise _timed_out(url, timeout)
        return resp.status, resp.msg, b"".join(chunks)
    except BadInput:
        raise
    except TimeoutError:
        raise _timed_out(url, timeout) from None
    except (http.client.HTTPException, OSError) as exc:
        if expired.is_set():
            raise _timed_out(url, timeout) from None
        if isinstance(exc, ConnectionRefusedError | socket.gaierror):
            raise BadInput(f"{url}: could not reach the server ({exc})") from None
        raise BadInput(f"{url}: the connection failed ({exc.__class__.__name__}: {exc})") from None
    finally:
        timer.cancel()
        conn.close()


def http_get(url: str, *, timeout: float, max_bytes: int, headers: dict[str, str], size_text=str) -> Fetched:
    """GET ``url`` following up to ``MAX_REDIRECTS`` http(s) redirects, each target checked.

    Args:
        url: an http(s) URL with a host (checked by the caller).
        timeout: seconds for everything, redirects included.
        max_bytes: the largest body accepted.
        headers: request headers.
        size_text: formats a byte count for messages.

    Raises:
        BadInput: an internal address, a redirect elsewhere than http(s), too many redirects,
            an HTTP error status, a network error, the deadline, an oversize body.
    """
    deadline = time.monotonic() + timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        status, msg, body = _one_request(current, headers, deadline, timeout, max_bytes, size_text)
        if body is None:
            target = urljoin(current, msg.get("Location", "").strip())
            if urlsplit(target).scheme.lower() not in ("http", "https") or not urlsplit(target).hostname:
                raise BadInput(f"{url}: redirects to {target}, not an http(s) URL; refused")
            current = target
            continue
        if status >= 400:
            raise BadInput(f"{url}: the server answered {status} {http.client.responses.get(status, '')}".rstrip())
        return Fetched(current, status, msg, body)
    raise BadInput(f"{url}: more than {MAX_REDIRECTS} redirects; refused")

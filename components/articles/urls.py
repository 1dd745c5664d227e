"""Articles from URLs: ``fetch_url`` checks the URL, fetches it through
``components.fetch.http_get`` (the hardened network fetch: internal addresses refused, size and
time capped) and reads the body as HTML or plain text.

May import components.errors, components.fetch, components.records and components.articles
.decoding / .html / .limits / .parse.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from components.articles.decoding import _check_is_text, decode_bytes
from components.articles.html import html_to_article
from components.articles.limits import FETCH_TIMEOUT_S, MAX_BYTES, USER_AGENT, _mb
from components.articles.parse import parse_article
from components.errors import BadInput
from components.fetch import http_get
from components.records import Article

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown")


def fetch_url(
    url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_BYTES
) -> list[Article]:
    """Fetch a web page (http/https only) and return its main text as an article.

    HTML goes through trafilatura (see ``html_to_article``); plain text is read as is. The
    request goes through ``components.fetch.http_get``: internal addresses are refused (on every
    redirect), the size cap is enforced while the body streams in, and ``timeout`` bounds the
    whole fetch, connection, headers and body together.

    Args:
        url: an ``http://`` or ``https://`` URL.
        timeout: seconds for the whole fetch.
        max_bytes: the largest body accepted.

    Raises:
        BadInput: another scheme, no host, an internal address, an HTTP error status, a network error, a timeout, an
            oversize body, a body that is not HTML or text, or no article text in it.
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BadInput(
            f"{url or 'URL'}: only http:// and https:// URLs can be fetched"
            + (f" (not {scheme}:)" if scheme else "")
        )
    if not parts.hostname:
        raise BadInput(f"{url}: the URL has no host name")
    fetched = http_get(
        url,
        timeout=timeout,
        max_bytes=max_bytes,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"},
        size_text=_mb,
    )
    data, final_url = fetched.body, fetched.url
    content_type = fetched.headers.get_content_type()
    charset = fetched.headers.get_content_charset()
    declared = "Content-Type" in fetched.headers

    if not data:
        raise BadInput(f"{url}: the server sent an empty page")
    sniffed_html = data.lstrip()[:1] == b"<"
    if content_type in _HTML_TYPES or (not declared and sniffed_html):
        kind = "html"
    elif content_type in _TEXT_TYPES or (not declared and not sniffed_html):
        kind = "text"
    else:
        raise BadInput(f"{url}: the server sent {content_type}, not a web page or text")
    text, warns = _decode_with_charset(data, charset, url)
    if kind == "html":
        return [html_to_article(text, origin=url, url=final_url, warnings=warns)]
    return [parse_article(text, origin=url, url=final_url, warnings=warns)]


def _decode_with_charset(data: bytes, charset: str | None, name: str) -> tuple[str, list[str]]:
    if charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if "\x00" in text:
                raise BadInput(f"{name}: looks like binary data (NUL bytes), not text")
            return _check_is_text(text, name), []
    return decode_bytes(data, name)

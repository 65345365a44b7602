"""Saved web pages: the article's main text and its metadata, with trafilatura.

trafilatura finds the main text of a page (leaving out navigation, sidebars, footers and
cookie banners) and reads title, site name, publication date and canonical URL from the
page's own markup. It only parses the string it is given: nothing is fetched. The page's
language comes from its markup too (`<html lang>` and the like), read here, since
trafilatura only detects languages with an optional extra.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from .models import Metadata

# Where a page may state its charset: <meta charset="..."> or the http-equiv form, within
# the first bytes (HTML's prescan looks at 1024; allow for long heads of comments).
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
PRESCAN_BYTES = 4096
# Publication dates from the page's metadata and URL only: htmldate's "extensive search" of
# the text would take a copyright year in the footer, or a date the article mentions.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


class PageError(Exception):
    """No article text could be found in the page; the message says why (no file name)."""


@dataclass(frozen=True)
class Page:
    """What a saved page holds: the main text, one paragraph a line, and its metadata."""

    text: str
    metadata: Metadata
    # The site name was derived from the URL's host name (no og:site_name or the like):
    # a guess, below a manifest in precedence.
    site_name_is_host: bool = False


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes, if any."""
    match = _CHARSET.search(data[:PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def read_page(html: str) -> Page:
    """The main text and metadata of a saved HTML page. Raises PageError when there is no text."""
    # Imported here: trafilatura takes a fifth of a second to import, and most inputs are text.
    from trafilatura import bare_extraction, load_html

    # A fragment (no <html> or doctype) is refused by load_html; it is still a page's body.
    tree = load_html(html)
    if tree is None:
        tree = load_html(f"<html><body>{html}</body></html>")
    if tree is None:
        raise PageError("not an HTML page that can be parsed")
    lang = _language(tree)
    document = bare_extraction(
        tree, with_metadata=True, include_comments=False, date_extraction_params=_DATE_PARAMS
    )
    text = (document.text or "") if document is not None else ""
    if not text.strip():
        raise PageError("no article text found in the page")
    site = _clean(document.sitename)
    url = _clean(document.url)
    hosts = {host.lower() for host in (document.hostname, urlparse(url or "").hostname) if host}
    hosts |= {host.removeprefix("www.") for host in hosts}
    return Page(
        text=text,
        metadata=Metadata(
            outlet=site,
            published=_clean(document.date),
            url=url,
            title=_clean(document.title),
            lang=lang,
        ),
        site_name_is_host=bool(site and site.lower() in hosts),
    )


def _language(tree) -> str | None:  # noqa: ANN001 - an lxml element
    candidates = [
        tree.get("lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        *tree.xpath("//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')"
                    "='content-language']/@content"),
        *tree.xpath("//meta[@property='og:locale']/@content"),
        *tree.xpath("//meta[translate(@name, 'LANGUAGEDC.', 'languagedc.')='language' "
                    "or translate(@name, 'LANGUAGEDC.', 'languagedc.')='dc.language']/@content"),
    ]
    for candidate in candidates:
        value = _clean(str(candidate).split(",")[0]) if candidate else None
        if value:
            return value.replace("_", "-")
    return None


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None

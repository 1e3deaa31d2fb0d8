"""Live help centers: the article pages of Zendesk Guide, Intercom and Freshdesk, read from
their REST APIs and handed, page by page, to the same readers as their JSON exports
(ingest/helpcenter_exports.py), so an article becomes the same documents either way.

- **Zendesk Guide**: the help center's locales (`/api/v2/help_center/locales.json`), then
  each locale's articles with cursor pagination (`page[size]=100`, `links.next` while
  `meta.has_more`). Authenticated as an agent, the API also returns articles limited to a
  user segment: the reader stores those `internal`.
- **Intercom**: `/articles`, page by page (`page`, `pages.total_pages`); every locale of
  `translated_content` is a document.
- **Freshdesk**: categories, their folders, and each folder's articles (`page`, 100 per
  page). A folder visible to anyone but all users (logged-in users, agents, chosen
  companies or segments) stores its articles `internal`. Subfolders and translations
  (the multilingual add-on) are not read.

Work is bounded: at most MAX_PAGES requests' worth of pages per run.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ingest.connectors.http import JsonClient
from kb.errors import InvalidInput, RemoteUnavailable
from kb.models import Visibility

MAX_PAGES = 5_000
ZENDESK_PAGE_SIZE = 100
INTERCOM_PAGE_SIZE = 50
INTERCOM_VERSION = "2.11"
FRESHDESK_PAGE_SIZE = 100
FRESHDESK_ALL_USERS = 1  # a folder's `visibility`: 1 all users; 2-7 narrower audiences


@dataclass(frozen=True)
class Page:
    """One API response in an export's shape, where it came from, and its visibility."""

    data: Any
    where: str
    visibility: Visibility


class Connector(Protocol):
    """Reads one help center's articles from its API."""

    @property
    def system(self) -> str: ...

    @property
    def source(self) -> str:
        """What its documents' `source` is: one help center's, so a sync prunes only its own."""
        ...

    def pages(self, visibility: Visibility) -> Iterator[Page]: ...


def basic_auth(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")


def zendesk_auth(token: str, email: str | None) -> str:
    """An agent's email with an API token (Basic `email/token:token`), or an OAuth token."""
    return basic_auth(f"{email}/token", token) if email else f"Bearer {token}"


def intercom_headers(token: str) -> dict[str, str]:
    """An access token, and the API version whose shapes the readers know."""
    return {"Authorization": f"Bearer {token}", "Intercom-Version": INTERCOM_VERSION}


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0

    def take(self, system: str) -> None:
        self.used += 1
        if self.used > self.limit:
            raise RemoteUnavailable(f"{system} returned more than {self.limit} pages; stopped")


class Zendesk:
    """Zendesk Guide; `email` with an API token, or an OAuth token alone."""

    system = "zendesk"

    def __init__(
        self, url: str, token: str, email: str | None = None, max_pages: int = MAX_PAGES
    ) -> None:
        self.client = JsonClient(url, {"Authorization": zendesk_auth(token, email)})
        self.source = f"zendesk:{self.client.base}/"
        self.max_pages = max_pages

    def pages(self, visibility: Visibility) -> Iterator[Page]:
        budget = _Budget(self.max_pages)
        found = self.client.get("/api/v2/help_center/locales.json")
        locales = found.get("locales") if isinstance(found, dict) else None
        if not isinstance(locales, list) or not all(isinstance(x, str) for x in locales):
            raise RemoteUnavailable("Zendesk's locales.json had no list of locales")
        for locale in locales:
            budget.take(self.system)
            page: Any = self.client.get(
                f"/api/v2/help_center/{locale}/articles.json", {"page[size]": ZENDESK_PAGE_SIZE}
            )
            number = 1
            while True:
                if not isinstance(page, dict) or not isinstance(page.get("articles"), list):
                    raise RemoteUnavailable(f"Zendesk {locale} page {number} had no articles list")
                yield Page(page, f"{self.source}{locale}/page{number}", visibility)
                nxt = (page.get("links") or {}).get("next")
                if not (page.get("meta") or {}).get("has_more") or not isinstance(nxt, str):
                    break
                budget.take(self.system)
                page, number = self.client.get(nxt), number + 1


class Intercom:
    """Intercom articles with an access token (`url`: the region's API host)."""

    system = "intercom"

    def __init__(
        self, token: str, url: str = "https://api.intercom.io", max_pages: int = MAX_PAGES
    ) -> None:
        self.client = JsonClient(url, intercom_headers(token))
        self.source = f"intercom:{self.client.base}/"
        self.max_pages = max_pages

    def pages(self, visibility: Visibility) -> Iterator[Page]:
        budget = _Budget(self.max_pages)
        number = 1
        while True:
            budget.take(self.system)
            page = self.client.get("/articles", {"page": number, "per_page": INTERCOM_PAGE_SIZE})
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise RemoteUnavailable(f"Intercom articles page {number} had no data list")
            yield Page(
                {"type": "list", "data": page["data"]}, f"{self.source}page{number}", visibility
            )
            total = (page.get("pages") or {}).get("total_pages")
            if not page["data"] or not isinstance(total, int) or number >= total:
                return
            number += 1


class Freshdesk:
    """Freshdesk Solutions with an API key."""

    system = "freshdesk"

    def __init__(self, url: str, api_key: str, max_pages: int = MAX_PAGES) -> None:
        self.client = JsonClient(url, {"Authorization": basic_auth(api_key, "X")})
        self.source = f"freshdesk:{self.client.base}/"
        self.max_pages = max_pages

    def pages(self, visibility: Visibility) -> Iterator[Page]:
        budget = _Budget(self.max_pages)
        budget.take(self.system)
        for category in _objects(self.client.get("/api/v2/solutions/categories"), "categories"):
            budget.take(self.system)
            folders = self.client.get(f"/api/v2/solutions/categories/{_key(category)}/folders")
            for folder in _objects(folders, "folders"):
                audience = (
                    visibility if folder.get("visibility") == FRESHDESK_ALL_USERS else "internal"
                )
                yield from self._folder(_key(folder), audience, budget)

    def _folder(self, folder: str, visibility: Visibility, budget: _Budget) -> Iterator[Page]:
        number = 1
        while True:
            budget.take(self.system)
            articles = _objects(
                self.client.get(
                    f"/api/v2/solutions/folders/{folder}/articles",
                    {"page": number, "per_page": FRESHDESK_PAGE_SIZE},
                ),
                "articles",
            )
            yield Page(articles, f"{self.source}folder{folder}/page{number}", visibility)
            if len(articles) < FRESHDESK_PAGE_SIZE:
                return
            number += 1


def _objects(data: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise RemoteUnavailable(f"Freshdesk returned no list of {what}")
    return data


def _key(record: dict[str, Any]) -> str:
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isalnum():
        raise RemoteUnavailable(f"Freshdesk returned an object without a usable id: {value!r}")
    return str(value)


def connector(system: str, url: str | None, token: str, email: str | None = None) -> Connector:
    """The connector for `system` (zendesk, intercom or freshdesk)."""
    if system == "zendesk":
        if not url:
            raise InvalidInput("Zendesk needs --url (https://<subdomain>.zendesk.com)")
        return Zendesk(url, token, email)
    if system == "intercom":
        return Intercom(token, url or "https://api.intercom.io")
    if system == "freshdesk":
        if not url:
            raise InvalidInput("Freshdesk needs --url (https://<domain>.freshdesk.com)")
        return Freshdesk(url, token)
    raise InvalidInput(f"unknown helpdesk {system!r}; use zendesk, intercom or freshdesk")

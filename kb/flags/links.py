"""broken_link: links to help articles that no longer exist, and malformed URLs.

No network calls: an internal link (relative, or to a help-center host) must resolve to
a stored article by URL, by id, or by an id-prefixed slug (`/articles/orb-0014-old-title`).
External links are only checked for shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urljoin
from urllib.parse import urlsplit as _urlsplit

from kb.flags.corpus import Article
from kb.flags.model import Finding, evidence_key

_MD_LINK = re.compile(
    r"(?<!!)\[([^\]\n]{0,200})\]\(\s*(<[^>\n]*>|[^)\n]*?)\s*(?:\"[^\"\n]*\")?\s*\)"
)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]*)>")
_BARE = re.compile(r"(?<![(<\[\w/])((?:https?|htps?|htp)://[^\s)<>\]]+|https?:/[^/\s][^\s)<>\]]*)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~).*?^\s{0,3}\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_HOST = re.compile(
    r"^(?:localhost|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|\d{1,3}(?:\.\d{1,3}){3})"
    r"(?::\d{1,5})?$",
    re.IGNORECASE,
)
_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})
_ASSET = re.compile(
    r"\.(?:png|jpe?g|gif|svg|webp|pdf|zip|gz|tar|json|ya?ml|xml|csv|txt|py|js|java)$", re.I
)


@dataclass
class LinkIndex:
    """Where articles live: normalised URLs, ids, and the hosts of the help center."""

    urls: set[str]
    ids: set[str]
    hosts: set[str]
    stems: set[str] = field(default_factory=set)  # path-like ids without extension

    @classmethod
    def build(cls, articles: Iterable[Article], extra_hosts: Iterable[str] = ()) -> LinkIndex:
        urls, ids, hosts = set(), set(), {h.lower() for h in extra_hosts}
        for a in articles:
            ids.add(a.external_id)
            if a.url:
                urls.add(_normal(a.url))
                host = urlsplit(a.url).netloc.lower()
                if host:
                    hosts.add(host)
        return cls(urls, ids, hosts, {_stem_path(i) for i in ids if "/" in i})

    def exists(self, target: str) -> bool:
        if _normal(target) in self.urls:
            return True
        path = urlsplit(target).path
        if path.lstrip("/") in self.ids or _stem_path(path.lstrip("/")) in self.stems:
            return True
        segment = path.rstrip("/").rsplit("/", 1)[-1]
        parts = segment.split("-")
        return any("-".join(parts[:n]) in self.ids for n in range(1, len(parts) + 1))


def urlsplit(url: str) -> SplitResult:
    """`urllib.parse.urlsplit` that never raises (a broken URL splits as an empty one)."""
    try:
        return _urlsplit(url)
    except ValueError:
        return SplitResult("", "", "", "", "")


def _stem_path(path: str) -> str:
    """`guide/page.md` and `guide/page.html` name the same page."""
    return re.sub(r"\.(?:md|markdown|html?)$", "", path, flags=re.IGNORECASE)


def _normal(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _links(body: str) -> list[tuple[str, str]]:
    text = _INLINE_CODE.sub(" ", _FENCE.sub(" ", body))
    out = [(m.group(1), m.group(2).strip("<>").strip()) for m in _MD_LINK.finditer(text)]
    out += [(m.group(1), m.group(1)) for m in _AUTOLINK.finditer(text)]
    stripped = _AUTOLINK.sub(" ", _MD_LINK.sub(" ", text))
    out += [(m.group(1), m.group(1).rstrip(".,;:")) for m in _BARE.finditer(stripped)]
    return out


def links_to(text: str, article: Article) -> bool:
    """Whether `text` links to `article` (by its URL, id or id-prefixed slug)."""
    if "](" not in text and "://" not in text:
        return False
    index = LinkIndex.build([article])
    return any(index.exists(href) for _, href in _links(text))


def malformed(href: str) -> str | None:
    """Why `href` is not a usable URL, or None when its shape is fine."""
    if not href or href in ("#", "TODO", "todo", "url", "link"):
        return "empty or placeholder link"
    if any(c.isspace() for c in href):
        return "contains spaces"
    low = href.lower()
    if low.startswith("www."):
        return "missing scheme (https://)"
    if re.match(r"^(?:htps?|htp|http?s?//|https?:/[^/])", low) and not low.startswith(
        ("http://", "https://")
    ):
        return "misspelt scheme"
    try:
        parts = _urlsplit(href)
    except ValueError as exc:
        return f"unparseable: {exc}"
    scheme = parts.scheme.lower()
    if not scheme:
        return None  # relative: checked against the store instead
    if scheme not in _SCHEMES:
        return f"unsupported scheme {scheme!r}"
    if scheme in ("http", "https", "ftp"):
        if not parts.netloc:
            return "no host"
        host = parts.netloc.rsplit("@", 1)[-1]
        if not _HOST.match(host):
            return f"invalid host {host!r}"
    return None


def find_broken_links(articles: Iterable[Article], index: LinkIndex) -> list[Finding]:
    findings = []
    for article in articles:
        problems: list[dict[str, str]] = []
        base = article.url or article.external_id
        for text, href in _links(article.body):
            if href.startswith("#") and len(href) > 1:
                continue
            why = malformed(href)
            if why:
                problems.append({"url": href, "text": text, "problem": "malformed", "detail": why})
                continue
            parts = urlsplit(href)
            if parts.scheme in ("mailto", "tel") or _ASSET.search(parts.path):
                continue
            internal = not parts.scheme or parts.netloc.lower() in index.hosts
            if not internal:
                continue
            try:
                target = urljoin(base, href) if not parts.scheme else href
            except ValueError:
                target = href
            if not index.exists(target):
                problems.append(
                    {
                        "url": href,
                        "text": text,
                        "problem": "missing_article",
                        "detail": "links to a help article that does not exist",
                    }
                )
        if problems:
            findings.append(_finding(article, problems))
    return findings


def _finding(article: Article, problems: list[dict[str, str]]) -> Finding:
    missing = [p for p in problems if p["problem"] == "missing_article"]
    severity = "high" if len(missing) >= 3 else "medium" if missing else "low"
    return Finding(
        reason="broken_link",
        document_id=article.external_id,
        subject=f"broken_link:{article.external_id}",
        severity=severity,  # type: ignore[arg-type]
        evidence={
            "summary": f"{len(problems)} broken link(s): "
            + ", ".join(p["url"] for p in problems[:3]),
            "links": problems[:20],
            "article_title": article.title,
        },
        key=evidence_key(article.external_id, sorted(p["url"] for p in problems)),
    )

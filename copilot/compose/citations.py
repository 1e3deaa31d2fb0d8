"""Citation markers and links in generated text: keep only what points at a real source.

`[n]` must name a source we gave; a link or bare URL must be a known document URL (any
other URL is dropped, its link text kept); tickets are internal and never linked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from copilot.compose.types import Source
from kb.text.sentences import CITATION

_SPACED_CITATION = re.compile(r"([ \t]*)" + CITATION.pattern, re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>", re.IGNORECASE)
_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a\s*>",
                     re.IGNORECASE | re.DOTALL)  # fmt: skip
_BARE_URL = re.compile(r"(?<![\w(<\"'/=])((?:https?://|ftp://|www\.)[^\s<>()\[\]\"']+)",
                       re.IGNORECASE)  # fmt: skip
_TRAILING = ".,;:!?)]}'\""
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,])(?=\s|$)")
_MULTI_SPACE = re.compile(r"[ \t]{2,}")
_EMPTY_PARENS = re.compile(r"\(\s*\)|\[\s*\]")

KnownUrls = Callable[[str], bool] | Collection[str]


def normalize_url(url: str) -> str:
    """Comparison form: no fragment, no trailing slash or punctuation, lowercase scheme/host."""
    url = url.strip().rstrip(_TRAILING).split("#", 1)[0].rstrip("/")
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.lower()
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


def citation_numbers(text: str) -> tuple[int, ...]:
    """Every citation number in `text`, in order of first use, without duplicates."""
    seen: list[int] = []
    for m in CITATION.finditer(text):
        for num in _NUMBER.findall(m.group(1)):
            if int(num) not in seen:
                seen.append(int(num))
    return tuple(seen)


def strip_citations(text: str) -> str:
    return CITATION.sub("", text)


def url_checker(sources: Sequence[Source], known_urls: KnownUrls | None) -> Callable[[str], bool]:
    """A predicate: is this URL one we may show (an article source or a known document)?"""
    allowed = {normalize_url(s.url) for s in sources if s.url and s.kind != "ticket"}
    banned = {normalize_url(s.url) for s in sources if s.url and s.kind == "ticket"}
    if known_urls is None:
        known: Callable[[str], bool] = lambda _url: False  # noqa: E731
    elif callable(known_urls):
        known = known_urls
    else:
        known_set = {normalize_url(u) for u in known_urls}
        known = lambda url: normalize_url(url) in known_set  # noqa: E731

    def ok(url: str) -> bool:
        norm = normalize_url(url)
        if not norm or norm in banned:
            return False
        return norm in allowed or bool(known(url)) or bool(known(norm))

    return ok


def _fix_citations(text: str, valid: set[int]) -> str:
    def repl(m: re.Match[str]) -> str:
        nums: list[int] = []
        for num in _NUMBER.findall(m.group(2)):
            if int(num) in valid and int(num) not in nums:
                nums.append(int(num))
        # an invalid marker goes with the space before it: "done [7]." -> "done."
        return m.group(1) + "".join(f"[{n}]" for n in nums) if nums else ""

    return _SPACED_CITATION.sub(repl, text)


def _fix_links(text: str, ok: Callable[[str], bool]) -> str:
    text = _ANCHOR.sub(lambda m: m.group(0) if ok(m.group(1)) else m.group(2), text)
    text = _IMAGE.sub(lambda m: m.group(0) if ok(m.group(2)) else m.group(1), text)
    text = _LINK.sub(lambda m: m.group(0) if ok(m.group(2)) else m.group(1), text)
    text = _AUTOLINK.sub(lambda m: m.group(0) if ok(m.group(1)) else "", text)

    def bare(m: re.Match[str]) -> str:
        url = m.group(1)
        core = url.rstrip(_TRAILING)
        tail = url[len(core) :]
        return url if ok(core) else tail

    # Markdown links that survived are known: protect them while bare URLs are checked.
    kept: list[str] = []

    def hold(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = re.sub(r"!?\[[^\]\n]*\]\([^)\n]*\)|<a\s.*?</a\s*>|<(?:https?|ftp)://[^>\s]+>",
                  hold, text, flags=re.IGNORECASE | re.DOTALL)  # fmt: skip
    text = _BARE_URL.sub(bare, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def tidy(text: str) -> str:
    """Whitespace and punctuation left behind by removals: no double spaces, no " ." ."""
    lines = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        body = _EMPTY_PARENS.sub("", line.strip())
        body = _SPACE_BEFORE_PUNCT.sub(r"\1", body)
        body = _MULTI_SPACE.sub(" ", body).strip()
        lines.append(indent + body if body else "")
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip()


def validate(
    text: str, sources: Sequence[Source], known_urls: KnownUrls | None = None
) -> tuple[str, tuple[int, ...]]:
    """Text with unknown citations and links removed, and the cited numbers in order of use."""
    valid = {s.n for s in sources}
    cleaned = _fix_links(_fix_citations(text, valid), url_checker(sources, known_urls))
    cleaned = tidy(cleaned)
    return cleaned, citation_numbers(cleaned)

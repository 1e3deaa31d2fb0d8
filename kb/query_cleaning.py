"""Clean a customer message before it is searched or stored: quoted history, signatures,
sign-offs and greeting lines go; what is left is what the customer is saying now.

Shared by retrieval (kb), ticket ingest and the copilot service; it never raises.
"""

from __future__ import annotations

import html
import re

_ON_WROTE = re.compile(
    r"^\s*(?:On\b.{0,300}\bwrote|El\b.{0,300}\bescribió|Am\b.{0,300}\bschrieb\b.{0,200}"
    r"|Le\b.{0,300}\ba écrit)\s*:\s*$",
    re.IGNORECASE,
)
_HISTORY_START = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Mensaje original|Ursprüngliche Nachricht"
    r"|Message d'origine)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*(?:From|De|Von)\s*:\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*(?:Sent|Date|To|Subject|Enviado|Fecha|Para|Asunto|Gesendet|Datum|An|Betreff|Envoyé"
    r"|À|Objet)\s*:",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"^\s*>")
_SIGNATURE_START = re.compile(
    r"^\s*(?:--\s*|Sent (?:from|via|with) (?:my|Mail|Outlook|Yahoo|Gmail|AOL|Proton)\b.{0,40}"
    r"|Get Outlook for\b.{0,20}|Enviado desde mi\b.{0,30}|Envoyé de mon\b.{0,30}"
    r"|Von meinem\b.{0,30}\bgesendet\b.{0,10})$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^\s*(?i:(?:(?:danke|thanks|gracias|merci) (?:und|and|y|et) )?(?:thanks|thank you|thx"
    r"|many thanks|cheers|best|best regards|kind regards|warm regards|warmest regards|regards"
    r"|warmly|sincerely|yours sincerely|yours truly|yours faithfully|all the best|br|gracias"
    r"|muchas gracias|saludos|un saludo|saludos cordiales|atentamente|danke|vielen dank"
    r"|danke schön|gruß|grüße|grüsse|viele grüße|viele grüsse|beste grüße|liebe grüße"
    r"|freundliche grüße|mit freundlichen grüßen|mfg|lg|vg|merci|merci beaucoup|cordialement"
    r"|bien à vous|bien cordialement|groeten|met vriendelijke groet)"
    r"(?: again| so much| a lot| in advance| de antemano)?)"
    r"\s*[,.!]*\s*(?:[A-ZÀ-Ý][\w.'’-]*(?:\s+[A-ZÀ-Ý][\w.'’-]*){0,2}\s*[.!]?)?\s*$"
)
_SIGNOFF_COMMA = re.compile(r"^\s*[^\W\d_][^,.!?:;\n]{0,40},\s*$")  # "Merry Christmas,"
_NAME = re.compile(
    r"^\s*(?:(?:Dr|Dra|Prof|Mr|Mrs|Ms)\.?\s+(?:med\.\s+)?)?[A-ZÀ-Ý][\w'’\-]*"
    r"(?:\s+(?:[A-ZÀ-Ý][\w'’\-]*|de|van|von|der|den|da|del|la|le|&)){0,3}\s*$"
)
_GREETING_WORD = (
    r"(?i:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|hola|buenos días"
    r"|buenas(?: tardes| noches)?|estimad[oa]s?|hallo|guten (?:tag|morgen|abend)|liebe[rs]?"
    r"|sehr geehrte[rs]?|bonjour|bonsoir|salut)"
)
_GREETING = re.compile(  # "Hi Maria,", "Hola, María:", "Guten Tag / Hello,", "Dear Sir/Madam,"
    r"^\s*" + _GREETING_WORD + r"(?:\s*/\s*" + _GREETING_WORD + r")?"
    r"(?:\s*,?\s+|,\s*)?(?:(?:[A-ZÀ-Ý][\w.'’/\-]*|(?i:there|team|all|everyone|folks|zusammen"
    r"|a todos|support|and|or|und|y))\s*){0,4}[,!.:]?\s*$"
)
_HTML_HINT = re.compile(r"<(?:p|br|div|html|body|span|ul|ol|li|table|blockquote)\b", re.I)
_HTML_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|tr|h[1-6])\s*>", re.IGNORECASE)
_HTML_QUOTE = re.compile(r"<blockquote\b.*?</blockquote\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n{3,}")
MAX_SIGNATURE_LINES = 4  # lines after a closing ("Thanks,") that still read as a signature
MAX_SIGNATURE_LINE_CHARS = 60


def clean_message(text: str) -> str:
    """A message without quoted history, signature, sign-off or greeting line.

    Reused by the copilot service on incoming threads, so it never raises.
    """
    if _HTML_HINT.search(text):
        text = _html_to_text(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = _strip_history(lines)
    lines = _drop_signature(lines)
    lines = _drop_greeting(lines)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _html_to_text(text: str) -> str:
    text = _HTML_QUOTE.sub("\n", text)
    text = _HTML_BREAK.sub("\n", text)
    return html.unescape(_HTML_TAG.sub("", text))


def _strip_history(lines: list[str]) -> list[str]:
    """Drop quoted history: "On ... wrote:" + "> " lines (a reply below them is kept, for
    bottom-posters); an unquoted history block (Outlook "From:/Sent:") ends the message."""
    kept: list[str] = []
    skip = 0
    for i, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        header = _wrote_header_lines(lines, i)
        if header and _next_text(lines, i + header).startswith(">"):
            skip = header - 1
            continue
        if header or _HISTORY_START.match(line) or _outlook_header(lines, i):
            break
        if not _QUOTED.match(line):
            kept.append(line.rstrip())
    return kept


def _wrote_header_lines(lines: list[str], i: int) -> int:
    """1 or 2 when an "On ... wrote:" header (possibly wrapped) starts at line i, else 0."""
    if _ON_WROTE.match(lines[i]):
        return 1
    following = lines[i + 1] if i + 1 < len(lines) else ""
    if following and not _ON_WROTE.match(following):
        return 2 if _ON_WROTE.match(f"{lines[i]} {following}") else 0
    return 0


def _outlook_header(lines: list[str], i: int) -> bool:
    return bool(_HEADER_FROM.match(lines[i])) and any(
        _HEADER_NEXT.match(n) for n in lines[i + 1 : i + 4]
    )


def _next_text(lines: list[str], start: int) -> str:
    return next((ln.strip() for ln in lines[start:] if ln.strip()), "")


def _drop_signature(lines: list[str]) -> list[str]:
    """Cut at a "--" / "Sent from my iPhone" line, then a sign-off block at the end."""
    for i, line in enumerate(lines):
        if _SIGNATURE_START.match(line):
            lines = lines[:i]
            break
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    cut = _signoff_start(lines)
    return lines if cut is None else lines[:cut]


def _signoff_start(lines: list[str]) -> int | None:
    """Where a sign-off block starts: a closing ("Thanks,", "Warmly,") or a bare name line,
    followed only by short lines (name, title, company, contact details)."""
    first = max(0, len(lines) - 1 - MAX_SIGNATURE_LINES)
    for i in range(first, len(lines)):
        line, tail = lines[i], [ln for ln in lines[i + 1 :] if ln.strip()]
        if any(len(ln.strip()) > MAX_SIGNATURE_LINE_CHARS for ln in tail):
            continue
        if _CLOSING.match(line) or (_SIGNOFF_COMMA.match(line) and tail and _NAME.match(tail[0])):
            return i
        if i > 0 and _NAME.match(line) and _ends_content(lines[:i]) and _is_contact_block(tail):
            return i
    return None


def _ends_content(before: list[str]) -> bool:
    """A name line signs off only after a finished sentence (not after "Go to:")."""
    text = "\n".join(before).rstrip()
    if not text or text[-1] in ":,;>-":
        return False
    return before[-1].strip() == "" or text[-1] in ".?!)"


def _is_contact_block(tail: list[str]) -> bool:
    """Lines after a signature name: titles, companies, phones, e-mails (no sentences)."""
    return all(not ln.rstrip().endswith((".", "?", "!", ":")) or _NAME.match(ln) for ln in tail)


def _drop_greeting(lines: list[str]) -> list[str]:
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and _GREETING.match(lines[first]):
        return lines[first + 1 :]
    return lines


def clean_query(text: str) -> str:
    """The searchable part of a customer's message (falls back to the raw text if empty)."""
    cleaned = clean_message(text)
    return cleaned if cleaned else text.strip()

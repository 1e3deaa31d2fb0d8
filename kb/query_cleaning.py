"""Clean a customer message before it is searched: quoted history, signatures, greetings.

What is left is what the customer is asking now. Shared by retrieval and ticket ingest.
"""

from __future__ import annotations

import re

_QUOTE_HEADER = re.compile(
    r"^\s*(on\s.+\swrote:|el\s.+\sescribi[oó]:|am\s.+\sschrieb.*:|-{2,}\s*original message\s*-{2,}"
    r"|-{2,}\s*forwarded message\s*-{2,}|from:\s.+)\s*$",
    re.IGNORECASE,
)
_SIGNATURE_START = re.compile(
    r"^\s*(--\s*|__+|sent from my \w+.*|enviado desde mi \w+.*|von meinem \w+ gesendet.*"
    r"|get outlook for \w+.*)$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^\s*(thanks?( you)?( so much| again| in advance)?|many thanks|cheers|best|best regards"
    r"|kind regards|regards|warm regards|sincerely|thx|ty|gracias|muchas gracias|saludos"
    r"|un saludo|atentamente|saludos cordiales|danke|vielen dank|viele grüße|beste grüße"
    r"|mit freundlichen grüßen|lg|mfg)\s*[,.!]*\s*$",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings|hola|buenos días"
    r"|buenas tardes|buenas|estimado|estimada|hallo|guten (tag|morgen|abend)|liebe|lieber"
    r"|sehr geehrte[rs]?|bonjour)\b[^,!.:\n]{0,40}[,!.:]?\s*",
    re.IGNORECASE,
)
MAX_SIGNATURE_LINES = 4


def clean_message(text: str) -> str:
    """Strip quoted replies, signatures, closings and a leading greeting from one message."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if _QUOTE_HEADER.match(line) or _SIGNATURE_START.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    kept = _drop_closing(kept)
    cleaned = "\n".join(kept).strip()
    cleaned = _drop_greeting(cleaned)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()


def _drop_closing(lines: list[str]) -> list[str]:
    """Drop a closing ("Thanks,") and up to a few short name lines after it, at the end."""
    while lines and not lines[-1].strip():
        lines.pop()
    for back in range(1, min(MAX_SIGNATURE_LINES, len(lines)) + 1):
        idx = len(lines) - back
        if _CLOSING.match(lines[idx]):
            tail = lines[idx + 1 :]
            if all(len(t.split()) <= 4 for t in tail):
                return lines[:idx]
    return lines


def _drop_greeting(text: str) -> str:
    match = _GREETING.match(text)
    if not match:
        return text
    rest = text[match.end() :]
    # "Hi, how do I..." keeps the question; a greeting alone on its line goes entirely.
    return rest if rest.strip() else text


def clean_query(text: str) -> str:
    """The searchable part of a customer's message (falls back to the raw text if empty)."""
    cleaned = clean_message(text)
    return cleaned if cleaned else text.strip()

"""Data crossing the composer boundary: sources in, drafts with per-sentence support out.

`TextGenerator` is the role an LLM plays here; `copilot.llm.LLMGateway` satisfies it
structurally, and tests pass a deterministic fake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Style = Literal["reply", "answer"]
STYLES: tuple[Style, ...] = ("reply", "answer")
EXTRACTIVE = "extractive"


@dataclass(frozen=True)
class Source:
    """One retrieved document as the composer sees it; `n` is the citation number shown."""

    n: int
    external_id: str
    title: str
    url: str | None
    kind: str  # "article" | "ticket" (tickets: internal evidence, never linked)
    lang: str | None
    passages: tuple[str, ...]  # best chunk texts (Markdown), best first
    relevance: float  # cosine of the best chunk to the question (0..1-ish)


@dataclass(frozen=True)
class SentenceSupport:
    """Whether one sentence of a draft is backed by the sources it cites (computed, not asked).

    Courtesy lines (greetings, closings, connectors) carry supported=True, score=1.0,
    citations=() and evidence=None, and are left out of `supported_share`.
    """

    text: str
    citations: tuple[int, ...]
    supported: bool
    score: float
    evidence: str | None  # best-matching source sentence


@dataclass(frozen=True)
class Draft:
    """A reply or answer with inline citations like [1], and how well it is grounded."""

    text: str
    sentences: tuple[SentenceSupport, ...]
    cited: tuple[int, ...]
    generator_used: str  # "extractive" or the LLM model string
    fallback_reason: str | None  # why an LLM draft fell back to extractive
    lang: str
    supported_share: float  # share of content sentences supported
    completion_tokens: int = 0
    first_token_seconds: float | None = None
    seconds: float = 0.0


class GeneratedText(Protocol):
    """What a generator returns (`copilot.llm.Completion` has these and more)."""

    @property
    def text(self) -> str: ...

    @property
    def completion_tokens(self) -> int: ...

    @property
    def seconds(self) -> float: ...

    @property
    def first_token_seconds(self) -> float | None: ...


class TextGenerator(Protocol):
    """A chat model: messages in, text out; raises (e.g. `LLMError`) when it cannot answer."""

    model: str

    def complete(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int | None = None,
        stream: bool = False,
        response_format: dict[str, Any] | None = None,
        on_token: Callable[[str], None] | None = None,
        timeout_s: float | None = None,
    ) -> GeneratedText: ...

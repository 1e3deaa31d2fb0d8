"""Data crossing the composer boundary: sources in, drafts with per-sentence support out.

Roles: a `Composer` drafts from sources (`ExtractiveComposer`, `LLMComposer`); a
`TextGenerator` is what an LLM plays here, a `ServedGenerator` one the service also starts,
reports on and stops. `copilot.llm.LLMGateway` satisfies both structurally;
`copilot.fake_generator.ScriptedGenerator` is the deterministic fake the tests use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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


class ServedGenerator(TextGenerator, Protocol):
    """A generator the service runs: started before the first request (`kbc serve`), reported
    on by /healthz, stopped with the app (a local model's child process)."""

    def warm_up(self, *, wait: bool = True) -> None: ...

    def status(self) -> Mapping[str, Any]: ...

    def close(self) -> None: ...


class Composer(Protocol):
    """Drafts a cited reply or answer from sources; never raises for a bad model output (an
    LLM composer falls back to extractive and says why in `Draft.fallback_reason`).

    ``stream``, ``timeout_s`` and ``on_token`` matter only to a composer with a model behind it:
    stream the model's text to ``on_token``, give up on it after ``timeout_s``."""

    def compose(
        self,
        question: str,
        sources: Sequence[Source],
        *,
        lang: str,
        style: Style,
        customer_name: str | None = None,
        max_sentences: int = 4,
        stream: bool = False,
        timeout_s: float | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Draft: ...

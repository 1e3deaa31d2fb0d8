"""A deterministic stand-in for an LLM behind `TextGenerator` / `ServedGenerator`: scripted
replies, no model, no network. The tests use it for composers, summaries, the answer verifier
and the eval judge; ``copilot.local_model.fake`` is the same idea one level down (llama.cpp).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

Reply = str | BaseException


@dataclass(frozen=True)
class ScriptedCompletion:
    """What `ScriptedGenerator.complete` returns: the fields of `copilot.llm.Completion`."""

    text: str
    model: str = "fake/model"
    prompt_tokens: int = 120
    completion_tokens: int = 17
    seconds: float = 0.25
    first_token_seconds: float | None = 0.05


@dataclass
class ScriptedGenerator:
    """Answers call n with ``replies[n]`` (the last one repeats); a reply that is an exception
    is raised instead, as a failing model's would be. With ``on_token`` the text streams in
    pieces of ``piece_chars``. Every call is recorded in ``calls``: its messages and options."""

    replies: Sequence[Reply] | Reply
    model: str = "fake/model"
    completion_tokens: int = 17
    piece_chars: int = 7
    calls: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    def complete(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int | None = None,
        stream: bool = False,
        response_format: dict[str, Any] | None = None,
        on_token: Callable[[str], None] | None = None,
        timeout_s: float | None = None,
    ) -> ScriptedCompletion:
        self.calls.append(
            {
                "messages": messages,
                "max_tokens": max_tokens,
                "stream": stream,
                "response_format": response_format,
                "timeout_s": timeout_s,
            }
        )
        script = [self.replies] if isinstance(self.replies, str | BaseException) else self.replies
        reply = script[min(len(self.calls), len(script)) - 1]
        if isinstance(reply, BaseException):
            raise reply
        if on_token is not None:
            for i in range(0, len(reply), self.piece_chars):
                on_token(reply[i : i + self.piece_chars])
        return ScriptedCompletion(reply, self.model, completion_tokens=self.completion_tokens)

    def warm_up(self, *, wait: bool = True) -> None:
        """Nothing to start."""

    def status(self) -> dict[str, Any]:
        return {"model": self.model, "state": "closed" if self.closed else "ready"}

    def close(self) -> None:
        self.closed = True


if TYPE_CHECKING:  # mypy checks that the fake plays the roles it stands in for
    from copilot.compose.types import ServedGenerator

    _ROLE: ServedGenerator = ScriptedGenerator("")

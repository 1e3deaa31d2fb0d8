"""One model, one generation at a time, a bounded queue in front, and generations that stop.

llama.cpp contexts are not thread-safe and two cores gain nothing from interleaving, so a
single worker thread runs jobs in order. A job stops between tokens when its caller cancels
(disconnects) or its deadline passes; the supervisor kills the process if a job runs on past
its deadline anyway (e.g. stuck in a long prompt evaluation).
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol


class ChatModel(Protocol):
    """What the worker needs of a model: llama_cpp.Llama satisfies it."""

    def create_chat_completion(self, **kwargs: Any) -> Any: ...

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]: ...


class Busy(Exception):
    """The queue is full: the caller gets 503 ``llm_busy`` instead of an unbounded wait."""


@dataclass
class Job:
    """One chat completion: what to generate, until when, and where its tokens go."""

    messages: list[dict[str, Any]]
    params: dict[str, Any]
    deadline: float  # time.monotonic()
    cancel: threading.Event = field(default_factory=threading.Event)
    events: queue.Queue[tuple[str, Any]] = field(default_factory=queue.Queue)
    id: int = 0


@dataclass
class WorkerStats:
    served: int = 0
    cancelled: int = 0
    timed_out: int = 0
    failed: int = 0
    rejected_busy: int = 0


class GenerationWorker:
    """Runs jobs one at a time on ``model``; at most ``max_queue`` wait behind the running one."""

    def __init__(self, model: ChatModel, *, max_queue: int = 4) -> None:
        self.model = model
        self.max_queue = max(0, max_queue)
        self.stats = WorkerStats()
        self._jobs: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()
        self._outstanding = 0
        self._running: Job | None = None
        self._running_since: float | None = None
        self._ids = itertools.count(1)
        self._thread = threading.Thread(target=self._loop, name="kbc-generate", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> Job:
        """Queue ``job``; raises Busy when one is running and ``max_queue`` already wait."""
        with self._lock:
            if self._outstanding >= 1 + self.max_queue:
                self.stats.rejected_busy += 1
                raise Busy(f"{self._outstanding} generations running or queued")
            self._outstanding += 1
            job.id = next(self._ids)
        self._jobs.put(job)
        return job

    def status(self) -> dict[str, Any]:
        """Queue depth, the running job's age and whether it ran past its deadline."""
        now = time.monotonic()
        with self._lock:
            running, since = self._running, self._running_since
            outstanding = self._outstanding
        return {
            "busy": running is not None,
            "queued": max(0, outstanding - (1 if running else 0)),
            "running_for_s": round(now - since, 3) if since is not None else None,
            "overdue_s": round(now - running.deadline, 3)
            if running is not None and now > running.deadline
            else None,
            **self.stats.__dict__,
        }

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            with self._lock:
                self._running, self._running_since = job, time.monotonic()
            try:
                self._run(job)
            finally:
                with self._lock:
                    self._running, self._running_since = None, None
                    self._outstanding -= 1

    def _run(self, job: Job) -> None:
        if job.cancel.is_set() or time.monotonic() >= job.deadline:
            self.stats.cancelled += 1
            job.events.put(("done", ("cancelled", _usage(0, 0))))
            return
        pieces: list[str] = []
        reason = "stop"
        try:
            stream = self.model.create_chat_completion(
                messages=job.messages, stream=True, **job.params
            )
            try:
                for part in stream:
                    if job.cancel.is_set():
                        reason = "cancelled"
                        break
                    if time.monotonic() >= job.deadline:
                        reason = "timeout"
                        break
                    choice = part["choices"][0]
                    text = (choice.get("delta") or {}).get("content") or ""
                    if text:
                        pieces.append(text)
                        job.events.put(("token", text))
                    reason = choice.get("finish_reason") or reason
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()  # stops llama.cpp's generator: no token is computed after this
        except Exception as exc:  # the model's failure is the job's, never the worker's
            self.stats.failed += 1
            job.events.put(("error", f"{type(exc).__name__}: {exc}"[:500]))
            return
        if reason == "cancelled":
            self.stats.cancelled += 1
        elif reason == "timeout":
            self.stats.timed_out += 1
        else:
            self.stats.served += 1
        text = "".join(pieces)
        completion = len(self.model.tokenize(text.encode(), add_bos=False)) if text else 0
        prompt = _prompt_tokens(self.model, job.messages)
        job.events.put(("done", (reason, _usage(prompt, completion))))


def _prompt_tokens(model: ChatModel, messages: list[dict[str, Any]]) -> int:
    """An estimate of the prompt's size: its text through the model's own tokenizer."""
    text = "\n".join(str(m.get("content") or "") for m in messages)
    return len(model.tokenize(text.encode(), add_bos=True)) if text else 0


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }

"""Runs the local model server as a child process and keeps it alive.

The API process never loads a model: a native crash or a hang kills only the child. The
supervisor starts it on a loopback port, waits until it answers, watches it (exit, failed
health checks, a generation running past its deadline) and restarts it with backoff. While it
is down, ``ready`` is False and callers fall back at once instead of waiting.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger("kbc.model")

State = Literal["stopped", "starting", "ready", "restarting", "failed"]


@dataclass
class ServerOptions:
    """How the child is started; ``fake`` runs the scripted model (tests, no weights)."""

    threads: int = max(1, min(2, os.cpu_count() or 1))
    n_ctx: int = 4096
    max_queue: int = 4
    max_seconds: float = 120.0
    max_tokens: int = 512
    fake: str | None = None
    fake_delay_s: float = 0.0


@dataclass
class SupervisorStatus:
    state: State = "stopped"
    pid: int | None = None
    restarts: int = 0
    last_exit: int | None = None
    last_error: str | None = None
    since: float = field(default_factory=time.time)


class ModelSupervisor:
    """One model server child: ``start()``, ``api_base``, ``ready``, ``status()``, ``stop()``."""

    def __init__(
        self,
        name: str,
        model_path: Path | None,
        options: ServerOptions | None = None,
        *,
        startup_timeout_s: float = 180.0,
        check_every_s: float = 1.0,
        health_timeout_s: float = 5.0,
        failed_checks: int = 5,
        overdue_grace_s: float = 10.0,
        backoff_s: tuple[float, ...] = (0.5, 1, 2, 4, 8, 16, 30),
    ) -> None:
        self.name = name
        self.model_path = model_path
        self.options = options or ServerOptions()
        self.startup_timeout_s = startup_timeout_s
        self.check_every_s = check_every_s
        self.health_timeout_s = health_timeout_s
        self.failed_checks = failed_checks
        self.overdue_grace_s = overdue_grace_s
        self.backoff_s = backoff_s
        self._status = SupervisorStatus()
        self._proc: subprocess.Popen[bytes] | None = None
        self._port: int | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._ever_ready = False
        self._thread: threading.Thread | None = None
        self._dir: Path | None = None  # the child's port file lives here while it runs

    # -- what callers use -------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Answering health checks and alive now (a dead child is noticed at once)."""
        proc = self._proc
        return self._ready.is_set() and proc is not None and proc.poll() is None

    @property
    def ever_ready(self) -> bool:
        """Whether the child has come up at least once (a restart is not a first start)."""
        return self._ever_ready

    @property
    def api_base(self) -> str:
        """The OpenAI-compatible base URL (``http://127.0.0.1:PORT/v1``) of the live child."""
        return f"http://127.0.0.1:{self._port}/v1"

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def status(self) -> dict[str, Any]:
        s = self._status
        return {
            "model": self.name,
            "state": s.state,
            "pid": self.pid,
            "restarts": s.restarts,
            "last_exit": s.last_exit,
            "last_error": s.last_error,
            "state_for_s": round(time.time() - s.since, 1),
        }

    def start(self, *, wait: bool = True) -> bool:
        """Start the child and its watcher; with ``wait``, block until it answers (or fails)."""
        with self._lock:
            if self._thread is None:
                self._stop.clear()
                self._spawn()
                self._thread = threading.Thread(target=self._watch, name="kbc-model", daemon=True)
                self._thread.start()
        if wait:
            self.wait_ready(self.startup_timeout_s)
        return self.ready

    def wait_ready(self, timeout_s: float) -> bool:
        end = time.monotonic() + timeout_s
        while not self.ready:
            left = end - time.monotonic()
            if left <= 0 or self._stop.is_set():
                return False
            time.sleep(min(0.05, left))
        return True

    def stop(self) -> None:
        self._stop.set()
        self._ready.clear()
        self._kill()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        self._set("stopped")

    def __enter__(self) -> ModelSupervisor:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- the child --------------------------------------------------------------------------

    def _command(self, port_file: Path) -> list[str]:
        o = self.options
        cmd = [sys.executable, "-m", "copilot.local_model.server", "--port-file", str(port_file)]
        cmd += ["--model-name", self.name, "--threads", str(o.threads), "--n-ctx", str(o.n_ctx)]
        cmd += ["--max-queue", str(o.max_queue), "--max-seconds", str(o.max_seconds)]
        cmd += ["--max-tokens", str(o.max_tokens), "--parent-pid", str(os.getpid())]
        if o.fake is not None:
            cmd += ["--fake", o.fake, "--fake-delay", str(o.fake_delay_s)]
        else:
            cmd += ["--model-path", str(self.model_path)]
        return cmd

    def _spawn(self) -> None:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="kbc-model-"))
        port_file = self._dir / "port"
        port_file.unlink(missing_ok=True)
        self._ready.clear()
        self._set("starting" if self._status.restarts == 0 else "restarting")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._proc = subprocess.Popen(self._command(port_file), env=env, stdin=subprocess.DEVNULL)
        self._port = None
        log.info("model server %s starting (pid %s)", self.name, self._proc.pid)

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - a zombie we cannot reap
                log.error("model server pid %s did not exit after SIGKILL", proc.pid)

    def _health(self) -> dict[str, Any] | None:
        if self._port is None:
            if self._dir is None:
                return None
            port_file = self._dir / "port"
            try:
                self._port = int(port_file.read_text())
            except (OSError, ValueError):
                return None
        url = f"http://127.0.0.1:{self._port}/health"
        try:
            with urllib.request.urlopen(url, timeout=self.health_timeout_s) as response:
                return dict(json.loads(response.read()))
        except (OSError, ValueError, urllib.error.URLError):
            return None

    def _watch(self) -> None:
        """Restart the child when it exits, stops answering, or runs a generation overdue."""
        failures, attempt = 0, 0
        started = time.monotonic()
        while not self._stop.is_set():
            proc = self._proc
            code = proc.poll() if proc is not None else -1
            if code is not None:
                self._restart(f"exited with code {code}", code, attempt)
                attempt, failures, started = attempt + 1, 0, time.monotonic()
                continue
            health = self._health()
            if health is not None:
                failures = 0
                if not self._ready.is_set():
                    log.info("model server %s ready on %s", self.name, self.api_base)
                    self._set("ready")
                    self._ever_ready = True
                    self._ready.set()
                overdue = health.get("overdue_s")
                if overdue is not None and float(overdue) > self.overdue_grace_s:
                    self._kill()
                    self._restart(f"a generation ran {overdue:.0f}s past its deadline", None, 0)
                    failures, started = 0, time.monotonic()
                    continue
                if time.monotonic() - started > 60:
                    attempt = 0  # healthy for a minute: the next crash starts the backoff again
            elif self._ready.is_set():
                failures += 1
                if failures >= self.failed_checks:
                    self._kill()
                    self._restart(f"no answer to {failures} health checks", None, attempt)
                    attempt, failures, started = attempt + 1, 0, time.monotonic()
                    continue
            elif time.monotonic() - started > self.startup_timeout_s:
                self._kill()
                self._restart(f"not ready within {self.startup_timeout_s:g}s", None, attempt)
                attempt, failures, started = attempt + 1, 0, time.monotonic()
                continue
            self._stop.wait(self.check_every_s if self.ready else 0.1)

    def _restart(self, why: str, code: int | None, attempt: int) -> None:
        self._ready.clear()
        if self._stop.is_set():
            return
        delay = self.backoff_s[min(attempt, len(self.backoff_s) - 1)]
        log.warning("model server %s %s; restarting in %gs", self.name, why, delay)
        self._status.last_exit = code
        self._status.last_error = why
        self._status.restarts += 1
        self._set("restarting")
        if self._stop.wait(delay):
            return
        self._spawn()

    def _set(self, state: State) -> None:
        if self._status.state != state:
            self._status.state = state
            self._status.since = time.time()

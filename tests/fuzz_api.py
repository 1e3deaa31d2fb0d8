"""`make fuzz`: schemathesis against a real `kbc serve` on loopback (issue 16).

Builds a small store from examples/ (help center + resolved tickets), creates an agent and
an owner key, starts the server with limits high enough that the fuzzer is not just
counting 429s, and runs `st run` on /openapi.json once per key with every check and a
bounded number of examples per operation. Exits non-zero on any failure (a 500, an
undocumented status, a response off its schema...). Reports land in --out.

    python -m tests.fuzz_api [--examples 25] [--out fuzz-report]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
UNLIMITED = "1000000"
# Schema-valid requests may still be refused by rules a JSON schema cannot state, each
# documented in the OpenAPI and README: 422 `invalid_input` (exactly one of answer_id /
# draft_id, a flag patch needs a status or a note, an article upsert needs `article`...)
# and 413 (the size limits are settings). A schema-violating request may likewise be
# refused by the body-size limit before validation reads it (413 `payload_too_large`), so
# negative-data rejection accepts 413 beside its defaults. Every other check keeps its
# defaults.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "413", "422", "429"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422",
                     "428", "429", "5xx"]
"""


def _kbc(data: Path, *args: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [str(BIN / "kbc"), "--data-dir", str(data), *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return out.stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, server: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"kbc serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"kbc serve did not answer {url} within {timeout_s:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="max examples per operation")
    parser.add_argument("--out", type=Path, default=ROOT / "fuzz-report")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--workers", default="2")
    args = parser.parse_args()
    env = {
        **os.environ,
        "KBC_RATE_LIMIT_KEY_PER_MINUTE": UNLIMITED,
        "KBC_RATE_LIMIT_IP_PER_MINUTE": UNLIMITED,
        "KBC_RATE_LIMIT_FAILED_AUTH_PER_MINUTE": UNLIMITED,
        # on, so the fuzzer reaches its signature check (unsigned: 401) instead of a 404
        "KBC_INTERCOM_WEBHOOK_SECRET": "fuzz-webhook-secret-0123456789",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    work = Path(tempfile.mkdtemp(prefix="kbc-fuzz-"))
    data = work / "store"
    args.out.mkdir(parents=True, exist_ok=True)
    config = work / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    server: subprocess.Popen[bytes] | None = None
    try:
        _kbc(data, "ingest", str(ROOT / "examples/help-center"), env=env)
        _kbc(data, "ingest", str(ROOT / "examples/tickets/resolved.jsonl"), "--kind", "ticket",
             env=env)  # fmt: skip
        keys = {role: _kbc(data, "keys", "create", "--role", role, env=env)
                for role in ("agent", "owner")}  # fmt: skip
        port = _free_port()
        log = (args.out / "server.log").open("wb")
        server = subprocess.Popen(
            [str(BIN / "kbc"), "--data-dir", str(data), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_ready(f"{base}/healthz", server)
        failed = []
        for role, key in keys.items():
            started = time.monotonic()
            cmd = [
                str(BIN / "st"), "--config-file", str(config), "run", f"{base}/openapi.json",
                "--header", f"Authorization: Bearer {key}",
                "--checks", "all",
                "--max-examples", str(args.examples),
                "--seed", str(args.seed),
                "--workers", args.workers,
                "--include-path-regex", "^/v1/",
                "--request-timeout", "30",
                "--no-color",
                "--report", "junit",
                "--report-junit-path", str(args.out / f"{role}.xml"),
            ]  # fmt: skip
            code = subprocess.run(cmd, env=env).returncode
            print(f"fuzz {role}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
            if code != 0:
                failed.append(role)
        if server.poll() is not None:
            print(f"kbc serve died during the run (exit {server.returncode})")
            return 1
        return 1 if failed else 0
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

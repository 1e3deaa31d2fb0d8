"""What one POST /v1/documents costs by the size of the article, up to the size limit.

    .venv/bin/python -m bench.document_upsert [--embedder minilm] [--sizes 2000,20000,200000]

Builds a store of examples/help-center with the embedder, starts the app in process, and
upserts one article per size: real help-center prose (the bundled articles' text, repeated
until the size is reached), so the chunker cuts what it cuts on real pages. Each size is sent
twice: new (every chunk embedded), then unchanged (the content hash skips the work). Prints
the milliseconds and chunks per size; writes bench/out/document_upsert.json. The Intercom
webhook (POST /v1/webhooks/intercom) stores one ticket within the same limit, at this cost.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.common import OUT, REPO


def prose(chars: int) -> str:
    """Markdown of the bundled articles' bodies, repeated to `chars` characters."""
    texts = []
    for path in sorted((REPO / "examples" / "help-center").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        texts.append(body.strip())
    out, i = [], 0
    while sum(len(t) + 2 for t in out) < chars:
        out.append(texts[i % len(texts)])
        i += 1
    return "\n\n".join(out)[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--sizes", default="2000,20000,100000,200000")
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from copilot.app import build_state, create_app
    from copilot.config import Settings
    from ingest.pipeline import run
    from kb.maintenance import open_store
    from kb.storage.keys import KeyStore

    data_dir = Path(tempfile.mkdtemp(prefix="kbc-bench-upsert-")) / "store"
    kb = open_store(data_dir, args.embedder)
    assert kb.embedder is not None
    run([REPO / "examples" / "help-center"], kb, kb.embedder)
    settings = Settings.model_validate({"data_dir": data_dir, "rate_limit_key_per_minute": 10_000})
    state = build_state(settings, kb)
    token = KeyStore(kb).create("owner")
    rows = []
    with TestClient(create_app(settings, state=state)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        for size in (int(s) for s in args.sizes.split(",")):
            body = {"kind": "article", "article": {"external_id": f"bench-{size}",
                    "title": f"Bench {size}", "body": prose(size)}}  # fmt: skip
            for attempt in ("new", "unchanged"):
                started = time.perf_counter()
                r = client.post("/v1/documents", json=body, headers=headers)
                ms = (time.perf_counter() - started) * 1000
                r.raise_for_status()
                out = r.json()
                rows.append({"chars": size, "run": attempt, "status": out["status"],
                             "chunks": out["chunks"], "ms": round(ms, 1)})  # fmt: skip
                print(f"{size:>8,} chars  {attempt:<9} {out['chunks']:>4} chunks  {ms:>8.1f} ms")
    kb.close()
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"embedder": args.embedder, "rows": rows}
    (OUT / "document_upsert.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

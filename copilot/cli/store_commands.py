"""`kbc ingest | search | stats | reindex`: the store from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, cast

import click
from tqdm import tqdm

from kb.errors import InvalidInput
from kb.models import KINDS, SEARCH_MODES, VISIBILITIES, Hit, Kind, SearchFilters, Visibility
from kb.store import KnowledgeBase


def _open(
    ctx: click.Context, languages: Callable[[], Collection[str]] | None = None
) -> KnowledgeBase:
    from kb.maintenance import open_store

    return open_store(
        ctx.obj["data_dir"], ctx.obj["embedder"], ctx.obj["store_url"], languages=languages
    )


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), default="article", show_default=True)
@click.option(
    "--visibility",
    type=click.Choice(VISIBILITIES),
    default="public",
    show_default=True,
    help="Default visibility for articles without one in front matter (tickets: always internal).",
)
@click.option("--prune", is_flag=True, help="Remove stored documents whose source is gone.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    kind: str,
    visibility: str,
    prune: bool,
    as_json: bool,
) -> None:
    """Ingest Markdown/HTML/JSONL articles, Zendesk/Intercom/Freshdesk exports (JSON), or
    resolved tickets (JSON/JSONL/CSV, or those helpdesks' exports)."""
    from ingest.languages import corpus_languages
    from ingest.pipeline import run
    from kb.embedders.coverage import reembed_hint

    kind_, visibility_ = cast(Kind, kind), cast(Visibility, visibility)

    def languages() -> set[str]:
        return corpus_languages(paths, kind=kind_, visibility=visibility_)

    with (
        _open(ctx, languages) as kb,
        tqdm(desc="documents", unit=" doc", disable=None, leave=False) as bar,
    ):
        assert kb.embedder is not None
        summary = run(
            paths,
            kb,
            kb.embedder,
            kind=kind_,
            visibility=visibility_,
            prune=prune,
            on_document=lambda: bar.update(1),
        )
        model_id = kb.model_id
        hint = reembed_hint(model_id, kb.catalog.grouped_counts("lang"))
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "model_id": model_id, "hint": hint}, indent=2))
    else:
        click.echo(
            f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
            f"removed {summary.removed}, failed {len(summary.failed)} "
            f"({summary.chunks_embedded} chunks embedded, {summary.chunks_reused} reused) "
            f"in {summary.seconds:.1f}s"
        )
        for failure in summary.failed:
            click.echo(f"  failed: {failure.source}: {failure.reason}", err=True)
        if hint:
            click.echo(f"  note: {hint}", err=True)
    if summary.failed:
        ctx.exit(1)


@click.command()
@click.argument("query")
@click.option("--k", default=5, show_default=True, help="Number of documents.")
@click.option("--lang", default=None, help="Only documents in this language (e.g. es).")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only articles or tickets.")
@click.option("--product", default=None, help="Only documents of this product area.")
@click.option(
    "--visibility",
    type=click.Choice(["public", "all"]),
    default="all",
    show_default=True,
    help="'public' shows what a customer could see.",
)
@click.option("--mode", type=click.Choice(SEARCH_MODES), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON.")
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    k: int,
    lang: str | None,
    kind: str | None,
    product: str | None,
    visibility: str,
    mode: str,
    as_json: bool,
) -> None:
    """Hybrid (or dense / keyword) search across the store."""
    from kb.retrieval import Retriever

    base = SearchFilters.public() if visibility == "public" else SearchFilters.everything()
    filters = SearchFilters(
        visibility=base.visibility,
        kinds=frozenset({kind}) if kind else base.kinds,  # type: ignore[arg-type]
        lang=lang,
        product=product,
    )
    with _open(ctx) as kb:
        if kb.counts()["documents"] == 0:
            raise InvalidInput(f"the store at {kb.data_dir} is empty: run `kbc ingest PATH` first")
        hits = Retriever(kb).search(query, k=k, filters=filters, mode=mode)  # type: ignore[arg-type]
    if as_json:
        click.echo(json.dumps([_hit_json(h) for h in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        click.echo("no results")
    for rank, hit in enumerate(hits, start=1):
        where = " > ".join(hit.heading_path)
        click.echo(
            f"{rank}. {hit.title}  [{hit.external_id} · {hit.kind} · {hit.visibility} · "
            f"{hit.lang}]  score {hit.score:.4f}"
        )
        if hit.url:
            click.echo(f"   {hit.url}")
        if where:
            click.echo(f"   § {where}")
        click.echo(f"   {hit.snippet}")


def _hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "external_id": hit.external_id,
        "title": hit.title,
        "url": hit.url,
        "kind": hit.kind,
        "visibility": hit.visibility,
        "lang": hit.lang,
        "product": hit.product,
        "score": hit.score,
        "dense_rank": hit.dense_rank,
        "keyword_rank": hit.keyword_rank,
        "heading_path": list(hit.heading_path),
        "snippet": hit.snippet,
    }


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Documents, chunks, languages, model and index state of the store."""
    from dataclasses import asdict

    from copilot.qa import load_cut
    from kb.maintenance import describe
    from kb.storage import POSTGRES_SCHEMES

    with KnowledgeBase(ctx.obj["data_dir"], store_url=ctx.obj["store_url"]) as kb:
        info = describe(kb)
        cut = load_cut(kb)
    info["qa_grounded_cut"] = asdict(cut) if cut else None
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"store       {info['store']}")
    if info["store"].startswith(POSTGRES_SCHEMES):
        click.echo(f"local files {info['data_dir']}")
    click.echo(f"model       {info['model_id'] or '(none yet)'}  generation {info['generation']}")
    if info["embedder_hint"]:
        click.echo(f"            {info['embedder_hint']}")
    click.echo(f"documents   {info['documents']}  chunks {info['chunks']}  tokens {info['tokens']}")
    for key in ("by_kind", "by_visibility", "by_lang"):
        parts = ", ".join(f"{k} {v}" for k, v in sorted(info[key].items()))
        click.echo(f"{key[3:]:<11} {parts or '-'}")
    click.echo(f"vectors     {'fresh' if info['vector_index_fresh'] else 'stale (rebuilt on use)'}")
    click.echo(f"fusion      dense share {info['fusion']}")
    click.echo(f"answerable  {_answerability_line(ctx.obj['data_dir'], info['model_id'])}")
    grounded = (
        f"cut {cut.cut:g} from {cut.replies} resolved tickets' replies ({cut.created_at})"
        if cut
        else "shipped rule: a majority of factual sentences supported (kbc qa calibrate)"
    )
    click.echo(f"qa grounded {grounded}")


def _answerability_line(data_dir: Path, model_id: str | None) -> str:
    """Which answerability model answers this store's customers (`kbc calibrate` saves one)."""
    from kb.answerability.model import load_for_store, store_model_path

    model = load_for_store(data_dir, model_id)
    where = "saved with the store" if store_model_path(data_dir).exists() else "shipped default"
    return f"model {model.version} ({where}), threshold {model.threshold:g}"


@click.command()
@click.option("--re-embed", is_flag=True, help="Re-embed every chunk (e.g. after --embedder X).")
@click.pass_context
def reindex(ctx: click.Context, re_embed: bool) -> None:
    """Rebuild the vector index from stored embeddings, or re-embed with another model."""
    from kb.embedders import get_embedder, name_for_model_id
    from kb.maintenance import reembed

    data_dir = ctx.obj["data_dir"]
    with KnowledgeBase(data_dir, store_url=ctx.obj["store_url"]) as kb:
        total = kb.counts()["chunks"]
        with tqdm(total=total, desc="chunks", unit=" chunk", disable=None, leave=False) as bar:
            if re_embed:
                name = ctx.obj["embedder"] or (
                    name_for_model_id(kb.model_id) if kb.model_id else None
                )
                if name is None:
                    raise InvalidInput("the store is empty: nothing to re-embed")
                count = reembed(kb, get_embedder(name), progress=bar.update)
                click.echo(f"re-embedded {count} chunks with {kb.model_id}")
            else:
                kb.rebuild_index(progress=bar.update)
                click.echo(f"rebuilt the vector index from {total} stored embeddings")


@click.command()
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL",
    help="postgresql://user:pass@host/db of an empty database (pgvector installed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print rows copied per table as JSON.")
@click.pass_context
def migrate(ctx: click.Context, target: str, as_json: bool) -> None:
    """Copy the SQLite store in --data-dir into an empty PostgreSQL database.

    Documents, chunks with their embeddings (nothing is re-embedded), keys, answers,
    drafts, feedback, flags and the model record move in one transaction, ids kept.
    """
    from kb.storage import POSTGRES_SCHEMES, redact
    from kb.storage.transfer import copy_sqlite_to_postgres

    if not target.startswith(POSTGRES_SCHEMES):
        raise InvalidInput(f"--to takes a postgresql://... URL, not {redact(target)!r}")
    data_dir = ctx.obj["data_dir"]
    with tqdm(desc="rows", unit=" row", disable=None, leave=False) as bar:
        report = copy_sqlite_to_postgres(data_dir, target, lambda _t, n: bar.update(n))
    if as_json:
        click.echo(json.dumps({"target": report.target, "rows": report.rows}, indent=2))
        return
    copied = ", ".join(f"{n} {table}" for table, n in report.rows.items() if table != "meta")
    click.echo(f"copied {copied} into {report.target} (embeddings as stored)")
    click.echo(f"use it with --store-url URL or KBC_STORE_URL (local files stay in {data_dir})")


COMMANDS = [ingest, search, stats, reindex, migrate]

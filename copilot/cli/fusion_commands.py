"""`kbc calibrate --fusion`: hybrid search's dense share per language, fitted on the store's
labelled questions, reported cross-validated, saved with the store."""

from __future__ import annotations

from pathlib import Path

import click

from kb.errors import InvalidInput


def calibrate_fusion(
    ctx: click.Context, tickets: Path, *, limit: int | None, history: str, folds: int, save: bool
) -> None:
    from eval.dataset import load_tickets
    from eval.fusion_fit import fit_fusion
    from eval.harness import HISTORY_ROLES, catalog
    from kb.fusion_shares import save_shares
    from kb.maintenance import open_store
    from kb.models import SearchFilters
    from kb.retrieval import Retriever

    data_dir: Path = ctx.obj["data_dir"]
    with open_store(data_dir, ctx.obj["embedder"], ctx.obj["store_url"]) as kb:
        if kb.counts()["documents"] == 0:
            raise InvalidInput(f"the store at {data_dir} is empty: ingest its articles first")
        dataset = load_tickets(tickets, set(catalog(kb)), limit=limit)
        retriever = Retriever(kb)
        fit = fit_fusion(
            retriever,
            dataset.tickets,
            SearchFilters.public(),
            folds=folds,
            history_roles=HISTORY_ROLES[history],
        )
        click.echo(
            f"dense share per language, nDCG@10 ({folds}-fold by question: each fold scored "
            "with the share fitted on the others)"
        )
        click.echo(
            f"  {'lang':<5} {'n':>4}  {'share':>5}  {'held out':>8}  {'default':>13}  "
            f"{'dense':>6}  {'keyword':>7}"
        )
        for f in fit.languages:
            share = "-" if f.share is None else f"{f.share:.2f}"
            held = "-" if f.held_out is None else f"{f.held_out:.3f}"
            click.echo(
                f"  {f.lang:<5} {f.questions:>4}  {share:>5}  {held:>8}  "
                f"{f.default:.3f} ({f.default_share:.2f})  {f.dense:6.3f}  {f.keyword:7.3f}"
            )
        if not fit.shares:
            click.echo("no language has enough labelled questions to fit (10 or more)")
            return
        if not save:
            return
        with kb.transaction():
            version = save_shares(kb.documents, fit.shares, fit.questions)
        click.echo(f"saved fusion shares {version} with the store")

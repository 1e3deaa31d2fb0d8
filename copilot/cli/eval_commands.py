"""`kbc eval`: labelled tickets -> report.json / report.md / report.html, plus a regression gate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import click
from tqdm import tqdm

from kb.errors import InvalidInput
from kb.models import SEARCH_MODES

if TYPE_CHECKING:
    from eval.harness import Audience, HistoryUse
    from eval.judge import AnswerJudge
    from kb.models import SearchMode
    from kb.retrieval import FusionConfig, FusionMethod
    from kb.store import KnowledgeBase

GATE_FAILED_EXIT = 10  # distinct from KBError exit codes (1-9)


def _modes(value: str) -> tuple[str, ...]:
    modes = tuple(dict.fromkeys(m.strip() for m in value.split(",") if m.strip()))
    bad = [m for m in modes if m not in SEARCH_MODES]
    if bad or not modes:
        raise click.BadParameter(f"use a comma-separated subset of {','.join(SEARCH_MODES)}")
    return modes


@click.command("eval")
@click.argument("tickets", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--data-dir",
    "local_data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store to evaluate (default: the global --data-dir).",
)
@click.option(
    "--corpus",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Documents to ingest into the store first (incremental: reruns are fast). Repeatable.",
)
@click.option(
    "--retrieval",
    default="hybrid,dense,keyword",
    show_default=True,
    help="Retrieval modes to compare, comma-separated.",
)
@click.option(
    "--generator",
    default="extractive",
    show_default=True,
    help="extractive, or any litellm model (e.g. local/qwen2.5-0.5b-instruct).",
)
@click.option(
    "--fusion",
    type=click.Choice(["convex", "rrf"]),
    default=None,
    help="Override hybrid fusion (default: the retriever's, as the API uses it).",
)
@click.option(
    "--dense-share",
    type=click.FloatRange(0, 1),
    default=None,
    help="Convex fusion: weight of the dense cosine (rest: normalized BM25).",
)
@click.option(
    "--in-language",
    is_flag=True,
    help="Retrieve among documents in the ticket's language only (as POST /v1/answers "
    "searches first); default: every language.",
)
@click.option("--no-answers", is_flag=True, help="Measure retrieval only (no drafts).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="First N usable tickets.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("eval-report"),
    show_default=True,
)
@click.option("--k", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option(
    "--audience",
    type=click.Choice(["customer", "agent"]),
    default="customer",
    show_default=True,
    help="customer: public articles + hand-off (POST /v1/answers); agent: drafts (/v1/replies).",
)
@click.option(
    "--history",
    type=click.Choice(["customer", "all", "none"]),
    default="all",
    show_default=True,
    help="Which earlier turns reach retrieval (the API passes all of them).",
)
@click.option(
    "--slice",
    "slice_fields",
    multiple=True,
    help="Extra ticket field to slice by (e.g. qa_type). Repeatable.",
)
@click.option(
    "--target-precision",
    type=click.FloatRange(0, 1),
    default=0.9,
    show_default=True,
    help="Precision the recommended hand-off threshold must reach.",
)
@click.option(
    "--twins",
    is_flag=True,
    help="Add a leave-gold-out twin of every answerable ticket (must be handed off).",
)
@click.option(
    "--judge",
    default=None,
    help="Optional LLM judge of correctness (a litellm model). Off by default.",
)
@click.option(
    "--baseline",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An earlier report.json: fail if a metric dropped.",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    default=0.02,
    show_default=True,
    help="Largest allowed drop of any headline metric (absolute).",
)
@click.pass_context
def eval_cmd(
    ctx: click.Context,
    tickets: Path,
    local_data_dir: Path | None,
    corpus: tuple[Path, ...],
    retrieval: str,
    generator: str,
    fusion: str | None,
    dense_share: float | None,
    in_language: bool,
    no_answers: bool,
    limit: int | None,
    out: Path,
    k: int,
    audience: str,
    history: str,
    slice_fields: tuple[str, ...],
    target_precision: float,
    twins: bool,
    judge: str | None,
    baseline: Path | None,
    tolerance: float,
) -> None:
    """Evaluate retrieval and answers on labelled tickets (JSONL) and write the reports."""
    from copilot.config import Settings
    from eval.harness import EvalOptions, run_eval
    from eval.reports import write_reports
    from kb.maintenance import open_store

    modes = _modes(retrieval)
    data_dir = local_data_dir or ctx.obj["data_dir"]
    store_url = None if local_data_dir else ctx.obj["store_url"]

    def languages() -> set[str]:
        from ingest.languages import corpus_languages

        return corpus_languages(corpus)

    with open_store(data_dir, ctx.obj["embedder"], store_url, languages=languages) as kb:
        if corpus:
            _ingest(kb, corpus)
        if kb.counts()["documents"] == 0:
            raise InvalidInput(
                f"the store at {data_dir} is empty: pass --corpus DOCS or ingest first"
            )
        options = EvalOptions(
            modes=cast("tuple[SearchMode, ...]", modes),
            k=k,
            generator=generator,
            answers=not no_answers,
            audience=cast("Audience", audience),
            history=cast("HistoryUse", history),
            limit=limit,
            target_precision=target_precision,
            slice_fields=slice_fields,
            settings=Settings.model_validate({"llm_model": generator}),
            fusion=_fusion(fusion, dense_share),
            twins=twins,
            in_language=in_language,
        )
        with tqdm(desc="tickets", unit=" ticket", disable=None, leave=False) as bar:
            report = run_eval(
                tickets, kb, options, judge=_judge(judge), progress=lambda: bar.update(1)
            )
    paths = write_reports(report, out)
    click.echo(f"dataset: {report.dataset['usable']} tickets used of {report.dataset['rows']}")
    for mode, summary in report.retrieval.items():
        m = summary.metrics
        click.echo(
            f"{mode:8} nDCG@10 {m.get('ndcg@10', 0):.3f}  MRR@10 {m.get('mrr@10', 0):.3f}  "
            f"R@1 {m.get('recall@1', 0):.3f}  R@5 {m.get('recall@5', 0):.3f}  "
            f"R@10 {m.get('recall@10', 0):.3f}  (n={summary.n})"
        )
    if report.answers is not None:
        a = report.answers.metrics
        click.echo(
            "answers  "
            + "  ".join(
                f"{name} {a[name]:.3f}"
                for name in (
                    "token_f1",
                    "rouge_l",
                    "cosine",
                    "faithfulness",
                    "citation_recall",
                    "judge_correct",
                )
                if a.get(name) is not None
            )
        )
    if report.answerability is not None:
        o = report.answerability["overall"]
        click.echo(
            f"decision threshold {report.answerability['threshold']:.3f}: unanswerable handed "
            f"off {_pct(o['unanswerable_handed_off'])} (n={o['unanswerable']}, "
            f"{o['twins']} twins); answerable with gold in top 10 answered "
            f"{_pct(o['answerable_top10_answered'])} (n={o['answerable_top10']}); precision "
            f"{_pct(o['precision'])}, coverage {_pct(o['coverage'])}; recommended for "
            f"precision >= {target_precision:g}: {report.answerability['curve']['recommended']}"
        )
    click.echo("wrote " + ", ".join(str(p) for p in paths))
    if baseline is not None:
        _gate(ctx, baseline, report.headline, tolerance)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _ingest(kb: KnowledgeBase, corpus: tuple[Path, ...]) -> None:
    from ingest.pipeline import run

    assert kb.embedder is not None
    summary = run(list(corpus), kb, kb.embedder)
    click.echo(
        f"corpus: added {summary.added}, updated {summary.updated}, unchanged "
        f"{summary.unchanged}, failed {len(summary.failed)} in {summary.seconds:.1f}s"
    )
    for failure in summary.failed[:10]:
        click.echo(f"  failed: {failure.source}: {failure.reason}", err=True)


def _fusion(method: str | None, dense_share: float | None) -> FusionConfig | None:
    from kb.retrieval import FusionConfig

    if method is None and dense_share is None:
        return None
    base = FusionConfig()
    return FusionConfig(
        method=cast("FusionMethod", method or base.method),
        dense_share=base.dense_share if dense_share is None else dense_share,
        per_language=dense_share is None,  # an explicit share holds for every language
    )


def _judge(model: str | None) -> AnswerJudge | None:
    if model is None:
        return None
    from copilot.llm import LLMGateway
    from eval.judge import LLMJudge

    return LLMJudge(LLMGateway(model, max_tokens=40))


def _gate(ctx: click.Context, baseline: Path, headline: dict[str, float], tolerance: float) -> None:
    from eval.gate import compare
    from eval.report_json import read_headline

    try:
        old = read_headline(baseline)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    result = compare(old, headline, tolerance)
    for line in result.lines():
        click.echo(line, err=not result.passed)
    if not result.passed:
        ctx.exit(GATE_FAILED_EXIT)


COMMANDS = [eval_cmd]

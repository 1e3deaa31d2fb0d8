"""`kbc calibrate`: fit the answerability model on this store's labelled tickets and their
leave-gold-out twins, report it on data it was not fitted on, save it with the store."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from kb.errors import InvalidInput

ROWS_FILE = "calibration-rows.jsonl"
INPUTS_FILE = "calibration-inputs.pickle"
LEGACY_THRESHOLD = 0.45  # Settings.answer_threshold before the answerability model


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def _line(label: str, f: dict[str, Any]) -> str:
    return (
        f"  {label:<22} unanswerable handed off {_pct(f['unanswerable_handed_off'])} "
        f"(n={f['unanswerable']})  answerable top-10 answered "
        f"{_pct(f['answerable_top10_answered'])} (n={f['answerable_top10']})  precision "
        f"{_pct(f['precision'])}  hand-off precision {_pct(f['handoff_precision'])}  "
        f"coverage {_pct(f['coverage'])}  clean twins handed off "
        f"{_pct(f['clean_twins_handed_off'])} (n={f['clean_twins']})"
    )


def _report(title: str, rows: list[Any], threshold: float, *, per: tuple[str, ...]) -> None:
    from eval import calibration

    click.echo(f"{title} (threshold {threshold:.3f})")
    click.echo(_line("all", calibration.figures(rows, threshold)))
    for field in per:
        for value, f in calibration.by_slice(rows, threshold, field).items():
            click.echo(_line(f"{field} {value}", f))
    groups = {"all": rows}
    if "set" in per:
        for name in sorted({r.set for r in rows}):
            groups[f"set {name}"] = [r for r in rows if r.set == name]
    for label, members in groups.items():
        curve = calibration.curve(members)
        best = curve["recommended"]
        at = next((p for p in curve["points"] if p["threshold"] == best), None)
        detail = (
            f" (precision {_pct(at['precision'])}, coverage {_pct(at['coverage'])}, "
            f"unanswerable handed off {_pct(at['unanswerable_handed_off'])})"
            if at
            else ""
        )
        click.echo(f"  {label}: threshold with precision >= 0.9, most coverage: {best}{detail}")


def _before(rows: list[Any]) -> None:
    """The same rows under the rule before the answerability model (engine.confidence's
    0.6 x top cosine + 0.4 x supported share, answer at >= 0.45), when the rows carry it."""
    from eval import calibration

    if not any("legacy_confidence" in r.features for r in rows):
        return
    legacy = [calibration.Row(**asdict(r)) for r in rows]
    for r in legacy:  # no draft (sensitive, nothing relevant, or asked "which one?"): 0
        r.p = r.features.get("legacy_confidence", 0.0)
        r.clarified = False
    _report("before: 0.6 x cosine + 0.4 x supported share", legacy, LEGACY_THRESHOLD, per=("set",))


def _held_out(
    rows: list[Any], folds: int, target_recall: float, l2: float, features: tuple[str, ...]
) -> list[Any]:
    """Each row scored by a model fitted without it: leave-one-set-out when rows come from
    several sets, else k folds by original ticket (twins stay with their originals)."""
    from eval import calibration

    sets = sorted({r.set for r in rows})
    splits = (
        [([r for r in rows if r.set != s], [r for r in rows if r.set == s]) for s in sets]
        if len(sets) > 1
        else calibration.folds(rows, folds)
    )
    scored: list[Any] = []
    for train, test in splits:
        model = calibration.fit_model(train, target_recall=target_recall, l2=l2, features=features)
        test = [calibration.Row(**asdict(r)) for r in test]
        calibration.rescore(test, model)
        for r in test:  # one threshold for all folds' rows: shift to the fold's own
            r.p = r.p - model.threshold + 0.5
        scored.extend(test)
    return scored


@click.command()
@click.argument("tickets", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--limit", type=click.IntRange(min=1), default=None, help="First N tickets.")
@click.option(
    "--history",
    type=click.Choice(["customer", "all", "none"]),
    default="all",
    show_default=True,
    help="Conversation turns passed as retrieval history (as POST /v1/answers: all).",
)
@click.option(
    "--rows",
    "rows_in",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Decision rows saved by an earlier calibrate (another store's set); repeatable.",
)
@click.option(
    "--holdout",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Rows to report the fitted model on, never fitted on; repeatable.",
)
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
@click.option(
    "--target-recall",
    type=click.FloatRange(0, 1),
    default=0.85,
    show_default=True,
    help="Share of unanswerable questions the chosen threshold must hand off.",
)
@click.option("--l2", type=click.FloatRange(min=0), default=30.0, show_default=True)
@click.option(
    "--all-features",
    is_flag=True,
    help="Fit on every feature, not only the default set (which carried over between sets).",
)
@click.option(
    "--write-model",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the model here (e.g. the shipped default) instead of saving it with the store.",
)
@click.option(
    "--recompute",
    is_flag=True,
    help="Recompute --rows/--holdout features with this code from the inputs saved beside them.",
)
@click.option(
    "--evaluate",
    "evaluate_model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Only report this model file (e.g. the shipped default) on the rows; fit nothing.",
)
@click.option(
    "--fusion",
    is_flag=True,
    help="Fit hybrid search's dense share per language on TICKETS instead (saved with the store).",
)
@click.option("--dry-run", is_flag=True, help="Fit and report; save nothing.")
@click.pass_context
def calibrate(
    ctx: click.Context,
    tickets: Path | None,
    limit: int | None,
    history: str,
    rows_in: tuple[Path, ...],
    holdout: tuple[Path, ...],
    folds: int,
    target_recall: float,
    l2: float,
    all_features: bool,
    write_model: Path | None,
    recompute: bool,
    evaluate_model: Path | None,
    fusion: bool,
    dry_run: bool,
) -> None:
    """Fit the answerability model on labelled tickets (JSONL) plus their twins; save it.

    With --fusion: fit hybrid search's dense share for each language of the tickets instead.
    """
    if fusion:
        from copilot.cli.fusion_commands import calibrate_fusion

        if tickets is None:
            raise InvalidInput("--fusion needs labelled TICKETS (JSONL)")
        calibrate_fusion(ctx, tickets, limit=limit, history=history, folds=folds, save=not dry_run)
        return
    from eval import calibration
    from kb.answerability.model import next_version, save_for_store

    data_dir: Path = ctx.obj["data_dir"]
    rows: list[calibration.Row] = []
    if tickets is not None:
        rows += _store_rows(ctx, tickets, limit, history)
    for path in rows_in:
        rows += _recompute(ctx, path) if recompute else calibration.read_rows(path)
    if not rows:
        raise InvalidInput("nothing to fit: pass labelled TICKETS or --rows FILE")
    _before(rows)
    if evaluate_model is not None:
        from kb.answerability import AnswerabilityModel

        given = AnswerabilityModel.from_dict(json.loads(evaluate_model.read_text("utf-8")))
        calibration.rescore(rows, given)
        _report(
            f"model {given.version} from {evaluate_model}",
            rows,
            given.threshold,
            per=("set", "lang", "channel", "twin"),
        )
        return
    sets = sorted({r.set for r in rows})
    how = "leave-one-set-out" if len(sets) > 1 else f"{folds}-fold by ticket"
    from kb.answerability import DEFAULT_FEATURES, FEATURES

    features = FEATURES if all_features else DEFAULT_FEATURES
    held = _held_out(rows, folds, target_recall, l2, features)
    _report(
        f"held out ({how}; each row scored by a model not fitted on it)",
        held,
        0.5,
        per=("set", "lang", "channel", "twin"),
    )
    model = calibration.fit_model(rows, target_recall=target_recall, l2=l2, features=features)
    for path in holdout:
        test = _recompute(ctx, path) if recompute else calibration.read_rows(path)
        calibration.rescore(test, model)
        _report(f"hold-out {path} (not fitted on)", test, model.threshold, per=("lang", "twin"))
    fitted = [calibration.Row(**asdict(r)) for r in rows]
    calibration.rescore(fitted, model)
    _report(
        "fitted rows (in-sample: not a measure of quality)", fitted, model.threshold, per=("set",)
    )
    if dry_run:
        return
    if write_model is not None:
        data = model.as_dict()
        data["version"] = f"default-{len(rows)}-rows"
        write_model.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        click.echo(f"wrote {write_model}")
        return
    version = next_version(data_dir)
    from kb.answerability import AnswerabilityModel

    saved = AnswerabilityModel(**{**asdict(model), "version": version})
    path = save_for_store(saved, data_dir)
    click.echo(f"saved answerability model {version} with the store: {path}")


def _store_rows(ctx: click.Context, tickets: Path, limit: int | None, history: str) -> list[Any]:
    """Run the labelled tickets and their twins through the answers path; keep the rows."""
    from copilot.config import Settings
    from eval import calibration
    from eval.harness import EvalOptions, run_eval
    from kb.maintenance import open_store

    data_dir: Path = ctx.obj["data_dir"]
    with open_store(data_dir, ctx.obj["embedder"], ctx.obj["store_url"]) as kb:
        if kb.counts()["documents"] == 0:
            raise InvalidInput(f"the store at {data_dir} is empty: ingest its articles first")
        options = EvalOptions(
            modes=("hybrid",),
            history=history,  # type: ignore[arg-type]
            limit=limit,
            twins=True,
            settings=Settings(llm_model="extractive", clarify=True),
        )
        inputs: dict[str, calibration.DecisionInput] = {}
        with tqdm(desc="tickets + twins", unit=" ticket", disable=None, leave=False) as bar:
            report = run_eval(tickets, kb, options, progress=lambda: bar.update(1), inputs=inputs)
    rows = calibration.rows_from_records(report.tickets, data_dir.name, "hybrid")
    out = calibration.write_rows(rows, data_dir / ROWS_FILE)
    calibration.write_inputs(inputs, data_dir / INPUTS_FILE)
    click.echo(f"{len(rows)} decision rows ({sum(r.twin for r in rows)} twins) -> {out}")
    return rows


def _recompute(ctx: click.Context, rows_path: Path) -> list[Any]:
    """Rows of an earlier run with features recomputed by this code from the saved inputs
    (the store the rows came from must be the one next to them: its term statistics)."""
    from eval import calibration
    from kb.answerability import StoreTermStats
    from kb.maintenance import open_store

    rows = calibration.read_rows(rows_path)
    inputs = calibration.read_inputs(rows_path.parent / INPUTS_FILE)
    with open_store(rows_path.parent, ctx.obj["embedder"]) as kb:
        calibration.recompute(rows, inputs, StoreTermStats(kb))
    return rows


COMMANDS = [calibrate]

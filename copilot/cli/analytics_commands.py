"""`kbc analytics`: deflection, hand-offs, latency, cited articles, feedback and content gaps."""

from __future__ import annotations

import click

from kb.storage.analytics import Outcomes, Report, Sample


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f} ms"


def _sampled(s: Sample, what: str) -> str:
    return f" (latest {s.read:,} of {s.of:,} {what})" if s.sampled else ""


def _outcomes(o: Outcomes) -> str:
    return (
        f"{o.answers:,} answers, {o.answered:,} answered, {o.handoffs:,} handed off, "
        f"deflection {_rate(o.deflection_rate)}"
    )


def summary_lines(r: Report) -> list[str]:
    """The report as a support lead reads it in a terminal."""
    until = r.window.until.isoformat(sep=" ").removesuffix("+00:00")
    since = r.window.since.isoformat(sep=" ").removesuffix("+00:00")
    out = [
        f"from {since} until {until} UTC (until excluded), "
        f"{'language ' + r.lang if r.lang else 'all languages'}",
        f"totals: {_outcomes(r.totals)}",
    ]
    if r.handoff_reasons:
        out.append(
            "hand-offs by reason: "
            + ", ".join(f"{x.reason} {x.count:,}" for x in r.handoff_reasons)
        )
    for lc in r.languages:
        out.append(f"  {lc.lang or 'unknown':8} {_outcomes(lc)}")
    out.append(
        f"latency: p50 {_ms(r.latency.p50_ms)}, p95 {_ms(r.latency.p95_ms)}"
        + _sampled(r.latency.sample, "answers")
    )
    a = r.answer_feedback
    out.append(
        f"answer feedback: {a.helpful:,} helpful, {a.not_helpful:,} not helpful "
        f"({_rate(a.helpful_rate)} helpful), {a.comments:,} comments"
    )
    d = r.draft_feedback
    mean = "n/a" if d.mean_edit_distance is None else f"{d.mean_edit_distance:.2f}"
    out.append(
        f"drafts: {d.drafts:,}, {d.final_replies:,} final replies sent, mean edit distance "
        f"{mean} (0 sent as drafted, 1 rewritten), {d.helpful:,} helpful, "
        f"{d.not_helpful:,} not helpful"
    )
    answers_read, drafts_read = r.articles_sample
    out.append(
        "top cited articles (answers / drafts)"
        + _sampled(answers_read, "answers")
        + _sampled(drafts_read, "drafts")
        + (":" if r.top_articles else ": none")
    )
    for art in r.top_articles:
        title = art.title or "(not in the store)"
        out.append(f"  {art.answers:6,} / {art.drafts:<6,} {art.external_id}  {title}")
    out.append(
        "content gaps, most handed-off questions"
        + _sampled(r.gaps_sample, "hand-offs")
        + (":" if r.content_gaps else ": none")
    )
    for g in r.content_gaps:
        out.append(f"  {g.count:6,}  {g.question[:100]}  [{', '.join(g.reasons)}]")
    active = [day for day in r.days if day.answers]
    out.append(f"per day ({len(active)} of {len(r.days)} days with answers):")
    for day in active:
        out.append(f"  {day.day}  {_outcomes(day)}")
    return out


@click.command()
@click.option("--since", default=None, help="UTC date YYYY-MM-DD or ISO datetime (included).")
@click.option("--until", default=None, help="UTC date or datetime (excluded). Default: tomorrow.")
@click.option("--lang", default=None, help="Only answers and drafts in this language.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (the API's).")
@click.pass_context
def analytics(
    ctx: click.Context, since: str | None, until: str | None, lang: str | None, as_json: bool
) -> None:
    """Deflection, hand-offs, latency, cited articles, feedback and content gaps.

    The window is [since, until): default the last 30 days including today, at most 366."""
    from kb.maintenance import open_store
    from kb.storage.analytics import Analytics, Window, parse_moment

    window = Window.of(
        None if since is None else parse_moment(since, "--since"),
        None if until is None else parse_moment(until, "--until"),
    )
    with open_store(ctx.obj["data_dir"], ctx.obj["embedder"], ctx.obj["store_url"]) as kb:
        report = Analytics(kb).report(window, lang or None)
    if as_json:
        from copilot.schemas.analytics import AnalyticsOut

        click.echo(AnalyticsOut.from_report(report).model_dump_json(indent=2))
        return
    for line in summary_lines(report):
        click.echo(line)


COMMANDS = [analytics]

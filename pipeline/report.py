"""The report: Markdown and HTML with the claim table, data as-of dates, sources, PNG charts, and
Great Expectations Data Docs. Reads the published warehouse only."""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import sqlfiles
from .checks import quality


@dataclass
class Report:
    out_dir: Path
    markdown: Path
    html: Path
    charts: list[Path] = field(default_factory=list)
    data_docs: Path | None = None


def _fmt(value, digits=2) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.{digits}f}"


def build(con: duckdb.DuckDBPyConnection, outcome, out_dir: Path, *, data_docs: bool = True
          ) -> Report:
    """Write report.md, report.html and charts/*.png (and gx/ Data Docs) into ``out_dir``."""
    import matplotlib

    matplotlib.use("Agg")  # no display; files only
    out_dir.mkdir(parents=True, exist_ok=True)
    charts_dir = out_dir / "charts"
    charts_dir.mkdir(exist_ok=True)
    coverage = con.execute(sqlfiles.query("report/coverage")).df()
    first_days = con.execute(sqlfiles.query("report/first_day_changes")).df()
    by_year = con.execute(sqlfiles.query("report/new_economy_by_year")).df()
    calibration = con.execute(sqlfiles.query("report/calibration")).df()
    monthly = con.execute(sqlfiles.query("report/new_economy_monthly")).df()
    sources = con.execute(sqlfiles.query("report/sources")).df()

    report = Report(out_dir, out_dir / "report.md", out_dir / "report.html")
    report.charts = [
        _chart_first_days(first_days, charts_dir / "hsi_first_day_change.png"),
        _chart_listings(by_year, charts_dir / "new_economy_by_year.png"),
        _chart_calibration(monthly, calibration, charts_dir / "new_economy_vs_published.png"),
    ]
    if data_docs:
        report.data_docs = _data_docs(con, out_dir / "gx")
    sections = _sections(outcome, coverage, first_days, by_year, calibration, sources, report)
    report.markdown.write_text(_markdown(sections), encoding="utf-8")
    report.html.write_text(_html(sections), encoding="utf-8")
    return report


# --- content -------------------------------------------------------------------------------

def _sections(outcome, coverage, first_days, by_year, calibration, sources, report):
    """A list of (heading, blocks); a block is ('p', text), ('table', frame) or ('img', path)."""
    claims = pd.DataFrame([{
        "claim": r.claim.id,
        "the article says": r.claim.statement,
        "measured": f"{r.claim.measured} = {_fmt(r.measured_value)} ({r.measured_detail})",
        "verdict": r.verdict,
        "rounded reading": r.rounded_verdict or "",
        "expected": r.claim.expected,
    } for r in outcome.claims])
    changed = [r for r in outcome.claims if r.changed]
    status = ("Every verdict equals the one recorded in the ledger." if not changed else
              "CHANGED: " + "; ".join(f"{r.claim.id} is now {r.verdict}, expected "
                                      f"{r.claim.expected}" for r in changed))
    detail_blocks = []
    for r in outcome.claims:
        evidence = pd.DataFrame(r.evidence, columns=["item", "value", "detail"])
        evidence["value"] = evidence["value"].map(_fmt)
        text = (f"**{r.claim.id}**: \"{r.claim.statement}\". Verdict **{r.verdict}** from "
                f"`{r.claim.comparison}`")
        if r.claim.rounded_comparison:
            text += (f"; rounded reading `{r.claim.rounded_comparison}` gives "
                     f"**{r.rounded_verdict}**")
        text += f". {r.claim.note}"
        detail_blocks += [("p", text), ("table", evidence)]
    checks = pd.DataFrame([{"check": c.name, "result": "PASS" if c.ok else "FAIL",
                            "detail": c.detail} for c in outcome.checks])
    coverage_view = coverage.assign(
        first_date=coverage["first_date"].astype(str).replace("NaT", ""),
        last_date=coverage["last_date"].astype(str).replace("NaT", ""))
    year_end = calibration[(calibration["as_of"] == "2025-12-31")
                           & (calibration["measure"] == "new_economy_listed")]
    tier_text = ""
    if len(year_end):
        row = year_end.iloc[0]
        counts = {d: int(row[d]) for d in ("core", "broad", "new_consumer")}
        over = [d for d, n in counts.items() if n > row["published_number"]]
        tier_text = (f"Listed at 2025-12-31 by definition: core {counts['core']}, broad "
                     f"{counts['broad']}, new_consumer {counts['new_consumer']}; published: "
                     f"{row['published']}. Read literally (more than "
                     f"{row['published_number']}), the figure is met under "
                     f"{', '.join(over) if over else 'no definition'}. The rule: "
                     "seeds/NEW_ECONOMY.md.")
    no_data = coverage[coverage["sessions"] == 0]
    missing_text = " ".join(f"{r.name} ({r.symbol}): no daily values in the warehouse. "
                            f"{r.data_source}" for r in no_data.itertuples())
    data_docs = []
    if report.data_docs is not None:
        rel = report.data_docs.relative_to(report.out_dir)
        data_docs = [("p", f"Great Expectations Data Docs: [{rel}]({rel})")]
    return [
        ("Claims", [("p", status), ("table", claims)]),
        ("Data as of", [("table", coverage_view), ("p", missing_text or "")]),
        ("Hang Seng Index: first trading day of each year", [
            ("img", report.charts[0]),
            ("table", first_days[first_days["year"] >= 2010].assign(
                pct_change=first_days["pct_change"].map(lambda v: _fmt(v)))),
        ]),
        ("New-economy listings", [
            ("p", tier_text),
            ("img", report.charts[1]),
            ("img", report.charts[2]),
            ("table", calibration),
        ]),
        ("Claim evidence", detail_blocks),
        ("Checks", [("table", checks), *data_docs]),
        ("Sources", [("table", sources)]),
    ]


def _markdown(sections) -> str:
    lines = ["# hkpipe report", ""]
    for heading, blocks in sections:
        lines += [f"## {heading}", ""]
        for kind, value in blocks:
            if kind == "p" and value:
                lines += [value, ""]
            elif kind == "table" and len(value):
                lines += [_md_table(value), ""]
            elif kind == "img":
                lines += [f"![{value.stem}](charts/{value.name})", ""]
    return "\n".join(lines)


def _md_table(frame: pd.DataFrame) -> str:
    def cell(v):
        return ("" if v is None or (isinstance(v, float) and pd.isna(v))
                else str(v).replace("|", "\\|").replace("\n", " "))
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(
        index=False)]
    return "\n".join([head, rule, *body])


def _html(sections) -> str:
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>hkpipe report</title>",
             "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
             "table{border-collapse:collapse;font-size:0.85em;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}"
             "img{max-width:100%}</style></head><body><h1>hkpipe report</h1>"]
    for heading, blocks in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        for kind, value in blocks:
            if kind == "p" and value:
                text = html.escape(value)
                text = text.replace("**", "")
                parts.append(f"<p>{text}</p>")
            elif kind == "table" and len(value):
                parts.append(value.to_html(index=False, na_rep="", escape=True))
            elif kind == "img":
                parts.append(f"<img src='charts/{html.escape(value.name)}' "
                             f"alt='{html.escape(value.stem)}'>")
    parts.append("</body></html>")
    return "\n".join(parts)


# --- charts ----------------------------------------------------------------------------------

def _chart_first_days(frame: pd.DataFrame, path: Path) -> Path:
    import matplotlib.pyplot as plt

    frame = frame.dropna(subset=["pct_change"])
    colours = ["#d62728" if y == 2026 else "#ff7f0e" if y == 2013 else
               "#1f77b4" for y in frame["year"]]
    fig, ax = plt.subplots(figsize=(11, 4.5))
    ax.bar(frame["year"], frame["pct_change"], color=colours)
    ax.axhline(2.8, color="black", linestyle="--", linewidth=1)
    ax.text(frame["year"].min(), 2.9, "2.8% (the article)", fontsize=8)
    for year in (2013, 2026):
        row = frame[frame["year"] == year]
        if len(row):
            value = float(row["pct_change"].iloc[0])
            ax.annotate(f"{year}: {value:+.2f}%", (year, value), textcoords="offset points",
                        xytext=(0, 6 if value >= 0 else -12), ha="center", fontsize=8)
    ax.set_title("Hang Seng Index: change on the first trading day of each year "
                 "(close to close)")
    ax.set_ylabel("percent")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


TIER_COLOURS = {"core": "#1f77b4", "broad": "#2ca02c", "new_consumer": "#ff7f0e",
                "none": "#c7c7c7"}


def _chart_listings(frame: pd.DataFrame, path: Path) -> Path:
    import matplotlib.pyplot as plt

    pivot = frame.pivot_table(index="year", columns="tier", values="listings",
                              aggfunc="sum", fill_value=0)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    bottom = pd.Series(0, index=pivot.index)
    for tier in ["core", "broad", "new_consumer", "none"]:
        if tier in pivot:
            ax.bar(pivot.index, pivot[tier], bottom=bottom, label=tier,
                   color=TIER_COLOURS[tier])
            bottom = bottom + pivot[tier]
    ax.set_ylabel("new listings in the year")
    ax2 = ax.twinx()
    cumulative = frame.drop_duplicates("year")[["year", "listed_broad_at_year_end"]]
    ax2.plot(cumulative["year"], cumulative["listed_broad_at_year_end"], color="black",
             marker="o", label="listed at year end, broad")
    ax2.axhline(400, color="red", linestyle="--", linewidth=1)
    ax2.text(pivot.index.min(), 405, "400 (the article)", fontsize=8, color="red")
    ax2.set_ylabel("listed at year end (core + broad)")
    ax2.set_ylim(0, max(450, float(cumulative["listed_broad_at_year_end"].max()) * 1.1))
    ax.legend(loc="upper center", fontsize=8)
    ax.set_title("New-economy listings per year by tier, and the number still listed")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _chart_calibration(monthly: pd.DataFrame, calibration: pd.DataFrame, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 4.5))
    for tier in ["core", "broad", "new_consumer"]:
        ax.plot(pd.to_datetime(monthly["month_end"]), monthly[tier], label=f"table: {tier}",
                color=TIER_COLOURS[tier])
    published = calibration[calibration["measure"] == "new_economy_listed"]
    ax.scatter(pd.to_datetime(published["as_of"]), published["published_number"],
               color="black", zorder=3, label="published count")
    for row in published.itertuples():
        ax.annotate(row.published, (pd.Timestamp(row.as_of), row.published_number),
                    textcoords="offset points", xytext=(-10, 6), fontsize=8)
    ax.set_ylabel("new-economy issuers listed since 2018-04-30")
    ax.set_title("The table's count per definition against the official published counts")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --- Data Docs -------------------------------------------------------------------------------

def _data_docs(con: duckdb.DuckDBPyConnection, gx_dir: Path) -> Path:
    """Validate the table batches in a file-backed GX context and build its Data Docs."""
    shutil.rmtree(gx_dir, ignore_errors=True)
    gx_dir.mkdir(parents=True)
    ctx = quality.gx_context(mode="file", project_root_dir=gx_dir)
    import great_expectations as gx

    source = ctx.data_sources.add_pandas("hkpipe")
    for batch in quality.table_batches():
        definition = (source.add_dataframe_asset(batch.suite)
                      .add_batch_definition_whole_dataframe("whole"))
        suite = ctx.suites.add(quality.load_suite(batch.suite))
        validation = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=batch.suite, data=definition, suite=suite))
        validation.run(batch_parameters={"dataframe": quality.batch_frame(con, batch)},
                       expectation_parameters=batch.parameters)
    ctx.build_data_docs()
    return gx_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"

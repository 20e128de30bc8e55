"""The report: Markdown and HTML rendered from the Jinja2 templates in ``templates/``, over the
articles' metadata and ledgers and the claim results it is given, plus PNG charts and Great
Expectations Data Docs. Reads the published warehouse only.

Nothing here knows an article: every section, chart and table comes from an article's
``article.toml`` and ``claims.csv`` (``hkpipe.articles``) and from ``sql/report/``. A chart's
numbers (reference lines, highlighted values, labels) come from that metadata too. ``build``
takes the claim results and checks it renders, whether they were just computed or read back
from ``claim_results``.

Two sections are not an article's: IPO performance (``_ipo_section``), the cohort table, its
two charts, the best and worst listings by one-year excess over the HSI, what the IPO data
covers and lacks, the computed new-economy IPO index beside the HSI and HSTECH, the BHAR tables
with their bootstrap intervals (``hkpipe.ipo_stats``) and what counting delistings changes, each
from its own query in ``sql/report/ipo_*.sql`` over the ``ipo_*`` views; and the data's last
year (``_latest_year_section``: listings by month and route, funds raised, demand against
debut, what is missing), from ``sql/report/latest_year_*.sql``, whose year is the one of the
data's end (``listings_data_end()``).
"""

from __future__ import annotations

import base64
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from .. import ipo_stats, sqlfiles
from ..checks import quality
from ..seeds import TIERS
from ..settings import PROJECT_ROOT
from . import claimreview

TEMPLATES_DIR = PROJECT_ROOT / "templates"
# one colour per tier, in the order of seeds.TIERS (the one list of tiers)
TIER_COLOURS = dict(zip(TIERS, ("#1f77b4", "#2ca02c", "#ff7f0e", "#c7c7c7"), strict=True))
HIGHLIGHT_COLOURS = ["#d62728", "#ff7f0e", "#9467bd", "#8c564b"]
BASE_COLOUR = "#1f77b4"
MISSING = "n/a"  # what a table cell says where the data has no value

# The IPO section: how ipo_cohorts names a year's total, how many listings each side of the
# one-year excess ranking shows, and its two charts (drawn like an article's, from these specs).
IPO_TOTAL_TIER = "all"
IPO_RANKED = 10
IPO_CHARTS = [
    {"name": "median_debut_return_by_year", "kind": "grouped_bars",
     "title": "Median debut return by listing year (first close against the offer)",
     "query": "ipo_debut_by_year", "params": {"total_tier": IPO_TOTAL_TIER},
     "x": "listing_year", "y": "median_debut_return", "n": "debut_n",
     "ylabel": "median debut return, % (n: listings with one)"},
    {"name": "median_excess_vs_hsi_250s_by_year_tier", "kind": "grouped_bars",
     "title": "Median excess over the HSI at 250 sessions, by listing year and tier",
     "query": "ipo_excess_by_year_tier", "x": "listing_year", "group": "tier",
     "y": "median_excess_vs_hsi_250s", "n": "excess_250s_n",
     "ylabel": "median excess over the HSI, points (n: listings with one)"},
]
IPO_INDEX_CHART = {"name": "new_economy_ipo_index", "kind": "lines",
     "title": "New-economy IPO index (computed by hkpipe) against the HSI and HSTECH, "
              "1,000 on its first day",
     "query": "ipo_index_levels", "x": "trade_date",
     "lines": {"level": "new-economy IPO index (computed by hkpipe; gaps: too few members)",
               "hsi_level": "HSI (price index)", "hstech_level": "HSTECH (price index)"},
     "ylabel": "level, first day = 1,000"}
# The BHAR tables: the horizon of the year table and its columns (ipo_bhar has every horizon;
# the route-by-horizon table's benchmark is chosen in sql/report/ipo_bhar_cells.sql).
BHAR_YEAR_HORIZON = "250s"
BHAR_COLUMNS = ["cohort_value", "benchmark", "n", "delisted_n", "mean_bhar", "ci_low",
                "ci_high", "median_bhar", "wealth_relative", "share_beating",
                "t_skew_adjusted"]


@dataclass
class Report:
    out_dir: Path
    markdown: Path
    html: Path
    charts: list[Path] = field(default_factory=list)
    data_docs: Path | None = None
    reviews: list[Path] = field(default_factory=list)  # articles/<id>/claims.jsonld


def fmt(value, digits: int = 2) -> str:
    """A number as the report shows it: integers without decimals, others to ``digits``."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = float(value)
        return f"{value:.0f}" if value.is_integer() else f"{value:.{digits}f}"
    return str(value)


def build(con: duckdb.DuckDBPyConnection, articles: list, results: list, checks: list,
          out_dir: Path, *, checked_on: date, data_docs: bool = True, author: str = "hkpipe",
          author_url: str = "", robustness: list[dict] | None = None) -> Report:
    """Write report.md, report.html, charts/<article>/<chart>.png, articles/<id>/claims.jsonld
    (and gx/ Data Docs) into ``out_dir``: one section per article in ``articles``, with its
    claims' ``results`` and their ``robustness`` (``Sweep.as_dict`` rows: margin, variants,
    boundary), checked on ``checked_on`` and published by ``author`` (``claimreview``), and
    the verdict history its recorded checks left (``claim_history``)."""
    import matplotlib

    matplotlib.use("Agg")  # no display; files only
    out_dir.mkdir(parents=True, exist_ok=True)
    report = Report(out_dir, out_dir / "report.md", out_dir / "report.html")
    con.execute(sqlfiles.query("report/_cache"))  # the IPO views, computed once
    sections = []
    for article in articles:
        charts = []
        for spec in article.charts:
            charts.append(_chart(con, spec, CHARTS, article.id, out_dir, report))
        tables = [{"title": t["title"], "note": t.get("note", ""),
                   **_table(_frame(con, t["query"], t.get("params")))} for t in article.tables]
        mine = [r for r in results if r.claim.article_id == article.id]
        reviews = claimreview.reviews(article, mine, checked_on=checked_on, author=author,
                                      author_url=author_url)
        jsonld = claimreview.write(out_dir / "articles" / article.id / claimreview.FILE_NAME,
                                   reviews)
        report.reviews.append(jsonld)
        sections.append({"article": article, "claims": [_claim(r) for r in mine],
                         "robustness": [r for r in robustness or []
                                        if r["article_id"] == article.id],
                         "changed": [r.claim.id for r in mine if r.changed],
                         "history": _timeline(_frame(con, "claim_timeline",
                                                     {"article_id": article.id})),
                         "charts": charts, "tables": tables, "reviews": reviews,
                         "jsonld": jsonld.relative_to(out_dir).as_posix()})
    ipo = _ipo_section(con, out_dir, report)
    latest = _latest_year_section(con)
    if data_docs:
        report.data_docs = _data_docs(con, out_dir / "gx")
    coverage = _frame(con, "coverage")
    context = {
        "sections": sections,
        "changed": [r for r in results if r.changed],
        "coverage": _table(coverage.astype({"first_date": str, "last_date": str})
                           .replace({"NaT": "", "None": ""})),
        "no_data": [r for r in coverage.itertuples() if r.sessions == 0],
        "checks": [{"name": c.name, "result": "PASS" if c.ok else "FAIL", "detail": c.detail}
                   for c in checks],
        "sources": _table(_frame(con, "sources")),
        "ipo": ipo,
        "latest": latest,
        "data_docs": (report.data_docs.relative_to(out_dir).as_posix()
                      if report.data_docs else None),
    }
    env = _environment()
    report.markdown.write_text(env.get_template("report.md.j2").render(context),
                               encoding="utf-8")
    report.html.write_text(env.get_template("report.html.j2").render(context),
                           encoding="utf-8")
    return report


def _chart(con, spec: dict, kinds: dict, folder: str, out_dir: Path, report: Report) -> dict:
    """Draw one chart into charts/<folder>/<name>.png; its entry for the templates."""
    path = out_dir / "charts" / folder / f"{spec['name']}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    kinds[spec["kind"]](con, spec, path)
    report.charts.append(path)
    return {"title": spec["title"], "name": spec["name"],
            "href": path.relative_to(out_dir).as_posix(),
            "data_uri": "data:image/png;base64,"
                        + base64.b64encode(path.read_bytes()).decode("ascii")}


def _ipo_section(con: duckdb.DuckDBPyConnection, out_dir: Path, report: Report) -> dict:
    """The IPO section's tables, charts and counts, every number from a ``sql/report/ipo_*``
    query; a value the data does not have shows as ``MISSING``, never as a number."""
    cohorts = _frame(con, "ipo_cohorts")
    coverage = _days(_frame(con, "ipo_coverage"))
    reasons = _frame(con, "ipo_debut_reasons")
    ranked = _days(_frame(con, "ipo_excess_ranked", {"n": IPO_RANKED}))
    listings = int(coverage["listings"].sum())
    columns = [c for c in ranked.columns if c not in ("side", "ranked_of")]
    totals = cohorts[cohorts["tier"] == IPO_TOTAL_TIER]
    bhar = ipo_stats.bhar_table(con) if listings else None
    return {
        "listings": listings,
        "total_tier": IPO_TOTAL_TIER,
        "ranked_n": IPO_RANKED,
        "cohorts": _table(cohorts, missing=MISSING),
        "years_without_debut": [int(y) for y in
                                totals.loc[totals["debut_n"] == 0, "listing_year"]],
        "years_without_excess": [int(y) for y in
                                 totals.loc[totals["return_250s_n"] == 0, "listing_year"]],
        "charts": ([_chart(con, spec, IPO_CHART_KINDS, "ipo", out_dir, report)
                    for spec in IPO_CHARTS] if listings else []),
        "ranked_of": int(ranked["ranked_of"].iloc[0]) if len(ranked) else 0,
        "best": _table(ranked.loc[ranked["side"] == "best", columns], missing=""),
        "worst": _table(ranked.loc[ranked["side"] == "worst", columns], missing=""),
        "with_debut": int(reasons["with_debut_return"].sum()),
        "coverage": _table(coverage, missing=MISSING),
        "debut_reasons": _table(reasons, missing=MISSING),
        "one_year": _table(_frame(con, "ipo_one_year_coverage"), missing=MISSING),
        "stock_sources": _table(_days(_frame(con, "ipo_stock_sources")), missing=MISSING),
        **(_bhar_section(con, bhar, out_dir, report) if listings else {}),
    }


def _bhar_section(con: duckdb.DuckDBPyConnection, bhar: pd.DataFrame, out_dir: Path,
                  report: Report) -> dict:
    """The BHAR by year (with intervals), route by horizon, what counting delistings changes
    and the index summary."""
    year = bhar[bhar["cohort"].isin(["all", "year"]) & (bhar["horizon"] == BHAR_YEAR_HORIZON)]
    route = bhar[(bhar["cohort"] == "route") & bhar["headline_benchmark"]]
    cells = {}
    for r in route.itertuples(index=False):
        cells.setdefault(r.cohort_value, {})[r.horizon] = (
            f"n={r.n}" if not r.estimated else
            f"{fmt(r.mean_bhar, 1)} [{fmt(r.ci_low, 1)}, {fmt(r.ci_high, 1)}] n={r.n}")
    horizons = list(dict.fromkeys(route.sort_values("horizon_order")["horizon"]))
    by_route = pd.DataFrame([{"route": k, **{h: v.get(h, "n=0") for h in horizons}}
                             for k, v in sorted(cells.items())])
    summary = _frame(con, "ipo_index_summary").iloc[0].to_dict()
    return {
        "index_chart": _chart(con, IPO_INDEX_CHART, IPO_CHART_KINDS, "ipo", out_dir, report),
        "bhar_horizon": BHAR_YEAR_HORIZON,
        "bhar_min_n": int(bhar["min_n"].iloc[0]),
        "bhar_seed": ipo_stats.BOOTSTRAP_SEED,
        "bhar_draws": ipo_stats.BOOTSTRAP_DRAWS,
        "bhar_by_year": _table(year[BHAR_COLUMNS], missing=MISSING),
        "bhar_by_route": _table(by_route, missing=MISSING),
        "survivorship": _table(_frame(con, "ipo_survivorship"), missing=MISSING),
        "demand_bands": _table(_frame(con, "ipo_demand_bands"), missing=MISSING),
        "index": {k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else v)
                  for k, v in summary.items()},
    }


def _latest_year_section(con: duckdb.DuckDBPyConnection) -> dict:
    """The data's last year: every number from a ``sql/report/latest_year_*`` query; the year
    and end date from ``listings_data_end()`` (declared once, in seeds/data_coverage.csv)."""
    end = _frame(con, "data_end")["data_end"].iloc[0]
    if pd.isna(end):
        return {"end": None}
    demand = _frame(con, "latest_year_demand_vs_debut")
    return {
        "end": str(pd.Timestamp(end).date()),
        "year": pd.Timestamp(end).year,
        "by_month_route": _table(_frame(con, "latest_year_by_month_route"), missing=MISSING),
        "demand_vs_debut": _table(demand, missing=MISSING),
        "with_demand_and_debut": int(demand["n"].sum()) if len(demand) else 0,
        "missing": _table(_frame(con, "latest_year_missing"), missing=""),
    }


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
                             autoescape=jinja2.select_autoescape(["html.j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["num"] = fmt
    # Markdown passes raw HTML through, so every text from article.toml, the ledgers, the data
    # (an import's file name is its source) goes through md, cell or code in the .md templates;
    # the .html templates are autoescaped.
    env.filters["md"] = markdown_text
    env.filters["cell"] = lambda v: markdown_text("" if v is None else fmt(v)).replace(
        "|", "\\|").replace("\n", " ")
    env.filters["code"] = lambda v: str(v).replace("`", "'").replace("\n", " ")
    return env


def markdown_text(value) -> str:
    """``value`` as Markdown text that cannot open or close an HTML tag or entity: ``&``,
    ``<`` and ``>`` become entities (shown as the characters). For a code span, where
    entities are not decoded, the ``code`` filter keeps a backtick from closing it instead."""
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None
           ) -> pd.DataFrame:
    return con.execute(sqlfiles.query(f"report/{name}"), params or {}).df()


def _table(frame: pd.DataFrame, missing: str | None = None) -> dict:
    """Columns and rows for the templates' table macro; NULL cells become ``missing``."""
    rows = [[missing if (not isinstance(v, str) and pd.isna(v)) else v for v in row]
            for row in frame.itertuples(index=False)]
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def _days(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its date columns as ISO days (a missing one stays missing)."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d").astype(object)
    return frame


def _timeline(frame: pd.DataFrame) -> dict:
    """An article's verdict history (``sql/report/claim_timeline.sql``) for the templates: a
    table of the claims that changed after their first recorded check, every change a row (the
    claim named on its first), and how many recorded claims never changed."""
    changed = frame[frame["later_changes"] > 0]
    rows, previous = [], None
    for r in changed.itertuples(index=False):
        rows.append([r.claim_id if r.claim_id != previous else "", r.checked, r.verdict,
                     fmt(r.measured), r.data_as_of if isinstance(r.data_as_of, str) else "",
                     r.cause])
        previous = r.claim_id
    return {"columns": ["claim", "checked (UTC)", "verdict", "measured", "data as of", "cause"],
            "rows": rows, "claims": frame["claim_id"].nunique(),
            "steady": int((frame["later_changes"] == 0).sum())}


def _claim(r) -> dict:
    c = r.claim
    return {"id": c.id, "statement": c.statement, "measured_item": c.measured,
            "measured": r.measured_value, "measured_detail": r.measured_detail,
            "comparison": c.comparison, "verdict": r.verdict, "expected": c.expected,
            "changed": r.changed, "second": c.rounded_comparison, "second_kind": c.rounded_kind,
            "second_reading": c.rounded_reading, "second_verdict": r.rounded_verdict,
            "note": c.note, "data_as_of": r.as_of,
            "evidence": [{"item": i, "value": v, "detail": d} for i, v, d in r.evidence]}


# --- charts: each kind takes every number it draws from the article's metadata -------------

def _reference_lines(ax, spec: dict, x_left) -> None:
    for line in spec.get("reference_lines", []):
        ax.axhline(line["value"], color="black", linestyle="--", linewidth=1)
        ax.annotate(line["label"], (x_left, line["value"]), textcoords="offset points",
                    xytext=(0, 3), fontsize=8)


def _save(fig, ax, spec: dict, path: Path) -> None:
    import matplotlib.pyplot as plt

    ax.set_title(spec["title"])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def chart_bars(con, spec: dict, path: Path) -> None:
    """Bars of ``y`` over ``x``; ``highlight`` x values coloured and labelled with their value;
    ``reference_lines`` drawn across."""
    import matplotlib.pyplot as plt

    frame = _frame(con, spec["query"], spec.get("params")).dropna(subset=[spec["y"]])
    highlight = list(spec.get("highlight", []))
    colours = [HIGHLIGHT_COLOURS[highlight.index(x) % len(HIGHLIGHT_COLOURS)]
               if x in highlight else BASE_COLOUR for x in frame[spec["x"]]]
    fig, ax = plt.subplots(figsize=(11, 4.5))
    ax.bar(frame[spec["x"]], frame[spec["y"]], color=colours)
    if len(frame):
        _reference_lines(ax, spec, frame[spec["x"]].min())
    for x in highlight:
        row = frame[frame[spec["x"]] == x]
        if len(row):
            value = float(row[spec["y"]].iloc[0])
            ax.annotate(f"{x}: {value:+.2f}", (x, value), textcoords="offset points",
                        xytext=(0, 6 if value >= 0 else -12), ha="center", fontsize=8)
    ax.set_ylabel(spec["ylabel"])
    _save(fig, ax, spec, path)


def chart_stacked_bars_with_line(con, spec: dict, path: Path) -> None:
    """Bars of ``y`` over ``x`` stacked by ``stack``, and ``line`` on a second axis with the
    ``reference_lines``."""
    import matplotlib.pyplot as plt

    frame = _frame(con, spec["query"], spec.get("params"))
    pivot = frame.pivot_table(index=spec["x"], columns=spec["stack"], values=spec["y"],
                              aggfunc="sum", fill_value=0)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    bottom = pd.Series(0, index=pivot.index)
    order = [t for t in TIER_COLOURS if t in pivot] + [t for t in pivot if t not in TIER_COLOURS]
    for stack in order:
        ax.bar(pivot.index, pivot[stack], bottom=bottom, label=stack,
               color=TIER_COLOURS.get(stack))
        bottom = bottom + pivot[stack]
    ax.set_ylabel(spec["ylabel"])
    ax2 = ax.twinx()
    line = frame.drop_duplicates(spec["x"])[[spec["x"], spec["line"]]]
    ax2.plot(line[spec["x"]], line[spec["line"]], color="black", marker="o",
             label=spec["line_label"])
    if len(pivot):
        _reference_lines(ax2, spec, pivot.index.min())
    top = max([float(line[spec["line"]].max() or 0)]
              + [r["value"] for r in spec.get("reference_lines", [])])
    ax2.set_ylim(0, top * 1.12 or 1)
    ax2.set_ylabel(spec["line_label"])
    ax.legend(loc="upper center", fontsize=8)
    _save(fig, ax, spec, path)


def chart_lines_with_points(con, spec: dict, path: Path) -> None:
    """A line per column in ``lines`` over ``x``, and the ``points_query`` rows as labelled
    points."""
    import matplotlib.pyplot as plt

    frame = _frame(con, spec["query"], spec.get("params"))
    points = _frame(con, spec["points_query"], spec.get("points_params"))
    fig, ax = plt.subplots(figsize=(11, 4.5))
    for column in spec["lines"]:
        ax.plot(pd.to_datetime(frame[spec["x"]]), frame[column], label=f"table: {column}",
                color=TIER_COLOURS.get(column))
    ax.scatter(pd.to_datetime(points[spec["points_x"]]), points[spec["points_y"]],
               color="black", zorder=3, label="published")
    for row in points.itertuples(index=False):
        row = row._asdict()
        ax.annotate(str(row[spec["points_label"]]),
                    (pd.Timestamp(row[spec["points_x"]]), row[spec["points_y"]]),
                    textcoords="offset points", xytext=(-10, 6), fontsize=8)
    ax.set_ylabel(spec["ylabel"])
    ax.legend(fontsize=8)
    _save(fig, ax, spec, path)


def chart_grouped_bars(con, spec: dict, path: Path) -> None:
    """Bars of ``y`` over ``x``, side by side per ``group`` (one series if no ``group``), each
    labelled with its value and its ``n`` column; a missing value is labelled as such at zero
    rather than drawn."""
    import matplotlib.pyplot as plt

    frame = _frame(con, spec["query"], spec.get("params"))
    group = spec.get("group")
    groups = list(dict.fromkeys(frame[group])) if group else [None]
    groups = [g for g in TIER_COLOURS if g in groups] + [g for g in groups if g not in TIER_COLOURS]
    xs = list(dict.fromkeys(frame[spec["x"]]))
    width = 0.8 / len(groups)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    ax.axhline(0, color="black", linewidth=0.8)
    for i, g in enumerate(groups):
        part = frame if g is None else frame[frame[group] == g]
        part = part.set_index(spec["x"]).reindex(xs)
        positions = [k + (i - (len(groups) - 1) / 2) * width for k in range(len(xs))]
        values = pd.to_numeric(part[spec["y"]], errors="coerce")
        ax.bar(positions, values.fillna(0), width=width, label=g,
               color=TIER_COLOURS.get(g, "#444444") if g is not None else BASE_COLOUR)
        for pos, value, n in zip(positions, values, part[spec["n"]], strict=True):
            n = 0 if pd.isna(n) else int(n)
            text = f"{MISSING} (n={n})" if pd.isna(value) else f"{value:+.1f} (n={n})"
            ax.annotate(text, (pos, 0 if pd.isna(value) else value), textcoords="offset points",
                        xytext=(0, 3 if pd.isna(value) or value >= 0 else -3), ha="center",
                        va="bottom" if pd.isna(value) or value >= 0 else "top",
                        rotation=90 if group else 0, fontsize=6 if group else 8)
    ax.set_xticks(range(len(xs)), [str(x) for x in xs])
    drawn = pd.to_numeric(frame[spec["y"]], errors="coerce").dropna()
    low, high = min([0.0, *drawn]), max([0.0, *drawn])
    room = (high - low or 1) * 0.3  # space for the labels above and below the bars
    ax.set_ylim(low - room if low < 0 else low - room / 6, high + room)
    ax.set_ylabel(spec["ylabel"])
    if group:
        ax.legend(fontsize=8, ncols=len(groups))
    _save(fig, ax, spec, path)


def chart_lines(con, spec: dict, path: Path) -> None:
    """A line per column of ``lines`` (column -> label) over the dates in ``x``; a NULL value
    is a gap in its line, not a point at zero."""
    import matplotlib.pyplot as plt

    frame = _frame(con, spec["query"], spec.get("params"))
    fig, ax = plt.subplots(figsize=(11, 4.5))
    for column, label in spec["lines"].items():
        ax.plot(pd.to_datetime(frame[spec["x"]]), pd.to_numeric(frame[column]), label=label,
                linewidth=1)
    ax.set_ylabel(spec["ylabel"])
    ax.legend(fontsize=8)
    _save(fig, ax, spec, path)


# the kinds an article's metadata may name (hkpipe.articles.CHART_KINDS)
CHARTS = {"bars": chart_bars, "stacked_bars_with_line": chart_stacked_bars_with_line,
          "lines_with_points": chart_lines_with_points}
# the kinds the report's own sections use
IPO_CHART_KINDS = {"grouped_bars": chart_grouped_bars, "lines": chart_lines}


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

"""Issue 22 item 17: report.md carries no raw HTML from article.toml, the ledgers or an
import's file name; like report.html, it shows such text escaped."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from hkpipe.cli import main
from tests.fakes.common import SEEDS
from tests.fakes.errors import rewrite_csv

ARTICLE = "globaltimes-2026-01-04"
TITLE = "<script>alert(1)</script> & co"


def seeds_with_html(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    toml = seeds / "articles" / ARTICLE / "article.toml"
    text = toml.read_text(encoding="utf-8")
    for key in ("outlet", "text", "note", "title"):  # passages, charts and tables too
        text = re.sub(rf'^{key} = "(?!")', f'{key} = "<b onclick=x>{key}</b> ', text,
                      flags=re.M)
    text = text.replace('title = ""', f'title = "{TITLE}"', 1)  # the article's own
    text = text.replace('provenance = """', 'provenance = """<iframe src=x></iframe> ', 1)
    toml.write_text(text, encoding="utf-8")
    def edit(rows):
        for row in rows:
            row["statement"] = "<img src=x onerror=alert(2)> " + row["statement"]
            row["note"] = "<a href=javascript:x>note</a> " + row["note"]
            if row["rounded_reading"]:
                row["rounded_reading"] = "<s>reading</s> " + row["rounded_reading"]

    rewrite_csv(seeds / "articles" / ARTICLE / "claims.csv", edit)
    return seeds


def test_report_md_escapes_html_from_articles_ledgers_and_file_names(built_settings,
                                                                     tmp_path, capsys):
    seeds = seeds_with_html(tmp_path)
    wh = str(built_settings.warehouse)
    export = tmp_path / "<img src=x onerror=alert(3)>.csv"
    export.write_text("date,close\n2025-12-09,8110\n")
    assert main(["import-prices", "--symbol", "HKEXT100", str(export), "--seeds-dir",
                 str(seeds), "--warehouse", wh]) == 0, capsys.readouterr().err
    out = tmp_path / "report"
    code = main(["report", "--no-data-docs", "--out", str(out), "--seeds-dir", str(seeds),
                 "--warehouse", wh])
    assert code in (0, 1), capsys.readouterr().err
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in md
    assert "import:&lt;img src=x onerror=alert(3)&gt;.csv" in md
    for shown in ("&lt;b onclick=x&gt;outlet&lt;/b&gt;", "&lt;b onclick=x&gt;text&lt;/b&gt;",
                  "&lt;b onclick=x&gt;note&lt;/b&gt;", "&lt;iframe src=x&gt;",
                  "&lt;img src=x onerror=alert(2)&gt;", "&lt;a href=javascript:x&gt;",
                  "&lt;s&gt;reading&lt;/s&gt;"):
        assert shown in md, shown
    # Outside code spans (where Markdown shows text as it is) no < or > is left at all: the
    # templates write none themselves, so each would be input passed through raw.
    prose = re.sub(r"`[^`\n]*`", "", md)
    assert "<" not in prose and ">" not in prose, [line for line in prose.splitlines()
                                                   if "<" in line or ">" in line][:5]
    # comparisons stay readable in their code spans
    assert "`change > 2.8`" in md
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_markdown_text_escapes_the_three_characters():
    from hkpipe.report import markdown_text

    assert markdown_text("a < b > c & d") == "a &lt; b &gt; c &amp; d"
    assert markdown_text("&lt;") == "&amp;lt;"  # an entity in the input is shown as typed
    assert markdown_text(12.5) == "12.5"

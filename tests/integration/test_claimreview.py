"""ClaimReview export (issue 24, item 3): `hkpipe report` writes articles/<id>/claims.jsonld, one
schema.org ClaimReview per claim of every article, and embeds it in the HTML report.

The shape is checked here against schema.org's and Google's ClaimReview requirements, written
out in this file (types, required properties, the rating inside its scale), not against the
module's own constants."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import date

import pytest

from hkpipe import articles, jobs
from hkpipe.errors import InputError
from hkpipe.settings import Settings
from tests.fakes.common import SEEDS, make_settings

pytestmark = pytest.mark.xdist_group("claimreview-report")

AUTHOR, AUTHOR_URL = "Test Fact Desk", "https://factdesk.example.org/"
REPLAY_DAY = "2026-05-04T18:00:00+08:00"  # the check day the reviews must carry
# The documented scale (docs/ledgers.md): fails 1, holds 2; unverifiable is not rated.
SCALE = {"fails": 1, "holds": 2}


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("claimreview")
    settings = replace(make_settings(tmp), review_author=AUTHOR, review_author_url=AUTHOR_URL,
                       now=REPLAY_DAY)
    shutil.copyfile(built, settings.warehouse)
    outcome, rep = jobs.report(settings, tmp / "rep", data_docs=False)
    return outcome, rep


def check_review(review: dict, article, result) -> None:
    assert review["@context"] in ("https://schema.org", "http://schema.org")
    assert review["@type"] == "ClaimReview"
    for prop in ("claimReviewed", "itemReviewed", "reviewRating", "datePublished", "author",
                 "reviewBody"):
        assert review.get(prop), f"{result.claim.key}: {prop} missing"
    assert review["claimReviewed"] == result.claim.statement
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    appearance = item["appearance"]
    assert appearance["author"] == {"@type": "Organization", "name": article.outlet}
    assert appearance["datePublished"] == article.date.isoformat()
    assert appearance.get("url", "") == article.address  # present exactly when known
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["alternateName"] == result.verdict
    if result.verdict == "unverifiable":
        assert "ratingValue" not in rating  # nothing invented: no number the data cannot give
        assert review["reviewBody"].startswith("Unverifiable")
    else:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["ratingValue"] == SCALE[result.verdict]
        assert (rating["worstRating"], rating["bestRating"]) == (1, 2)
    assert date.fromisoformat(review["datePublished"]) == date(2026, 5, 4)
    assert review["author"] == {"@type": "Organization", "name": AUTHOR, "url": AUTHOR_URL}


def test_every_claim_of_every_article_is_one_claimreview(rendered):
    outcome, rep = rendered
    every = articles.read_all(SEEDS)
    assert len(rep.reviews) == len(every)
    by_key = {r.claim.key: r for r in outcome.claims}
    for article in every:
        path = rep.out_dir / "articles" / article.id / "claims.jsonld"
        reviews = json.loads(path.read_text(encoding="utf-8"))
        assert [r["identifier"] for r in reviews] == [c.key for c in article.claims]
        for review in reviews:
            check_review(review, article, by_key[review["identifier"]])


def test_the_measured_value_is_in_the_review_body(rendered):
    outcome, rep = rendered
    gain = next(r for r in outcome.claims if r.claim.id == "hsi_first_day_2026_gain_over_2_8pct")
    reviews = json.loads((rep.out_dir / "articles" / gain.claim.article_id
                          / "claims.jsonld").read_text(encoding="utf-8"))
    body = next(r["reviewBody"] for r in reviews if r["identifier"] == gain.claim.key)
    assert f"change = {gain.measured_value:.2f}" in body
    assert "fails" in body


def test_the_html_embeds_each_articles_jsonld_and_the_markdown_links_it(rendered):
    _, rep = rendered
    html = rep.html.read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    written = [json.loads(p.read_text(encoding="utf-8")) for p in rep.reviews]
    assert [json.loads(b) for b in blocks] == written
    md = rep.markdown.read_text(encoding="utf-8")
    for path in rep.reviews:
        href = path.relative_to(rep.out_dir).as_posix()
        assert f"]({href})" in md and f'href="{href}"' in html


def test_a_statement_cannot_close_the_script_element(rendered, tmp_path):
    """Ledger text goes into a <script> block: '</script>' in it must stay inside the JSON."""
    outcome, rep = rendered
    first = outcome.claims[0]
    evil = replace(first, claim=replace(first.claim, statement="a </script><b>x</b> & y"))
    from hkpipe import report
    from hkpipe.warehouse import reads

    con = reads.open_current(outcome.warehouse)
    try:
        again = report.build(con, outcome.articles, [evil, *outcome.claims[1:]], [],
                             tmp_path, checked_on=date(2026, 5, 4), data_docs=False)
    finally:
        con.close()
    html = again.html.read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == len(outcome.articles)
    assert json.loads(blocks[0])[0]["claimReviewed"] == "a </script><b>x</b> & y"


def test_the_author_address_must_be_an_address(monkeypatch, tmp_path):
    monkeypatch.setenv("HKPIPE_REVIEW_AUTHOR_URL", "not a url")
    with pytest.raises(InputError, match="HKPIPE_REVIEW_AUTHOR_URL"):
        Settings.from_env(warehouse=tmp_path / "w.duckdb")
    monkeypatch.setenv("HKPIPE_REVIEW_AUTHOR_URL", "")
    monkeypatch.setenv("HKPIPE_REVIEW_AUTHOR", "Desk")
    assert Settings.from_env(warehouse=tmp_path / "w.duckdb").review_author == "Desk"

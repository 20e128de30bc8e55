"""schema.org ``ClaimReview`` for every claim of an article: the report's ``claims.jsonld``.

Fact-checks are exchanged as ClaimReview (https://schema.org/ClaimReview); search engines and
fact-check aggregators read it. One review per ledger claim, built only from the article's
metadata (``article.toml``), the ledger row and its measured result:

- ``claimReviewed``: the ledger's ``statement`` (the source's words);
- ``itemReviewed``: a ``Claim`` whose ``appearance`` is the article (``author`` the outlet,
  ``datePublished``, ``url`` and ``headline`` only where ``article.toml`` holds them);
- ``reviewRating``: a ``Rating`` whose ``alternateName`` is the verdict, on the scale
  ``RATING_SCALE`` (fails 1, holds 2). An unverifiable claim gets no ``ratingValue``: the data
  cannot decide it, and a number between true and false would say it is half true. Google's
  ClaimReview guidelines require only ``alternateName``;
- ``reviewBody``: the measured value and the comparison in words, the data's as-of date, the
  second reading where the ledger gives one, and the ledger's note;
- ``datePublished``: the day of the check; ``author``: the publishing organisation
  (``HKPIPE_REVIEW_AUTHOR``, ``HKPIPE_REVIEW_AUTHOR_URL``).

Built by hand rather than with a JSON-LD library: the output is a fixed shape of plain JSON
objects, and pyld (the well-kept one) expands and compacts documents, which this does not need.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..checks import claims as claims_module

CONTEXT = "https://schema.org"
# the numeric rating of each verdict a check can reach; unverifiable has none (see above)
RATING_SCALE = {"fails": 1, "holds": 2}
WORST, BEST = min(RATING_SCALE.values()), max(RATING_SCALE.values())
FILE_NAME = "claims.jsonld"


def reviews(article, results: list, *, checked_on: date, author: str,
            author_url: str = "") -> list[dict]:
    """One ClaimReview per result of ``article``'s claims, in ledger order."""
    publisher = {"@type": "Organization", "name": author}
    if author_url:
        publisher["url"] = author_url
    appearance = {"@type": "CreativeWork",
                  "author": {"@type": "Organization", "name": article.outlet},
                  "datePublished": article.date.isoformat()}
    if article.address:
        appearance["url"] = article.address
    if article.title:
        appearance["headline"] = article.title
    return [_review(r, appearance, publisher, checked_on) for r in results
            if r.claim.article_id == article.id]


def _review(result, appearance: dict, publisher: dict, checked_on: date) -> dict:
    claim = result.claim
    rating = {"@type": "Rating", "alternateName": result.verdict}
    if result.verdict in RATING_SCALE:
        rating |= {"ratingValue": RATING_SCALE[result.verdict], "worstRating": WORST,
                   "bestRating": BEST}
    else:
        rating["ratingExplanation"] = ("unverifiable: the data this project holds cannot "
                                       "decide the claim, so it is not rated")
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "identifier": claim.key,
        "claimReviewed": claim.statement,
        "itemReviewed": {"@type": "Claim", "appearance": appearance,
                         "author": appearance["author"],
                         "datePublished": appearance["datePublished"]},
        "reviewRating": rating,
        "reviewBody": review_body(result),
        "datePublished": checked_on.isoformat(),
        "author": publisher,
    }


def review_body(result) -> str:
    """The measurement and the verdict in words; for an unverifiable claim, what is missing."""
    from . import fmt

    claim = result.claim
    if result.verdict == "unverifiable":
        items = {i: v for i, v, _ in result.evidence}
        try:
            needed = sorted(claims_module.item_names(claim.comparison))
        except ValueError:
            needed = []
        missing = [n for n in needed if items.get(n) is None]
        text = ("Unverifiable: the data this project holds lacks "
                + (", ".join(missing) if missing else "what the comparison needs")
                + f", which the reading '{claim.comparison}' needs, so no verdict is given.")
    else:
        text = (f"Measured {claim.measured} = {fmt(result.measured_value)} "
                f"({result.measured_detail}). Read as '{claim.comparison}', the claim "
                f"{result.verdict}.")
    if result.as_of:
        text += f" Data as of {result.as_of}."
    if claim.rounded_comparison and result.rounded_verdict:
        text += (f" Second reading ({claim.rounded_kind or 'rounded'}, "
                 f"'{claim.rounded_comparison}'): {result.rounded_verdict}.")
    if claim.note:
        text += f" {claim.note}"
    return text


def write(path: Path, items: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path

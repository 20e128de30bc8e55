"""Draft a claim ledger from an article's plain text (``hkpipe claims draft``).

``find_statements`` finds the numeric statements of a text, each with its character span
(``start``, ``end``: offsets into the text as decoded, a UTF-8 byte-order mark dropped) and its
kind: ``percent`` ("2.8 percent", "15%"), ``amount`` ("HK$1.2 billion"), ``count`` ("400
companies", "six innovative industries"), ``comparative`` ("best start since 2013", "record",
"highest", "more frontier tech firms"; "more than", "over", "at least" are read as part of the
quantity they qualify), ``date`` ("May 2025", "end of last year", "2026-01-04") and ``year``
("2013"). ``draft`` turns them into a draft ``article.toml`` and ``claims.csv``: one candidate
row per percent, amount, count or comparative, and per date that stands alone in its sentence
or follows an event verb ("launched in May 2025"); other dates and years are context only.
``suggest_kind`` proposes the row's ``query`` from ``KIND_RULES``, the one keyword-to-claim-kind
table, or leaves it blank.

Regular expressions suffice here, and no quantity library (such as quantulum3) is used: the
statements are English financial prose with a small closed set of units (percent and
percentage points, HK$/US$/RMB amounts in million or billion, counts of companies, firms or
listings, years and months), which a few patterns cover exactly and testably, while a general
unit parser would add a dependency and still not know the comparatives or the claim kinds.

A draft is never a verdict: ``expected`` is always empty, as are ``params``, ``measured`` and
``comparison``, and the article's outlet and date, which the text does not give. The loader
(``hkpipe.articles``) refuses the folder, naming the first field missing, until a person has
reviewed and filled them in, so ``load-seeds``, ``run`` and ``check`` exit 2 meanwhile.
"""

from __future__ import annotations

import bisect
import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .articles import ARTICLE_ID, ARTICLES_DIR
from .checks import claims as claims_module
from .errors import InputError, reading

# The ledger's columns in the order the bundled ledgers write them (claims.py holds the rule
# of which are required; this is only their order).
LEDGER_COLUMNS = ["id", "statement", "query", "params", "measured", "comparison",
                  "rounded_comparison", "rounded_kind", "rounded_reading", "expected", "note",
                  "vary"]
CANDIDATE_KINDS = ("percent", "amount", "count", "comparative")

# --- the patterns -------------------------------------------------------------------------

_YEAR = r"(?:19|20)\d{2}"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_WORD_NUM = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
             r"twenty|thirty|forty|fifty|a\s+hundred|hundreds\s+of|dozens\s+of|a\s+dozen)")
_MODIFIER = (r"(?i:(?:(?:more|fewer|less)\s+than|over|above|below|under|at\s+least|at\s+most|"
             r"up\s+to|nearly|almost|about|around|roughly|approximately|close\s+to|some|"
             r"just\s+(?:over|under)|a\s+record(?:\s+high\s+of)?|record)\s+)")
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|mn|tn)\b)"
_CURRENCY = r"(?:(?:HK|US)?\$\s?|(?:RMB|HKD|USD|CNY)\s?)"
_CURRENCY_AFTER = r"(?:\s+(?:yuan|Hong\s+Kong\s+dollars|US\s+dollars|dollars|HKD|USD|RMB)\b)"
_PERCENT = (r"(?:\s?%|\s+per\s?cent\b|\s+percentage\s+points?\b|\s+basis\s+points?\b"
            r"|\s+bps\b)")
_COUNTED = (r"(?:companies|company|firms|firm|listings|IPOs|issuers|stocks|shares|enterprises|"
            r"businesses|industries|sectors|deals|applications|applicants|constituents|"
            r"investors|points|members|times|days|sessions|weeks|months|years)")
# up to three words (or an ellipsis) between a number and what it counts: "400 new-economy
# companies", "100 ... companies"
_BETWEEN = r"(?:\s+(?:[A-Za-z][\w'-]*|\.\.\.|\u2026)){0,3}?"
_MONTH = (r"(?:(?:January|February|March|April|May|June|July|August|September|October|"
          r"November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?)")
_PART = (r"(?:end|start|beginning|middle|close|first\s+half|second\s+half|"
         r"(?:first|second|third|fourth)\s+quarter)")
_EVENT = (r"(?:launch(?:ed|es)?|introduc(?:ed|es)|debut(?:ed|s)?|took\s+effect|came\s+into\s+"
          r"effect|started|began|unveiled|rolled\s+out|went\s+live|opened)")

_PATTERNS: list[tuple[str, re.Pattern]] = [(kind, re.compile(p)) for kind, p in [
    ("amount", rf"(?<![\w$.]){_MODIFIER}?{_CURRENCY}{_NUM}{_SCALE}?"),
    ("amount", rf"(?<![\w$.]){_MODIFIER}?{_NUM}{_SCALE}?{_CURRENCY_AFTER}"),
    ("percent", rf"(?<![\w$.]){_MODIFIER}?{_NUM}{_PERCENT}"),
    ("count", rf"(?<![\w$.]){_MODIFIER}?{_NUM}{_SCALE}?{_BETWEEN}\s+{_COUNTED}\b"),
    ("count", rf"\b{_MODIFIER}?{_WORD_NUM}{_BETWEEN}\s+{_COUNTED}\b"),
    ("comparative", r"\b(?:best|worst|biggest|largest|strongest|weakest|highest|lowest|"
                    r"fastest|slowest|most|least)\b(?:\s+[\w-]+){0,3}?\s+(?:since\s+"
                    rf"(?:{_MONTH}\s+)?{_YEAR}|in\s+(?:(?:more\s+than|over|nearly|almost)\s+)?"
                    r"(?:a\s+decade|[\w-]+\s+(?:years|decades|months))|on\s+record|ever)\b"),
    ("comparative", r"\b(?:more|fewer)\s+(?!than\b)(?:[A-Za-z][\w-]*\s+){0,3}?"
                    rf"{_COUNTED}\b"),
    ("comparative", r"\b(?:all-time\s+(?:high|low)|record(?:-(?:high|low|breaking))?"
                    r"(?:\s+(?:high|low))?|highest|lowest)\b"),
    ("date", r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])"),
    ("date", rf"\b(?:(?:the\s+)?{_PART}\s+of\s+)?(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}"
             rf"(?:st|nd|rd|th)?\b)(?:,?\s+{_YEAR})?"),
    ("date", rf"\b(?:(?:the\s+)?{_PART}\s+of\s+)?{_MONTH}\s+{_YEAR}\b"),
    # a month alone only after a preposition (so "may" and "March" as words are not dates); a
    # pattern's group "s", where it has one, is the statement's span
    ("date", r"\b(?:in|of|since|from|by|until|before|after|last|next|this|early|late)\s+"
             rf"(?P<s>(?:mid-)?{_MONTH})(?!\s*\d)"),
    ("date", rf"\b(?:the\s+)?{_PART}\s+of\s+(?:(?:the\s+|last\s+|this\s+|next\s+)?"
             rf"(?:year|quarter|month)|{_YEAR})\b"),
    ("date", r"\b(?:last|this|next)\s+(?:year|quarter|month|week)\b|\byear-to-date\b"),
    ("date", rf"\b(?:H[12]|Q[1-4]|mid-)\s?{_YEAR}\b"),
    ("year", rf"(?<![\w.$,-]){_YEAR}(?![\w%-]|\.\d|\s*(?:%|per\s?cent))"),
]]
_PRIORITY = {kind: i for i, kind in enumerate(
    ("amount", "percent", "count", "comparative", "date", "year"))}

# --- the keyword-to-claim-kind table --------------------------------------------------------
# One place: each rule names a claim kind (a file in sql/claims/), the statement kinds it
# fits, and the pattern searched in the statement's own stretch of its sentence (from the
# previous candidate's end to the next one's start). Order matters: the first that fits wins.
# It is a module constant, not a data file, because its patterns are regular expressions that
# only this module reads: kept beside the code they work with, compiled and tested once at
# import; tests/unit/test_drafts.py checks each kind names a file in sql/claims/ and that
# docs/ledgers.md shows each rule's row as it is here.
_SHARE = r"(?:%|\bper\s?cent|\bpercent)\s+of\s+(?:(?:all|total|the|its|this\s+year's)\s+)*"
KIND_RULES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    # (claim kind, statement kinds, keywords in words, pattern)
    ("best_start_since", ("comparative",), "best start since",
     r"\bbest\s+(?:\w+\s+)?start\s+since\b"),
    ("first_day_vs_benchmark", ("percent", "comparative"),
     "first trading day/session ... outperformed, or than the benchmark/index",
     r"\bfirst\s+(?:trading\s+)?(?:day|session)\b.*\b(?:outperform\w*|than\s+the\s+(?:benchmark"
     r"|index|Hang\s+Seng|HSI))|\b(?:outperform\w*|than\s+the\s+(?:benchmark|index))\b.*"
     r"\bfirst\s+(?:trading\s+)?(?:day|session)\b"),
    ("first_day_change", ("percent",), "... percent on the first trading day/session",
     r"\bfirst\s+(?:trading\s+)?(?:day|session)\b|\bfirst\s+day\s+of\s+trading\b"),
    ("ipo_funds_share", ("percent",), "% of IPO funds/proceeds, % of funds raised",
     _SHARE + r"(?:(?:\d{4}|this|last)\s+)?(?:IPO|listing)s?\s+(?:funds|proceeds)|"
     + _SHARE + r"funds\s+raised"),
    ("listed_share", ("percent",), "% of all listed firms/companies/issuers",
     _SHARE + r"(?:(?:listed|Hong\s+Kong-listed)\s+(?:firms|companies|issuers)|"
              r"(?:firms|companies|issuers)\s+listed)"),
    ("no_source", ("percent",), "% of market capitalisation/value or turnover (no source holds "
     "them)", _SHARE + r"(?:(?:Hong\s+Kong(?:'s)?|the)\s+)?(?:market\s+(?:capitali[sz]ation|value|"
                       r"cap)|turnover)"),
    ("published_count", ("count",), "companies listed since the reform, via Chapter 18A",
     r"\bsince\s+(?:the\s+)?(?:\d{4}\s+)?(?:listing\s+)?reform\b|\bChapter\s+18A\b"),
    ("new_economy_count", ("count",), "new-economy companies/firms ... listed",
     r"\bnew[- ]economy\s+(?:companies|firms|issuers|enterprises)\b.*\blisted\b"),
    ("index_constituents", ("count",), "an index tracks/comprises N companies or constituents",
     r"\b(?:tracks|tracking|comprises|constituents?)\b"),
    ("listings_vs_prior_year", ("comparative",),
     "more/fewer ... listings/listed, than last year/a year earlier",
     r"\b(?:more|fewer)\b.*\blist(?:ings?|ed)\b|\bthan\s+(?:a\s+year\s+(?:earlier|ago)|"
     r"last\s+year|in\s+\d{4})"),
    ("event_date", ("date", "year"),
     "launched, introduced, took effect, began, went live ... a date",
     rf"\b{_EVENT}\b"),
)
_RULES = [(kind, set(fits), re.compile(pattern, re.IGNORECASE | re.DOTALL))
          for kind, fits, _, pattern in KIND_RULES]


@dataclass(frozen=True)
class Statement:
    """A numeric statement: its words, span in the text, kind, and the sentence holding it."""
    text: str
    start: int
    end: int
    kind: str
    sentence: str  # the sentence as in the text
    sentence_start: int
    # the stretch of the sentence the statement's claim kind is read from: from the previous
    # candidate's end to the next one's start (offsets into the text)
    context: tuple[int, int] = (0, 0)
    row: bool = False  # whether it becomes a ledger row (a candidate claim)

    @property
    def candidate(self) -> bool:
        return self.kind in CANDIDATE_KINDS

    @property
    def context_text(self) -> str:
        a, b = self.context
        return self.sentence[a - self.sentence_start:b - self.sentence_start]


# a sentence ends at . ! ? (and closing quotes) before whitespace and a capital, digit or
# quote, or at a blank line; not after a few abbreviations
_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Prof", "Inc", "Ltd", "Co", "Corp", "No", "vs", "St",
                  "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
                  "Dec", "e.g", "i.e", "U.S", "approx")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[A-Z0-9])"
                           r"|\n[ \t\r]*\n")


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` as (start, end) spans, surrounding whitespace left out."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if text[start:match.start()].rstrip().endswith(tuple(f" {a}." for a in _ABBREVIATIONS)
                                                       + tuple(f"\n{a}." for a in
                                                               _ABBREVIATIONS)):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        a, b = a + lead, a + len(piece.rstrip())
        if a < b:
            out.append((a, b))
    return out


def find_statements(text: str) -> list[Statement]:
    """Every numeric, comparative and date statement of ``text``, in order, none overlapping
    (where two matches overlap the longer one is kept; at equal length the quantity)."""
    found = []
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        matches = []
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(sentence):
                a, b = m.span("s") if "s" in pattern.groupindex else m.span()
                if b > a:
                    matches.append((a, b, kind))
        matches.sort(key=lambda m: (-(m[1] - m[0]), _PRIORITY[m[2]], m[0]))
        kept: list[tuple[int, int, str]] = []  # sorted by start, none overlapping
        for m in matches:
            i = bisect.bisect(kept, m)
            if (i == 0 or kept[i - 1][1] <= m[0]) and (i == len(kept) or kept[i][0] >= m[1]):
                kept.insert(i, m)
        statements = [Statement(sentence[a:b], s_start + a, s_start + b, kind, sentence, s_start)
                      for a, b, kind in kept]
        chosen = _rows_of(statements)
        number = {c.start: i for i, c in enumerate(chosen)}
        for s in statements:
            i = number.get(s.start)
            if i is not None:
                before = chosen[i - 1].end if i else s_start
                after = chosen[i + 1].start if i + 1 < len(chosen) else s_end
            else:
                before, after = s_start, s_end
            found.append(Statement(s.text, s.start, s.end, s.kind, sentence, s_start,
                                   (before, after), i is not None))
    return found


def _rows_of(in_sentence: list[Statement]) -> list[Statement]:
    """The statements of one sentence that become ledger rows."""
    any_candidate = any(s.candidate for s in in_sentence)
    first_date = next((s for s in in_sentence if s.kind in ("date", "year")), None)
    chosen = []
    for s in in_sentence:
        if s.candidate:
            chosen.append(s)
        elif s.kind in ("date", "year"):
            # a date is its own claim where nothing else in the sentence is, or after an
            # event verb ("launched in May 2025")
            before = s.sentence[max(0, s.start - s.sentence_start - 80):
                                s.start - s.sentence_start]
            if (not any_candidate and s is first_date) or re.search(
                    rf"\b{_EVENT}\s+(?:\w+\s+){{0,2}}$", before, re.IGNORECASE):
                chosen.append(s)
    return chosen


def candidates(statements: list[Statement]) -> list[Statement]:
    """The statements that become ledger rows."""
    return [s for s in statements if s.row]


def suggest_kind(statement: Statement) -> str:
    """The claim kind (a file name in sql/claims/) ``KIND_RULES`` suggests for a statement,
    or "" where no rule fits."""
    words = statement.context_text or statement.sentence
    for kind, fits, pattern in _RULES:
        if statement.kind in fits and pattern.search(words):
            return kind
    return ""


def _rule_words(kind: str) -> str:
    return next(words for k, _, words, _ in KIND_RULES if k == kind)


# --- the draft -------------------------------------------------------------------------------

def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL is escaped too)."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _words(text: str) -> str:
    return " ".join(text.split())


# A row's statement is its sentence; in a longer one (a text without full stops), the words
# around the statement, so that a ledger row stays a line a reader can check.
MAX_STATEMENT = 400


def _statement_words(s: Statement) -> str:
    if len(s.sentence) <= MAX_STATEMENT:
        return _words(s.sentence)
    side = (MAX_STATEMENT - len(s.text)) // 2
    a = max(s.sentence_start, s.start - max(side, 0))
    b = min(s.sentence_start + len(s.sentence), s.end + max(side, 0))
    offset = s.sentence_start
    return (("..." if a > offset else "") + _words(s.sentence[a - offset:b - offset])
            + ("..." if b < offset + len(s.sentence) else ""))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].rstrip("_")


@dataclass(frozen=True)
class Row:
    id: str
    statement: Statement
    query: str


def rows(text: str) -> list[Row]:
    """The draft's candidate rows, numbered in text order."""
    found = candidates(find_statements(text))
    return [Row(f"draft_{n:02d}_{_slug(s.text)}".rstrip("_"), s, suggest_kind(s))
            for n, s in enumerate(found, 1)]


def draft(text: str, article_id: str, source: str = "the article's text") -> tuple[str, str]:
    """The draft ``article.toml`` and ``claims.csv`` for ``text`` (``source`` names the file in
    the notes). ``expected``, ``measured``, ``comparison``, ``outlet`` and ``date`` are left
    for a person to fill in; a query is suggested only where ``KIND_RULES`` fits."""
    drafted = rows(text)
    by_sentence: dict[int, list[Row]] = {}
    for row in drafted:
        by_sentence.setdefault(row.statement.sentence_start, []).append(row)
    head = [
        f"# DRAFT written by `hkpipe claims draft` from {source}; NOT REVIEWED.",
        "# The text does not say who published it or when, so outlet is empty and date is",
        "# missing: never guessed. Until a person fills in outlet, date and provenance here,",
        "# and in claims.csv each row's query (where blank), params, measured, comparison and",
        "# expected, the loader refuses this folder (exit 2 naming the first missing field),",
        "# so load-seeds, run and check refuse the seeds. Delete rows that are not claims.",
        f"id = {_toml_string(article_id)}",
        'outlet = ""',
        "# date = YYYY-MM-DD  (the publication date, a TOML date: to be filled in)",
        'title = ""',
        'address = ""',
        "provenance = " + _toml_string(
            f"DRAFT, not reviewed: passages and candidate claims found by `hkpipe claims "
            f"draft` in {source}. Outlet, date, title and address are not in the text and are "
            "left for a person to fill in, with where each comes from."),
    ]
    for row_list in by_sentence.values():
        s = row_list[0].statement
        head += ["", "[[passages]]", 'kind = "quoted"',
                 f"text = {_toml_string(_words(s.sentence))}",
                 "claims = [" + ", ".join(_toml_string(r.id) for r in row_list) + "]",
                 "note = " + _toml_string(f"characters {s.sentence_start}-"
                                          f"{s.sentence_start + len(s.sentence)} of {source}")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=LEDGER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in drafted:
        s = row.statement
        if row.query:
            declared = ", ".join(f"{n} {t}" for n, t in
                                 claims_module.declared_params(row.query).items())
            why = (f"query suggested by the keywords '{_rule_words(row.query)}'; it declares "
                   f"params {declared or 'none'}")
        else:
            why = "no claim kind suggested: choose a query in sql/claims/"
        writer.writerow({
            "id": row.id, "statement": _statement_words(s), "query": row.query,
            "note": f"DRAFT, not reviewed: found '{_words(s.text)}' ({s.kind}, characters "
                    f"{s.start}-{s.end} of {source}); {why}. Fill in params, measured, "
                    "comparison and expected after review.",
        } | {c: "" for c in ("params", "measured", "comparison", "rounded_comparison",
                             "rounded_kind", "rounded_reading", "expected")})
    return "\n".join(head) + "\n", out.getvalue()


def read_text(path: Path) -> str:
    """An article's text, UTF-8; InputError naming the file (and the byte) otherwise."""
    path = Path(path)
    with reading(path, "text file"):
        raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                         f"{exc.start}); save the article as UTF-8",
                         line=raw[:exc.start].count(b"\n") + 1) from None
    if "\x00" in text:
        raise InputError(path, "contains NUL bytes; not a text file")
    return text


def write(seeds_dir: Path, article_id: str, text: str, *, source: str = "the article's text",
          force: bool = False, path: Path | None = None) -> tuple[Path, list[Row]]:
    """Write the draft folder ``seeds_dir/articles/<article_id>/``; refuse an existing one
    unless ``force`` (then its article.toml and claims.csv are replaced, nothing else).
    ``source`` names the text in the draft's notes, ``path`` (default ``source``) in errors."""
    if not ARTICLE_ID.fullmatch(article_id):
        raise InputError(None, f"{article_id!r} is not an article id (letters, digits, _ . -; "
                         "not starting with . _ or -)", field="--article")
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise InputError(seeds_dir, "no such seeds folder")
    folder = seeds_dir / ARTICLES_DIR / article_id
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, "exists and is not a folder; an article is a folder")
    if folder.exists() and not force:
        raise InputError(folder, "already exists; a draft does not overwrite an article folder "
                         "(give --force to replace its article.toml and claims.csv)")
    drafted = rows(text)
    if not drafted:
        raise InputError(path or source, "no numeric, comparative or date statement found; "
                         "nothing written")
    toml_text, csv_text = draft(text, article_id, source)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (("article.toml", toml_text), ("claims.csv", csv_text)):
        tmp = folder / f".{name}.draft"
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, folder / name)
    return folder, drafted

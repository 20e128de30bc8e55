"""``hkpipe listings propose``: the seed rows the candidates awaiting review would add or close.

A candidate listing becomes a new row of ``seeds/new_economy_listings.csv``: HKEX's short name,
the board, the markers, the proposed tier (``core`` for a B, P or W marker; otherwise ``none``
with "industry unknown" in ``basis``, as seeds/NEW_ECONOMY.md asks where sourced facts cannot
decide) and, as its listing date, the first session with stored bars (the List of Securities
holds no listing date), or the first list it was on where no bar is stored yet. A candidate
delisting closes its row: ``delisting_date`` becomes the first stored list it was missing from,
an upper bound, as the curated table's other upper bounds are. Every ``basis`` says where the
row came from and that it awaits review.

With ``write`` the rows go into the CSV (new rows appended, closed rows changed in place, every
other line byte for byte as it was), after the whole seeds folder so changed has passed the
loader in a scratch copy; a person reviews the diff and corrects the sourced facts.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import seeds
from .errors import InputError
from .settings import Settings
from .warehouse import discovery, reads

AWAITS = seeds.AWAITS_REVIEW


@dataclass
class Proposal:
    added: list[dict] = field(default_factory=list)  # new seed rows
    closed: list[tuple[int, dict]] = field(default_factory=list)  # (file line, changed row)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"add   {_csv_line(r)}" for r in self.added]
        out += [f"close line {line}: {_csv_line(r)}" for line, r in self.closed]
        return out + self.notes


def propose(settings: Settings) -> Proposal:
    """The rows the candidates awaiting review in the published warehouse would add or close."""
    con = reads.open_current(settings.warehouse)
    try:
        waiting = discovery.pending(con)
    finally:
        con.close()
    path = Path(settings.seeds_dir) / seeds.NEW_ECONOMY_LISTINGS.file
    header, rows = _read(path)
    proposal = Proposal()
    for c in waiting:
        if c["kind"] == "listing":
            proposal.added.append(_listing_row(c, header))
        else:
            found = [i for i, r in enumerate(rows) if r["stock_code"] == c["stock_code"]
                     and r["listing_date"] == str(c["since"]) and not r["delisting_date"]]
            if not found:
                proposal.notes.append(f"candidate delisting {c['stock_code']} listed "
                                      f"{c['since']}: no open row in {path} (already closed?)")
                continue
            i = found[0]
            proposal.closed.append((i + 2, _closed_row(rows[i], c)))
    return proposal


def write(settings: Settings, proposal: Proposal) -> Path:
    """Append and change the rows in the seed CSV, once the seeds so changed pass the loader."""
    path = Path(settings.seeds_dir) / seeds.NEW_ECONOMY_LISTINGS.file
    text = _changed_text(path, proposal)
    with tempfile.TemporaryDirectory(prefix="hkpipe-propose-") as scratch:
        copy = Path(scratch) / "seeds"
        shutil.copytree(settings.seeds_dir, copy, ignore=shutil.ignore_patterns("stocks"))
        (copy / path.name).write_text(text, encoding="utf-8")
        try:
            seeds.read_all(copy, today=settings.today())
        except InputError as exc:  # name the real file, not the scratch copy
            raise InputError(path, f"the proposed rows do not pass the loader: {exc.reason}",
                             line=exc.line, field=exc.field) from None
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def _listing_row(c: dict, header: list[str]) -> dict:
    first = c.get("first_session")
    listed = first or c["since"]
    dated = (f"listing date = the first session with bars ({c['first_session_source']}); the "
             "List of Securities holds none" if first else
             "listing date = the first List of Securities it was on (no bars stored yet); the "
             "list holds none")
    tier = "core" if c["proposed_tier"] == "core" else "none"
    why = (c["tier_basis"] if tier == "core" else
           f"industry unknown: {c['tier_basis']}; none until a source gives the industry")
    row = dict.fromkeys(header, "")
    row.update({
        "stock_code": c["stock_code"], "name_en": c["short_name"], "board": c["board"] or "",
        "listing_date": str(listed), "industry_scheme": "unknown",
        "markers": c["markers"] or "", "tier": tier,
        "basis": f"{why}; {dated}; {AWAITS}",
        "source": f"HKEX List of Securities as at {c['raised_on']} (first seen {c['since']}; "
                  "HKPIPE_HKEX_SECURITIES_URL)"})
    return row


def _closed_row(row: dict, c: dict) -> dict:
    seen = f"last seen {c['last_seen']}" if c.get("last_seen") else "on no stored list"
    out = dict(row)
    out["delisting_date"] = str(c["raised_on"])
    out["basis"] = (f"{row['basis']}; delisting date is an upper bound: absent from HKEX's "
                    f"List of Securities as at {c['raised_on']} ({seen}); {AWAITS}")
    return out


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _csv_line(row: dict) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row.values())
    return out.getvalue()


def _changed_text(path: Path, proposal: Proposal) -> str:
    """The file with the closed rows changed in place and the new rows appended."""
    raw = path.read_text(encoding="utf-8")
    lines = raw.splitlines(keepends=True)
    if sum(1 for _ in csv.reader(io.StringIO(raw))) != len(lines):
        raise InputError(path, "a quoted field spans lines; propose edits one line per row")
    for line, row in proposal.closed:
        lines[line - 1] = _csv_line(row) + "\n"
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines) + "".join(_csv_line(r) + "\n" for r in proposal.added)

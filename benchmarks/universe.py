"""The universe figures of issue 12, measured with subprocesses against local stand-ins. Prints
one JSON object (the last line).

- ``universe_refresh_800_vs_2``: ``hkpipe refresh --source hkex --universe listings`` of every
  listed curated stock (about 774) against the same refresh of 2 listings, both incremental:
  the warehouse holds every stock up to 5 sessions before the refresh's last session, so each
  stock has 5 new sessions (the request spans 10: the 5-session revision window and the 5 new).
  HKEX's stand-in (tests/fakes/hkex.py) is a real HTTP server on 127.0.0.1 in this process,
  answering every RIC at once in the real wire format. Rate limits are off for both sides
  (HKPIPE_HKEX_RATE=0, HKPIPE_YAHOO_RATE=0: a limit would measure the limit, not the fan-out);
  HKPIPE_FETCH_WORKERS is left at its default. The 2-listing side runs on a copy of the seeds
  whose new_economy_listings.csv keeps the header and 2 listed rows (``--seeds-dir``), on the
  same starting warehouse.
- ``universe_check_vs_index_check``: ``hkpipe check`` after a one-session refresh of the whole
  universe (HKEX stand-in) against ``hkpipe check`` after a one-session refresh of the two
  indexes (``refresh --source yahoo``, tests/fakes/yahoo.py installed in the refreshing process by
  this script's ``--yahoo-cli`` launcher). Both start from the same warehouse, checked once at
  the same pinned "now", so stored results exist and only what changed is re-validated.

- ``listings_discovery_vs_index_refresh``: the daily run (``refresh --source yahoo`` of the
  indexes, then ``refresh --source hkex --universe listings``) with discovery (``refresh
  --listings`` between the two, as the daily flow orders them) against the same run without
  it, from the same warehouse. The List of Securities stand-in (tests/fakes/securities.py, a
  real HTTP server on 127.0.0.1) serves a workbook of every issuer the seeds expect on the day
  plus two new codes, whose bars the universe refresh then fetches too.

Every command runs with HKPIPE_NOW pinned (18:00 Hong Kong time on the session it refreshes).

    python benchmarks/universe.py --work DIR --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The measured refresh's last session (Friday 2026-10-16, after the curated data's end of
# 2026-09-30, so the seeds are never in the future), the session before it, and the session 5
# before it (where the 800-vs-2 starting warehouse stops).
DAY, DAY_BEFORE, FIVE_BEFORE = "2026-10-16", "2026-10-15", "2026-10-09"
SERVED_SESSIONS = 15  # bars each stand-in serves per symbol, ending on the pinned day


def now_of(day: str) -> str:
    return f"{day}T10:00:00Z"  # 18:00 in Hong Kong: that day's session has closed


# --- the stand-ins ------------------------------------------------------------------------

def stock_bars(code: str, listing: pd.Timestamp, until: str) -> pd.DataFrame:
    """HKEX-format bars of one listing: the SERVED_SESSIONS sessions ending ``until``."""
    from hkpipe import calendar

    days = calendar.sessions(pd.Timestamp(until) - pd.Timedelta(days=40), until)
    days = [d for d in days[-SERVED_SESSIONS:] if d >= listing]
    close = 10.0 + int(code) % 97  # distinct per stock, steady (no move rule is tripped)
    return pd.DataFrame({"date": days, "open": close, "high": close + 0.5, "low": close - 0.5,
                         "close": close, "volume": 100_000.0, "turnover": close * 100_000.0})


def serve_universe(hk, listings: pd.DataFrame, until: str) -> None:
    from hkpipe.sources.base import stock_symbol

    for row in listings.itertuples(index=False):
        hk.serve(stock_symbol(row.stock_code),
                 stock_bars(row.stock_code, pd.Timestamp(row.listing_date), until))


def start_hkex():
    """The HKEX stand-in, each RIC's answer rows built once rather than per request (the
    stand-in then answers in the time of a JSON dump)."""
    from tests.fakes.hkex import FakeHKEX

    class InstantHKEX(FakeHKEX):
        def __init__(self):
            super().__init__()
            self._rows: dict[str, list] = {}

        def serve(self, ric, frame):
            super().serve(ric, frame)
            self._rows.pop(ric, None)

        def chart(self, query):
            from urllib.parse import parse_qs
            params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
            ric = params.get("ric", "")
            if ric not in self._rows and ric in self.bars:
                status, _, body = super().chart(query)  # the real rendering, once
                if status == 200 and body.startswith(params.get("callback", "").encode()):
                    doc = json.loads(body[len(params["callback"]) + 1:-1])
                    self._rows[ric] = doc["data"]["datalist"]
                return status, "application/javascript", body
            raw_token = next((p[6:] for p in query.split("&") if p.startswith("token=")), "")
            if ric not in self._rows or raw_token not in self.valid_tokens:
                return super().chart(query)
            doc = {"data": {"responsecode": "000", "responsemsg": "", "ric": ric,
                            "datalist": self._rows[ric]}, "qid": params.get("qid")}
            return 200, "application/javascript", self._jsonp(params["callback"], doc)

    return InstantHKEX().start()


def index_frames(until: str) -> dict[str, pd.DataFrame]:
    """Yahoo bars (tests.fakes.yahoo format) of ^HSI and HSTECH.HK up to ``until``: the bundled
    snapshot's own values from a month before it ends (so the sources reconcile on shared
    days), then synthetic sessions."""
    from hkpipe import calendar

    frames = {}
    for symbol, name in (("^HSI", "HSI.csv"), ("HSTECH.HK", "HSTECH.csv")):
        snap = pd.read_csv(ROOT / "seeds" / "prices" / name, parse_dates=["date"])
        snap = snap[snap["date"] >= snap["date"].iloc[-1] - pd.Timedelta(days=31)]
        snap = snap.dropna(subset=["open", "high", "low", "close"])
        rows = [(d, o, h, lo, c) for d, o, h, lo, c in
                snap[["date", "open", "high", "low", "close"]].itertuples(index=False)]
        last = rows[-1][4]
        after = calendar.sessions(snap["date"].iloc[-1] + pd.Timedelta(days=1), until)
        for i, day in enumerate(after, 1):
            c = round(last * (1 + 0.0005 * (i % 7 - 3)), 2)
            rows.append((day, c, round(c * 1.004, 2), round(c * 0.996, 2), c))
        frame = pd.DataFrame(rows, columns=["date", "Open", "High", "Low", "Close"])
        frame["Volume"] = 1_000_000
        frames[symbol] = frame.set_index(pd.to_datetime(frame.pop("date")))
    return frames


def yahoo_cli(frames_dir: Path, args: list[str]) -> int:
    """``hkpipe ARGS`` in this process with tests.fakes.yahoo answering every Yahoo request
    from the bars in ``frames_dir`` (one CSV per symbol)."""
    import yfinance as yf

    from hkpipe.cli import main
    from tests.fakes.yahoo import FakeYahoo

    class Patch:  # what FakeYahoo.install needs of pytest's monkeypatch
        @staticmethod
        def setattr(target, name, value):
            setattr(target, name, value)

    yf.set_tz_cache_location(str(frames_dir / "yf-cache"))
    fake = FakeYahoo().install(Patch())
    for path in frames_dir.glob("*.csv"):
        fake.serve(path.stem, pd.read_csv(path, index_col=0, parse_dates=True))
    return main(args)


NEW_CODES = (("02998", "BENCH NEWCO-P", "KYG000000098"), ("02999", "BENCH NEWCO", "KYG000000099"))


def start_list(hk, day: str):
    """The List of Securities stand-in of ``day``: every issuer the seeds expect, plus the
    NEW_CODES, whose bars the HKEX stand-in serves from the session before ``day``."""
    from datetime import date

    from tests.fakes.securities import FakeList, equity, listed_rows, workbook

    as_of = date.fromisoformat(day)
    rows = listed_rows(ROOT / "seeds", as_of) + [equity(*new) for new in NEW_CODES]
    listed = pd.DataFrame({"stock_code": [c for c, _, _ in NEW_CODES],
                           "listing_date": pd.Timestamp(DAY_BEFORE)})
    serve_universe(hk, listed, day)
    return FakeList(workbook(sorted(rows), as_of)).start()


# --- running -------------------------------------------------------------------------------

class Runner:
    def __init__(self, work: Path, hk):
        self.work, self.hk = work, hk
        self.base_env = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
        self.base_env.update(hk.env(timeout=30.0), HKPIPE_HKEX_RATE="0", HKPIPE_YAHOO_RATE="0")

    def run(self, args: list[str], day: str, *, ok=(0,), yahoo_dir: Path | None = None
            ) -> float:
        cmd = [sys.executable, "-m", "hkpipe.cli", *args]
        if yahoo_dir is not None:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--yahoo-cli",
                   str(yahoo_dir), "--", *args]
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env={**self.base_env, "HKPIPE_NOW": now_of(day)},
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode not in ok:
            raise SystemExit(f"universe benchmark: {' '.join(args)} (now {day}) exited "
                             f"{done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        self.last = done
        return elapsed

    def yahoo_dir(self, until: str) -> Path:
        out = self.work / f"yahoo_{until}"
        if not out.exists():
            out.mkdir()
            for symbol, frame in index_frames(until).items():
                frame.to_csv(out / f"{symbol}.csv")
        return out


def two_listing_seeds(work: Path, listings: pd.DataFrame) -> tuple[Path, list[str]]:
    """A copy of the seeds whose new_economy_listings.csv keeps the header and 2 listed rows
    (every other file as bundled)."""
    seeds = work / "seeds_two_listings"
    shutil.copytree(ROOT / "seeds", seeds)
    codes = sorted(listings["stock_code"])
    keep = [codes[0], codes[len(codes) // 2]]
    path = seeds / "new_economy_listings.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[frame["stock_code"].isin(keep)].to_csv(path, index=False)
    return seeds, keep


def fetched(stdout: str) -> str:
    return next((line.strip() for line in stdout.splitlines() if " fetched, " in line), "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--yahoo-cli", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*")
    args = parser.parse_args()
    if args.yahoo_cli:
        return yahoo_cli(args.yahoo_cli, args.args)
    if not args.work:
        parser.error("--work is required")

    from hkpipe.ingest import plan
    from hkpipe.settings import Settings

    work = args.work / "universe"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    hk = start_hkex()
    try:
        r = Runner(work, hk)
        listings = plan.listed(Settings.from_env(now=now_of(DAY)))
        seeds2, two_codes = two_listing_seeds(work, listings)

        # Starting warehouse of the refresh figure: the snapshot run, then a first universe
        # refresh that stores every listed stock up to 5 sessions before DAY.
        five = work / "five_before.duckdb"
        r.run(["run", "--source", "snapshot", "--warehouse", str(five)], FIVE_BEFORE,
              ok=(0, 1))
        serve_universe(hk, listings, FIVE_BEFORE)
        r.run(["refresh", "--source", "hkex", "--universe", "listings", "--warehouse",
               str(five)], FIVE_BEFORE)
        first_coverage = fetched(r.last.stdout)

        # Starting warehouse of the check figure: indexes and universe up to the session
        # before DAY, then `check` at DAY's "now", which stores every suite's results.
        before = work / "day_before.duckdb"
        shutil.copyfile(five, before)
        r.run(["refresh", "--source", "yahoo", "--warehouse", str(before)], DAY_BEFORE,
              yahoo_dir=r.yahoo_dir(DAY_BEFORE))
        serve_universe(hk, listings, DAY_BEFORE)
        r.run(["refresh", "--source", "hkex", "--universe", "listings", "--warehouse",
               str(before)], DAY_BEFORE)
        pre_check_code = None
        r.run(["check", "--warehouse", str(before)], DAY, ok=(0, 1))
        pre_check_code = r.last.returncode

        serve_universe(hk, listings, DAY)
        yahoo_day = r.yahoo_dir(DAY)
        securities = start_list(hk, DAY)
        r.base_env["HKPIPE_HKEX_SECURITIES_URL"] = securities.url
        times: dict[str, list[float]] = {k: [] for k in
                                         ("refresh_all", "refresh_two", "check_universe",
                                          "check_indexes", "daily_with_discovery",
                                          "daily_without")}
        coverage, check_codes = {}, {"universe": set(), "indexes": set()}
        for i in range(args.runs):  # interleaved, so drift in machine load hits all alike
            for label, extra in (("all", []), ("two", ["--seeds-dir", str(seeds2)])):
                target = work / f"refresh_{label}.duckdb"
                shutil.copyfile(five, target)
                times[f"refresh_{label}"].append(r.run(
                    ["refresh", "--source", "hkex", "--universe", "listings", *extra,
                     "--warehouse", str(target)], DAY))
                coverage[label] = fetched(r.last.stdout)
            for label in ("universe", "indexes"):
                target = work / f"check_{label}.duckdb"
                shutil.copyfile(before, target)
                if label == "universe":
                    r.run(["refresh", "--source", "hkex", "--universe", "listings",
                           "--warehouse", str(target)], DAY)
                else:
                    r.run(["refresh", "--source", "yahoo", "--warehouse", str(target)], DAY,
                          yahoo_dir=yahoo_day)
                # exit 1 is a finding (e.g. HKEXT100 has no data), not a failure; the work
                # measured is the same
                times[f"check_{label}"].append(r.run(["check", "--warehouse", str(target)],
                                                     DAY, ok=(0, 1)))
                check_codes[label].add(r.last.returncode)
                if i == 0:
                    (work / f"check_{label}.out").write_text(r.last.stdout + r.last.stderr)
            for label in ("daily_with_discovery", "daily_without"):
                target = work / f"{label}.duckdb"
                shutil.copyfile(five, target)
                steps = [(["refresh", "--source", "yahoo"], yahoo_day)]
                if label == "daily_with_discovery":
                    steps.append((["refresh", "--listings"], None))
                steps.append((["refresh", "--source", "hkex", "--universe", "listings"], None))
                times[label].append(sum(r.run([*step, "--warehouse", str(target)], DAY,
                                              yahoo_dir=where) for step, where in steps))
                if label == "daily_with_discovery":
                    discovery = fetched(r.last.stdout)
    finally:
        hk.stop()
        if "securities" in locals():
            securities.stop()
    med = {k: round(statistics.median(v), 3) for k, v in times.items()}
    print(json.dumps({
        "refresh_all_s": med["refresh_all"], "refresh_two_s": med["refresh_two"],
        "check_universe_s": med["check_universe"], "check_indexes_s": med["check_indexes"],
        "daily_with_discovery_s": med["daily_with_discovery"],
        "daily_without_s": med["daily_without"], "coverage_with_discovery": discovery,
        "runs_s": {k: [round(x, 2) for x in v] for k, v in times.items()},
        "listed": len(listings), "two_listings": two_codes,
        "coverage_all": coverage.get("all"), "coverage_two": coverage.get("two"),
        "first_refresh_coverage": first_coverage, "pre_check_exit": pre_check_code,
        "check_exit_codes": {k: sorted(v) for k, v in check_codes.items()},
        "fetch_workers": Settings.__dataclass_fields__["fetch_workers"].default,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

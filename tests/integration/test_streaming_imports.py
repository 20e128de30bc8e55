"""Issue 23 part 2: `import-prices` of a file of many chunks (200,000 rows, csvio.CHUNK_ROWS
each) loads through the streamed path, and a bad value deep in it is named with its file, line
and field, exit 2, the warehouse byte for byte as it was."""

from __future__ import annotations

from hkpipe import calendar, csvio, warehouse
from tests.fakes.errors import file_bytes, no_build_files, one_line, run_cli

ROWS = 200_000


def sessions() -> list[str]:
    days = calendar.sessions("1987-01-02", "2025-12-31")
    closures = set(calendar.exceptions().query("kind == 'closure'")["date"])
    return [f"{d:%Y-%m-%d}" for d in days if d.date() not in closures]


def big_export(tmp_path, edit=None):
    """Every session 1987..2025 of a close-only series, repeated (exact duplicates) to ROWS
    rows; ``edit(lines)`` may change the data lines (index 0 is the file's line 2)."""
    days = sessions()
    block = [f"{d},{1000 + i % 8000 / 2:.1f}" for i, d in enumerate(days)]
    lines = (block * (ROWS // len(block) + 1))[:ROWS]
    if edit:
        edit(lines)
    path = tmp_path / "big.csv"
    path.write_text("date,close\n" + "\n".join(lines) + "\n")
    return path, days, block


def test_a_large_import_loads_every_session_once(built_settings, tmp_path, capsys):
    assert ROWS > 3 * csvio.CHUNK_ROWS  # the file is read in several chunks
    path, days, block = big_export(tmp_path)
    code, _ = run_cli(capsys, "import-prices", "--symbol", "^HSI", str(path),
                      "--warehouse", str(built_settings.warehouse))
    assert code == 0
    con = warehouse.connect_read_only(built_settings.warehouse)
    try:
        stored = con.execute(
            "SELECT strftime(trade_date, '%Y-%m-%d'), close FROM prices "
            "WHERE symbol = '^HSI' AND source = 'import:big.csv' ORDER BY trade_date").fetchall()
        received = con.execute(
            "SELECT rows_received FROM load_runs WHERE command = 'import-prices' "
            "AND source = 'import:big.csv'").fetchall()
    finally:
        con.close()
    expected = [(d, float(line.split(",")[1])) for d, line in zip(days, block, strict=True)]
    assert stored == expected
    assert received == [(len(days),)]


def test_a_bad_value_deep_in_a_large_import_is_named_and_changes_nothing(
        built_settings, tmp_path, capsys):
    def bad_close(lines):
        day = lines[149_998].split(",")[0]
        lines[149_998] = f"{day},12x5"  # the file's line 150,000

    path, _, _ = big_export(tmp_path, bad_close)
    before = file_bytes(built_settings.warehouse)
    code, err = run_cli(capsys, "import-prices", "--symbol", "^HSI", str(path),
                        "--warehouse", str(built_settings.warehouse))
    assert code == 2
    assert one_line(err).endswith(f"{path}, line 150000, field 'close': '12x5' is not a number "
                                  "(plain digits and '.', no thousands separators)")
    assert file_bytes(built_settings.warehouse) == before
    assert no_build_files(built_settings.warehouse)


def test_a_date_given_again_with_other_values_deep_in_a_large_import_is_refused(
        built_settings, tmp_path, capsys):
    def clash(lines):
        day, close = lines[180_000].split(",")
        lines[180_000] = f"{day},{float(close) + 1}"

    path, days, _ = big_export(tmp_path, clash)
    day = open(path).read().splitlines()[180_001].split(",")[0]
    first = 2 + days.index(day)  # its first line, in the first copy of the sessions
    before = file_bytes(built_settings.warehouse)
    code, err = run_cli(capsys, "import-prices", "--symbol", "^HSI", str(path),
                        "--warehouse", str(built_settings.warehouse))
    assert code == 2
    assert one_line(err).endswith(f"{path}, line {first}, field 'date': {day} appears more "
                                  f"than once with different values (lines {first}, 180002)")
    assert file_bytes(built_settings.warehouse) == before

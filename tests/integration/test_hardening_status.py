"""Issue 22 items 6 and 7: a truncated or corrupt warehouse is refused with one line and exit
2 by every command, `status` included (it reads the file whole before describing it), and the
file stays byte for byte as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fakes.errors import file_bytes, no_build_files, one_line, run_cli

# --- a damaged warehouse: one line, exit 2, on every command ----------------------------

def truncated(built_settings, keep: float = 0.5) -> Path:
    path = built_settings.warehouse
    with open(path, "r+b") as fh:
        fh.truncate(int(path.stat().st_size * keep))
    return path


@pytest.mark.parametrize("command", [
    ["status"], ["status", "--json"], ["check"], ["check", "--no-record"],
    ["run", "--source", "snapshot"], ["report", "--no-data-docs"], ["migrate"],
    ["load-seeds"],
])
def test_a_truncated_warehouse_exits_2_on_every_command(built_settings, capsys, tmp_path,
                                                        command):
    path = truncated(built_settings)
    before = file_bytes(path)
    extra = ["--out", str(tmp_path / "out")] if command[0] == "report" else []
    code, err = run_cli(capsys, *command, *extra, "--warehouse", str(path))
    assert code == 2, err
    line = one_line(err)
    assert str(path) in line and "damaged (truncated or corrupt)" in line
    assert file_bytes(path) == before
    assert no_build_files(path)


def test_status_reads_the_warehouse_whole_before_describing_it(built_settings, capsys):
    # Cut only the last block: the file still opens and its catalog reads.
    path = built_settings.warehouse
    truncated(built_settings, keep=1 - 1000 / path.stat().st_size)
    code, err = run_cli(capsys, "status", "--warehouse", str(path))
    assert code == 2 and "damaged" in one_line(err)


def test_a_garbled_block_exits_2_with_one_line(built_settings, capsys):
    path = built_settings.warehouse
    with open(path, "r+b") as fh:
        fh.seek(3 * 4096 + 100)  # inside the first block, past the headers
        fh.write(os.urandom(4096))
    before = file_bytes(path)
    for command in (["status"], ["check"]):
        code, err = run_cli(capsys, *command, "--warehouse", str(path))
        assert code == 2 and str(path) in one_line(err)
    assert file_bytes(path) == before


def test_a_whole_warehouse_still_reads(built_settings, capsys):
    code, err = run_cli(capsys, "status", "--warehouse", str(built_settings.warehouse))
    assert code == 0, err

"""What the bad-input tests ask of every failure: one line, no traceback, the warehouse file as
it was and no build copy left behind. Shared by the hardening tests of every tier."""

from __future__ import annotations

import csv
import io
from pathlib import Path

FEW_HUNDRED = 600  # the most characters an error line may take, its input quoted and cut


def run_cli(capsys, *args) -> tuple[int, str]:
    """``hkpipe ARGS`` in this process: its exit code and what it wrote to stderr."""
    from hkpipe.cli import main

    code = main(list(args))
    return code, capsys.readouterr().err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[-2000:]
    assert "Traceback" not in err
    return lines[0]


def file_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


def no_build_files(path: Path) -> bool:
    return not list(Path(path).parent.glob(f".{Path(path).name}.building-*"))


def rewrite_csv(path: Path, edit) -> Path:
    """Apply ``edit(rows)`` to a seed CSV's rows (dicts, edited in place) and write it back."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path

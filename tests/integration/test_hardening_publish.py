"""Issue 22 items 4 and 5: a symlinked warehouse path keeps its link (the real file is
published, and locked, where the data lives) and a publish keeps the file's mode, and its
owner and group where permitted."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import duckdb
import pytest

from hkpipe.cli import main
from tests.fakes.common import query


def linked_warehouse(built, tmp_path: Path, mode: int = 0o600) -> tuple[Path, Path]:
    real = tmp_path / "real" / "w.duckdb"
    real.parent.mkdir()
    shutil.copyfile(built, real)
    real.chmod(mode)
    link = tmp_path / "link.duckdb"
    link.symlink_to(Path("real") / "w.duckdb")  # relative, as `ln -s real/w.duckdb` makes it
    return real, link


def recorded_checks(path: Path) -> int:
    return query(path, "SELECT count(*) FROM claim_results")[0][0]


def test_check_through_a_symlink_keeps_the_link_and_the_mode(built, tmp_path, capsys):
    real, link = linked_warehouse(built, tmp_path, 0o600)
    before = recorded_checks(real)
    assert main(["check", "--warehouse", str(link)]) == 0, capsys.readouterr().err
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "w.duckdb")
    assert recorded_checks(real) > before  # the real file is what was published
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    # locked beside the data, not beside the link; no build file left on either side
    assert (real.parent / ".w.duckdb.lock").exists()
    assert not (tmp_path / ".link.duckdb.lock").exists()
    assert not list(tmp_path.glob(".link.duckdb.building-*"))
    assert not list(real.parent.glob(".w.duckdb.building-*"))


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0,
                    reason="giving a file to another owner and group needs root")
def test_a_publish_keeps_owner_and_group(built_settings, capsys):
    path = built_settings.warehouse
    path.chmod(0o640)
    os.chown(path, 1, 1)  # daemon:daemon on most systems
    before = recorded_checks(path)
    assert main(["check", "--warehouse", str(path)]) == 0, capsys.readouterr().err
    assert recorded_checks(path) > before  # published
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1, 1, 0o640)


def test_a_publish_where_chown_is_refused_keeps_the_mode(built_settings, capsys, monkeypatch):
    path = built_settings.warehouse
    path.chmod(0o604)

    def refused(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refused)
    assert main(["check", "--warehouse", str(path)]) == 0, capsys.readouterr().err
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


def test_a_private_warehouse_is_never_copied_readable_by_others(built_settings, capsys,
                                                                monkeypatch):
    from hkpipe import warehouse

    path = built_settings.warehouse
    path.chmod(0o600)
    seen = []
    real_connect = duckdb.connect

    def spy(database=":memory:", *args, **kwargs):
        if warehouse.BUILD_TAG in str(database):
            seen.append(stat.S_IMODE(Path(database).stat().st_mode))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", spy)
    assert main(["check", "--warehouse", str(path)]) == 0, capsys.readouterr().err
    assert seen and all(mode & 0o077 == 0 for mode in seen)


def test_a_writer_through_the_link_and_one_through_the_real_path_share_one_lock(built,
                                                                                tmp_path):
    from hkpipe import warehouse
    from hkpipe.errors import WarehouseBusy

    real, link = linked_warehouse(built, tmp_path)
    with warehouse.write_lock(link, timeout=5):
        with pytest.raises(WarehouseBusy):
            with warehouse.write_lock(real, timeout=0.2):
                pass

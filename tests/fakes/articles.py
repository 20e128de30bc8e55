"""Editing copies of the bundled article folders (seeds/articles/<id>/: article.toml and
claims.csv), as a contributor would, for the claims-as-data tests."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from .common import SEEDS

GT = "globaltimes-2026-01-04"
OFFICIAL = "official-new-economy-counts"


def copy_seeds(tmp_path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def edit_ledger(seeds: Path, article: str, edit) -> Path:
    path = seeds / "articles" / article / "claims.csv"
    rows = read_rows(path)
    edit(rows)
    write_rows(path, rows)
    return path


def new_article(seeds: Path, new_id: str, keep: list[str]) -> Path:
    """Copy the Global Times folder to ``new_id``, rewrite its metadata to the new id, and cut
    its ledger to the claims in ``keep`` (no Python, no SQL)."""
    folder = seeds / "articles" / new_id
    shutil.copytree(seeds / "articles" / GT, folder)
    meta = folder / "article.toml"
    meta.write_text(meta.read_text().replace(f'id = "{GT}"', f'id = "{new_id}"'))
    rows = read_rows(folder / "claims.csv")
    write_rows(folder / "claims.csv", [r for r in rows if r["id"] in keep])
    return folder


def write_ledger(tmp_path, edit, article=GT):
    """A copy of the seeds whose ``article`` ledger rows went through ``edit``."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    ledger = seeds / "articles" / article / "claims.csv"
    with open(ledger, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    edit(rows)
    with open(ledger, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return seeds

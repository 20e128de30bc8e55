"""The migration files themselves: named and numbered uniquely, the only SQL that changes tables."""

from __future__ import annotations

import shutil

import pytest

from hkpipe import sqlfiles
from hkpipe.warehouse import migrations


def test_migration_files_are_named_and_numbered_uniquely(own_migrations):
    shutil.copyfile(own_migrations / "0002_views_digest.sql", own_migrations / "0002_again.sql")
    with pytest.raises(Exception, match="version 0002 is also"):
        migrations.available()
    (own_migrations / "0002_again.sql").rename(own_migrations / "3_Bad Name.sql")
    with pytest.raises(Exception, match="NNNN_lower_case_name"):
        migrations.available()


def test_tables_are_changed_only_by_migrations():
    # Every schema change ships as a migration: no other SQL file creates, alters or drops a
    # table (the runner's own record is created by meta/schema_migrations.sql; temporary
    # staging tables are not part of the schema).
    import re

    pattern = re.compile(r"\b(CREATE\s+(OR\s+REPLACE\s+)?TABLE|ALTER\s+TABLE|"
                         r"DROP\s+TABLE)\b", re.IGNORECASE)
    offenders = [str(p.relative_to(sqlfiles.SQL_DIR)) for p in sqlfiles.SQL_DIR.rglob("*.sql")
                 if "migrations" not in p.parts and p.name != "schema_migrations.sql"
                 and pattern.search(p.read_text())]
    assert offenders == []

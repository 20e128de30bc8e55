"""The new-economy counting rule is written once in sql/."""

from __future__ import annotations


def test_the_counting_rule_is_written_in_one_place():
    # "not delisted by the date" is spelled in the rule's own file (delisted_by) and nowhere
    # else in sql/.
    from hkpipe.settings import SQL_DIR
    spelled = [str(p.relative_to(SQL_DIR)) for p in SQL_DIR.rglob("*.sql")
               if "migrations" not in p.parts
               and ("delisting_date >" in p.read_text() or "delisting_date <=" in p.read_text())]
    assert spelled == ["views/_new_economy_rules.sql"]
    for name in ["views/new_economy_count", "views/new_economy_vs_published",
                 "report/new_economy_by_year", "report/new_economy_monthly",
                 "claims/new_economy_count"]:
        text = (SQL_DIR / f"{name}.sql").read_text()
        assert "new_economy_counted(" in text or "new_economy_tiers_at(" in text, name

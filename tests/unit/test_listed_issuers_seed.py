"""The listed_issuers baseline seed: faithful to its source, and validated like every seed."""

from pathlib import Path

import pytest

from hkpipe import seeds
from hkpipe.errors import InputError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_the_baseline_holds_every_issuer_listed_at_the_end_of_2025():
    frame = seeds.read_seed(SEEDS, seeds.LISTED_ISSUERS)
    listed = frame[frame["listed_at_2025_12_31"] == "Y"]
    assert len(listed) == 2688  # the source's count (PROVENANCE_listings.md, step 1)
    assert listed["stock_code"].is_unique
    assert "00001" in set(listed["stock_code"])  # pre-reform issuers are in the baseline


def test_a_row_without_a_name_is_refused_naming_file_line_and_field(tmp_path):
    (tmp_path / "listed_issuers.csv").write_text(
        "stock_code,short_name,isin,board,listing_date,delisting_date,listed_at_2025_12_31,"
        "source\n00001,,KYG217651051,Main Board,,,Y,HKEX\n")
    with pytest.raises(InputError, match=r"line 2, field 'short_name'"):
        seeds.read_seed(tmp_path, seeds.LISTED_ISSUERS)

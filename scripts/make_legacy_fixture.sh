#!/usr/bin/env bash
# Rebuild tests/fixtures/warehouse_c087877.duckdb.gz: a warehouse written by the last version
# before versioned migrations (commit c087877), with the history an upgrade must keep: one
# imported row and several check runs. The imported row is the HKEX Tech 100's base value
# (10,000 at 2020-12-31, seeds/indexes.csv), so the fixture holds no invented number.
#   usage: scripts/make_legacy_fixture.sh   (needs git history and the PyPI registry)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=c087877
work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/src" "$rev" >/dev/null
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet -e "$work/src"  # editable: sql/ and seeds/ are read from the checkout
export HKPIPE_WAREHOUSE="$work/warehouse.duckdb" HKPIPE_SEEDS="$work/src/seeds"
printf 'date,close\n2020-12-31,10000\n' > "$work/hkext100_base.csv"
hk="$work/venv/bin/hkpipe"
(cd "$work/src" && "$hk" run --source snapshot >/dev/null)
(cd "$work/src" && "$hk" import-prices --symbol HKEXT100 "$work/hkext100_base.csv" >/dev/null)
(cd "$work/src" && "$hk" check >/dev/null)
(cd "$work/src" && "$hk" check >/dev/null)
gzip -9 -n -c "$HKPIPE_WAREHOUSE" > tests/fixtures/warehouse_$rev.duckdb.gz
echo "wrote tests/fixtures/warehouse_$rev.duckdb.gz"

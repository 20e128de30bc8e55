"""The documented deployment path on a real Prefect server (README "Scheduled refresh").

A `prefect server start` on 127.0.0.1 (own free port, own PREFECT_HOME under a temp dir: the
session's ``prefect_server``, tests/fakes/prefect_server.py, which test_flows.py shares), the
`hkpipe-process` work pool, `prefect deploy --all` with the project's prefect.yaml, a process
worker, and a run of the daily deployment on the bundled snapshot, refreshing a copy of the
session-built warehouse. Only loopback traffic. Everything started here runs in its own process
group and is stopped at the end, also when a step fails or times out. Slow: about a minute on a
2-core machine.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.fakes.common import NO_HKEX, PROJECT_ROOT, query
from tests.fakes.prefect_server import PREFECT, Server, tail

# one worker runs this module and test_flows.py, so one server serves both (--dist loadgroup)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect-server")]

POOL = "hkpipe-process"
DEPLOY_TIMEOUT = 600
RUN_TIMEOUT = 1200
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@pytest.fixture(scope="module")
def server(prefect_server) -> Server:
    done = prefect_server.cli("work-pool", "create", POOL, "--type", "process")
    assert done.returncode == 0, done.stdout[-3000:]
    return prefect_server


def deploy(server: Server, prefect_file: Path) -> dict[str, dict]:
    """`prefect deploy --all` with ``prefect_file``; name -> deployment as the server has it.

    Fails the test, naming the deployment, when one was not created, or when its entrypoint
    or parameters do not match a flow the server could describe.
    """
    spec = yaml.safe_load(prefect_file.read_text())
    done = server.cli("--no-prompt", "deploy", "--all", "--prefect-file", str(prefect_file),
                      timeout=DEPLOY_TIMEOUT)
    out = {}
    for d in spec["deployments"]:
        name = d["name"]
        found = server.deployments_named(name)
        if not found:
            pytest.fail(f"deployment {name!r} (entrypoint {d['entrypoint']}) was not "
                        f"deployed; prefect deploy exited {done.returncode}:\n"
                        f"{done.stdout[-2500:]}")
        deployment = found[0]
        if deployment["entrypoint"] != d["entrypoint"]:
            pytest.fail(f"deployment {name!r}: server has entrypoint "
                        f"{deployment['entrypoint']}, prefect.yaml says {d['entrypoint']}")
        accepted = set((deployment.get("parameter_openapi_schema") or {})
                       .get("properties", {}))
        unknown = sorted(set(d.get("parameters") or {}) - accepted)
        if unknown:
            pytest.fail(f"deployment {name!r}: parameters {unknown} are not parameters of "
                        f"{d['entrypoint']} (it takes {sorted(accepted)})")
        out[name] = deployment
    assert done.returncode == 0, done.stdout[-3000:]
    return out


def wait_for_run(server: Server, run_id: str, worker: subprocess.Popen, worker_log: Path
                 ) -> dict:
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        run = server.http.get(f"/flow_runs/{run_id}").json()
        state = run.get("state") or {}
        if state.get("type") in TERMINAL:
            return run
        if worker.poll() is not None:
            pytest.fail(f"the worker exited with {worker.returncode} while the run was "
                        f"{state.get('name')}:\n{tail(worker_log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"flow run {run_id} still {state.get('name')} after {RUN_TIMEOUT} s:"
                        f"\n{tail(worker_log)}")
        time.sleep(1)


def flow_verdicts(warehouse: Path) -> list[tuple]:
    return query(warehouse, "SELECT claim_id, verdict FROM claim_results "
                 "WHERE command = 'flow:daily_refresh'")


def test_daily_deployment_runs_on_a_real_server_with_a_worker(server, built, tmp_path):
    deployments = deploy(server, PROJECT_ROOT / "prefect.yaml")
    assert set(deployments) == {"daily-refresh", "backfill"}
    daily = deployments["daily-refresh"]
    assert daily["work_pool_name"] == POOL
    schedules = [(s["schedule"].get("cron"), s["schedule"].get("timezone"), s["active"])
                 for s in daily["schedules"]]
    assert schedules == [("30 17 * * 1-5", "Asia/Hong_Kong", True)]

    reports = tmp_path / "reports"
    # a refresh of a published warehouse (a first build is the library's, tested there)
    live = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built, live)
    assert flow_verdicts(live) == []
    # The worker lives for this test only: the session's server keeps the deployment and its
    # weekday schedule, which a worker left polling could act on. Its defaults point at this
    # test's files, should it ever start a run of its own.
    worker, worker_log = server.procs.start(
        "worker", [PREFECT, "worker", "start", "--pool", POOL, "--type", "process"],
        {**server.env, **NO_HKEX, "HKPIPE_REPORTS": str(reports),
         "HKPIPE_WAREHOUSE": str(live)})
    try:
        created = server.http.post(f"/deployments/{daily['id']}/create_flow_run", json={
            "parameters": {"source": "snapshot", "warehouse": str(live)}})
        assert created.status_code == 201, created.text
        run = wait_for_run(server, created.json()["id"], worker, worker_log)
    finally:
        server.procs.stop_one(worker)
    assert run["state"]["type"] == "COMPLETED", (f"{run['state']['message']}\n"
                                                 f"{tail(worker_log)}")

    # published: the live file holds the verdicts the flow run recorded, and no build file
    # was left
    assert not list(tmp_path.glob(".warehouse.duckdb.building-*"))
    verdicts = flow_verdicts(live)
    assert verdicts
    assert (reports / "report.md").exists()

    artifacts = server.http.post("/artifacts/filter", json={
        "artifacts": {"flow_run_id": {"any_": [run["id"]]}}}).json()
    table = next((a for a in artifacts if a["key"] == "hkpipe-claim-verdicts"), None)
    assert table is not None and table["type"] == "table", artifacts
    data = table["data"] if isinstance(table["data"], list) else yaml.safe_load(table["data"])
    assert sorted((r["claim"], r["verdict"]) for r in data) == sorted(verdicts)
    assert any(a["key"] == "hkpipe-daily-summary" for a in artifacts)


@pytest.mark.parametrize("drift", ["entrypoint", "parameters"])
def test_a_prefect_yaml_that_drifted_from_the_flows_fails_naming_the_deployment(
        server, tmp_path, drift):
    spec = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    daily = next(d for d in spec["deployments"] if d["name"] == "daily-refresh")
    daily["name"] = f"daily-refresh-{drift}-drift"
    if drift == "entrypoint":
        daily["entrypoint"] = "flows/daily_refresh.py:daily_refresh_renamed"
    else:
        daily["parameters"] = {"sauce": "snapshot"}
    spec["deployments"] = [daily]
    drifted = tmp_path / "prefect.yaml"
    drifted.write_text(yaml.safe_dump(spec, sort_keys=False))
    with pytest.raises(pytest.fail.Exception, match=f"deployment '{daily['name']}'"):
        deploy(server, drifted)

"""The documented deployment path on a real Prefect server (README "Scheduled refresh").

A `prefect server start` on 127.0.0.1 (own free port, own PREFECT_HOME under a temp dir), the
`hkpipe-process` work pool, `prefect deploy --all` with the project's prefect.yaml, a process
worker, and a run of the daily deployment on the bundled snapshot. Only loopback traffic.
Everything started here runs in its own process group and is stopped at the end, also when a
step fails or times out. Slow: a few minutes on a 2-core machine.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from tests.fakes.common import PROJECT_ROOT, query

# one worker runs the module, so its one server serves every test (make test: --dist loadgroup)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect-server")]

BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect") if (BIN / "prefect").exists() else "prefect"
POOL = "hkpipe-process"
SERVER_START_TIMEOUT = 300
DEPLOY_TIMEOUT = 600
RUN_TIMEOUT = 1200
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Processes:
    """Background processes, each in its own process group, all stopped by ``stop``.

    ``marker`` is an environment entry only this test's processes carry (its PREFECT_HOME):
    a flow run the worker started in a session of its own is found by it and stopped too.
    """

    def __init__(self, logs: Path, marker: str):
        self.logs = logs
        self.marker = marker.encode()
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, cmd: list[str], env: dict, cwd: Path = PROJECT_ROOT
              ) -> tuple[subprocess.Popen, Path]:
        log = self.logs / f"{name}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        self.started.append((proc, log))
        return proc, log

    def stop(self) -> None:
        for proc, _ in reversed(self.started):
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc, _ in reversed(self.started):
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc, signal.SIGKILL)  # the group may hold children still
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for pid in self._marked():
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def _marked(self) -> list[int]:
        """Processes still alive that carry the marker (Linux /proc; elsewhere none)."""
        found = []
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                if int(entry.name) != os.getpid() and self.marker in (
                        entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except (OSError, ValueError):
                pass
        return found


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Server:
    def __init__(self, api: str, env: dict, procs: Processes, tmp: Path):
        self.api, self.env, self.procs, self.tmp = api, env, procs, tmp
        self.http = httpx.Client(base_url=api, timeout=60)

    def cli(self, *args: str, timeout: float = 300, env: dict | None = None
            ) -> subprocess.CompletedProcess:
        """A prefect command against this server, in its own process group, bounded."""
        proc = subprocess.Popen([PREFECT, *args], env={**self.env, **(env or {})},
                                cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                                start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            out, _ = proc.communicate()
            pytest.fail(f"`prefect {' '.join(args)}` did not finish in {timeout} s:\n"
                        f"{out[-3000:]}")
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, "")

    def deployments_named(self, name: str) -> list[dict]:
        found = self.http.post("/deployments/filter",
                               json={"deployments": {"name": {"any_": [name]}}})
        found.raise_for_status()
        return found.json()


@contextmanager
def running_server(tmp: Path):
    home = tmp / "prefect-home"
    home.mkdir()
    logs = tmp / "logs"
    logs.mkdir()
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "HKPIPE_"))}
    env.update({
        "PREFECT_HOME": str(home), "PREFECT_API_URL": api,
        "PREFECT_SERVER_API_HOST": "127.0.0.1", "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
        "PREFECT_CLI_PROMPT": "false", "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_API_REQUEST_TIMEOUT": "120", "DO_NOT_TRACK": "1",
        # the deployment's pull step resolves {{ $PWD }} to the checkout
        "PWD": str(PROJECT_ROOT),
    })
    procs = Processes(logs, f"PREFECT_HOME={home}")
    try:
        proc, log = procs.start("server", [PREFECT, "server", "start", "--host", "127.0.0.1",
                                           "--port", str(port)], env)
        server = Server(api, env, procs, tmp)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"prefect server exited with {proc.returncode}:\n{tail(log)}")
            try:
                if server.http.get("/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"prefect server not healthy after {SERVER_START_TIMEOUT} s:\n"
                            f"{tail(log)}")
            time.sleep(0.5)
        yield server
    finally:
        procs.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("prefect")) as srv:
        done = srv.cli("work-pool", "create", POOL, "--type", "process")
        assert done.returncode == 0, done.stdout[-3000:]
        yield srv


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


def test_daily_deployment_runs_on_a_real_server_with_a_worker(server, tmp_path):
    deployments = deploy(server, PROJECT_ROOT / "prefect.yaml")
    assert set(deployments) == {"daily-refresh", "backfill"}
    daily = deployments["daily-refresh"]
    assert daily["work_pool_name"] == POOL
    schedules = [(s["schedule"].get("cron"), s["schedule"].get("timezone"), s["active"])
                 for s in daily["schedules"]]
    assert schedules == [("30 17 * * 1-5", "Asia/Hong_Kong", True)]

    reports = tmp_path / "reports"
    worker, worker_log = server.procs.start(
        "worker", [PREFECT, "worker", "start", "--pool", POOL, "--type", "process"],
        {**server.env, "HKPIPE_REPORTS": str(reports)})
    live = tmp_path / "warehouse.duckdb"
    created = server.http.post(f"/deployments/{daily['id']}/create_flow_run", json={
        "parameters": {"source": "snapshot", "warehouse": str(live)}})
    assert created.status_code == 201, created.text
    run = wait_for_run(server, created.json()["id"], worker, worker_log)
    assert run["state"]["type"] == "COMPLETED", (f"{run['state']['message']}\n"
                                                 f"{tail(worker_log)}")

    # published: the live file is a checked warehouse, and no build file was left
    assert live.exists()
    assert not list(tmp_path.glob(".warehouse.duckdb.building-*"))
    verdicts = query(live, "SELECT claim_id, verdict FROM claim_results "
                     "WHERE command = 'flow:daily_refresh'")
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

"""A real Prefect server for the system tests: `prefect server start` on 127.0.0.1 (own free
port, own PREFECT_HOME under a temporary folder), in its own process group, stopped at the end
also when a step fails or times out. Only loopback traffic.

One server serves the whole test run (the session fixture ``prefect_server`` in
tests/conftest.py): tests/system/test_deployment.py deploys to it and runs a process worker
against it; tests/system/test_flows.py runs the flows in process against it
(``Server.in_process``). Starting a server (its database migrations) costs about 12 s of CPU,
so it is paid once, not once per file.
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

from tests.fakes.common import PROJECT_ROOT

BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect") if (BIN / "prefect").exists() else "prefect"
SERVER_START_TIMEOUT = 300
STOP_GRACE = 5  # seconds from SIGTERM to SIGKILL (Processes.stop)


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
        """Last started first, each in turn: the worker shuts down while the server it reports
        to still answers (stopped together, a worker that had run a flow sometimes outlived
        any grace). SIGTERM each group, SIGKILL it if still up after STOP_GRACE seconds: all
        they hold is temporary (their PREFECT_HOME and database)."""
        for proc, _ in reversed(self.started):
            self.stop_one(proc)
        for pid in self._marked():
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def stop_one(self, proc: subprocess.Popen) -> None:
        """SIGTERM ``proc``'s group, SIGKILL it if still up after STOP_GRACE seconds."""
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(proc, signal.SIGKILL)  # the group may hold children still
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
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
    def in_process(self):
        """Prefect clients in this process talk to this server, also from threads that
        copied no context (the library's fetch threads), as prefect_test_harness does."""
        from prefect.context import _temporary_global_settings_context, get_settings_context
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: self.api}):
            with _temporary_global_settings_context(get_settings_context()):
                yield self


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
        # no test uses a block; registering Prefect's block types costs ~2 s of startup
        "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
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

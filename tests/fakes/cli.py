"""The ``hkpipe`` command as a user runs it, for tests that read its exit code and output."""

from __future__ import annotations

import os
import subprocess
import sys


def hkpipe(*args, env=None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "hkpipe.cli", *args], capture_output=True,
                          text=True, env=full_env, timeout=300)

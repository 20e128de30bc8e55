"""The ``hkpipe`` command for tests that read its exit code and output.

``hkpipe`` runs it as a user does, in a new interpreter (the system tier: what only a process of
its own shows). ``hkpipe_in_process`` runs the same ``hkpipe.cli.main`` in this process and
answers in the same shape, for tests about what the command says and does: it saves each call
the interpreter start and the imports (Great Expectations alone takes several seconds).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import traceback
import warnings

from .common import NO_HKEX


def hkpipe(*args, env=None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "hkpipe.cli", *args], capture_output=True,
                          text=True, env=full_env, timeout=300)


def hkpipe_in_process(*args, env=None, timeout=None) -> subprocess.CompletedProcess:
    """``hkpipe ARGS`` by ``hkpipe.cli.main`` in this process, as ``hkpipe`` would answer.

    - Environment: this process's without HKPIPE_* plus ``env``, for the call only (the closed
      HKEX port of tests/conftest.py stays unless ``env`` names another service).
    - Exit code: what ``main`` returns; argparse's SystemExit gives its code; an exception
      ``main`` does not handle is exit 1 with its traceback on stderr, as the interpreter
      reports it.
    - stdout and stderr: what the command prints, and what a fresh interpreter would add to
      stderr: warnings under Python's default filters, and log records that reach no handler
      (pytest's log capture is set aside for the call).
    ``timeout`` is accepted for the subprocess runner's signature and not enforced.
    """
    from hkpipe.cli import main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    saved_env, saved_handlers = dict(os.environ), root.handlers[:]
    try:
        for name in [n for n in os.environ if n.startswith("HKPIPE_")]:
            del os.environ[name]
        os.environ.update({**NO_HKEX, **(env or {})})
        root.handlers = []
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                warnings.catch_warnings():
            warnings.resetwarnings()  # the filters a new interpreter starts with
            for action, category in (("ignore", ResourceWarning), ("ignore", ImportWarning),
                                     ("ignore", PendingDeprecationWarning),
                                     ("ignore", DeprecationWarning)):
                warnings.filterwarnings(action, category=category)
            warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if exc.code is not None and not isinstance(exc.code, int):
                    print(exc.code, file=sys.stderr)
            except Exception:
                traceback.print_exc()
                code = 1
    finally:
        root.handlers = saved_handlers
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["hkpipe", *argv], code, out.getvalue(), err.getvalue())

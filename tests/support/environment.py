"""The environment of a kaoping child process as on a fresh machine, for tests that start one."""

from __future__ import annotations

import os

from rules._yaml import CACHE_DIR_ENV


def fresh_environment(*also: str) -> dict[str, str]:
    """This process's environment without kaoping's settings (``KAOPING_*``) nor those starting with ``also``.

    The test run's directory of parsed rule data (``KAOPING_CACHE_DIR``, set by tests/conftest.py) is
    kept, so a child never writes to the user's own cache.
    """
    dropped = ("KAOPING_", *also)
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    if CACHE_DIR_ENV in os.environ:
        env[CACHE_DIR_ENV] = os.environ[CACHE_DIR_ENV]
    return env

"""The root of kaoping's errors, at the bottom of the import graph (structlog's ``exceptions.py``).

``rules`` imports nothing from ``engine`` or ``api``; the engine's and the edges' errors derive from
:class:`KaopingError` here, so one ``except KaopingError`` catches every error kaoping raises on purpose.
"""

from __future__ import annotations


class KaopingError(Exception):
    """Base class of every error kaoping raises on purpose."""


class RulebookError(KaopingError):
    """The rule data under ``rules/`` is malformed; the message names the file and the key.

    Raised when the rulebook loads (``kaoping rules check``, start-up) and when a version is compiled
    for durable_rules.
    """

    def __init__(self, path: str, key: str, msg: str) -> None:
        self.path = path
        self.key = key
        self.msg = msg
        super().__init__(f"{path}: {key}: {msg}")

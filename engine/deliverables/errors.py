"""Why a deliverable cannot be read: a message id of ``rules/messages.yaml`` with its values."""

from __future__ import annotations

from typing import Any

from rules.messages import WordedError


class DeliverableError(WordedError):
    """A file kaoping does not read as a deliverable (PDF, another format, a failed conversion).

    :meth:`text` words it in a language; :attr:`status` is its HTTP status (422, or 503 when the
    conversion it needs cannot run on this machine). Files the Office guard refuses raise
    :class:`engine.office_file.OfficeFileError` instead, which has the same two members.
    """

    messages = "deliverable"

    def __init__(self, key: str, status: int = 422, **values: Any) -> None:
        self.status = status
        super().__init__(key, **values)

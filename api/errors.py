"""Errors of the case store and the API's rules, each with the HTTP status it maps to (in one handler).

An error carries a message id of ``rules/messages.yaml`` and its values (a value that reads differently
per language, such as :class:`rules.messages.Term` or another error, is worded in the same language); each
edge words it in its reader's language (:meth:`ApiError.text`): HTTP by ``Accept-Language``, the command
line by ``--lang``/``KAOPING_LANG``.
"""

from __future__ import annotations

from typing import Any

from rules.messages import WordedError


class ApiError(WordedError):
    """An error with a status code and a one-sentence ``detail`` (a message id and its values)."""

    status_code = 400
    plain_language = "zh"

    def __init__(self, key: str, /, *, headers: dict[str, str] | None = None, **values: Any) -> None:
        self.headers = headers
        super().__init__(key, **values)

    @property
    def detail(self) -> str:
        """The sentence in Chinese."""
        return self.text("zh")


class NotAuthenticatedError(ApiError):
    """No bearer token, or one kaoping does not know."""

    status_code = 401


class ForbiddenError(ApiError):
    """The token's role (or party) may not do this."""

    status_code = 403


class NotFoundError(ApiError):
    """No such case, decision, registry entry or rule version."""

    status_code = 404


class ConflictError(ApiError):
    """The write conflicts with what is stored: a stale ``If-Match``, a duplicate id, an archived case."""

    status_code = 409


class PayloadTooLargeError(ApiError):
    """An upload over its size limit."""

    status_code = 413


class PreconditionRequiredError(ApiError):
    """An update without ``If-Match``."""

    status_code = 428


class ServiceUnavailableError(ApiError):
    """The work could not be done now (a worker process ended unexpectedly); trying again may succeed."""

    status_code = 503

"""uvicorn's HTTP protocol (httptools) with deadlines for slow clients and a cap on connections.

uvicorn bounds neither how long a request's headers may take (its keep-alive timer stops at the first
byte, and a new connection has none) nor how slowly a body may arrive. :class:`GuardedHttpToolsProtocol`
adds, from the settings (``KAOPING_HEADER_TIMEOUT``, ``KAOPING_BODY_GRACE``, ``KAOPING_BODY_MIN_RATE``,
``KAOPING_MAX_CONNECTIONS``):

* a header deadline: a request's headers are complete within ``header_timeout`` seconds (20) of the
  connection's start or of the previous response's end, else the connection gets a 408 and is closed;
* a body rate: after ``body_grace`` seconds (10) a body arrives at ``body_min_rate`` bytes per second
  (2 KB/s) on average, counting only the time the server was willing to read it, else the connection is
  closed (the application sees the client go away);
* a cap of ``max_connections`` per worker: over it, the connection that has waited longest for its
  headers is closed to make room, and when every connection is busy the newcomer gets a 503.

Each closing is one line at info level on ``kaoping.api``. ``kaoping serve`` passes this class to
uvicorn as ``http=`` and raises the file-descriptor limit to fit the cap.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.http.language import text
from api.settings import get_settings

if TYPE_CHECKING:
    import asyncio

    from uvicorn.config import Config
    from uvicorn.server import ServerState

_log = logging.getLogger("kaoping.api")
_TICK = 1.0
"""Seconds between two checks of a body's rate."""


def _response(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


_TIMEOUT = _response(b"408 Request Timeout", text(None, "server.headers_too_slow").encode())
_BUSY = _response(b"503 Service Unavailable", text(None, "server.too_many_connections").encode())


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol with a header deadline, a minimum body rate and a connection cap."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        settings = get_settings()
        self.header_timeout = settings.header_timeout
        self.body_grace = settings.body_grace
        self.body_min_rate = settings.body_min_rate
        self.max_connections = settings.max_connections
        self.awaiting_headers = True
        self.waiting_since = 0.0
        self.header_timer: asyncio.TimerHandle | None = None
        self.body_timer: asyncio.TimerHandle | None = None
        self.body_open = False
        self.body_bytes = 0
        self.body_active = 0.0
        self.body_tick = 0.0

    # ------------------------------------------------------------------ the connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Count the connection against the cap, then start its header deadline."""
        super().connection_made(transport)
        if len(self.connections) > self.max_connections and not self._make_room():
            _log.info("%s refused: %d connections open (the cap)", self.who(), len(self.connections) - 1)
            transport.write(_BUSY)
            transport.close()
            return
        self._await_headers()

    def _make_room(self) -> bool:
        """Close the connection that has waited longest for its headers; whether there was one."""
        waiting = [
            c
            for c in self.connections
            if isinstance(c, GuardedHttpToolsProtocol)
            and c is not self
            and c.awaiting_headers
            and not c.transport.is_closing()
        ]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda c: c.waiting_since)
        _log.info(
            "%s closed to make room: no request after %.0f s",
            oldest.who(),
            self.loop.time() - oldest.waiting_since,
        )
        oldest.transport.close()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the timers."""
        self._cancel_header_timer()
        self._stop_body()
        super().connection_lost(exc)

    def who(self) -> str:
        """The client's address, as uvicorn writes it."""
        return "%s:%d" % self.client if self.client else "a client"  # noqa: UP031 - uvicorn's own format

    # ------------------------------------------------------------------ headers

    def _await_headers(self) -> None:
        self.awaiting_headers = True
        self.waiting_since = self.loop.time()
        self._cancel_header_timer()
        self.header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _cancel_header_timer(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_too_slow(self) -> None:
        self.header_timer = None
        if self.awaiting_headers and not self.transport.is_closing():
            _log.info("%s closed: request headers not complete within %g s", self.who(), self.header_timeout)
            self.transport.write(_TIMEOUT)
            self.transport.close()

    def on_headers_complete(self) -> None:
        """Headers in time: stop their deadline; a request with a body starts the body's clock."""
        self.awaiting_headers = False
        self._cancel_header_timer()
        if any(
            (name == b"content-length" and value.strip() not in {b"", b"0"})
            or (name == b"transfer-encoding" and b"chunked" in value.lower())
            for name, value in self.headers
        ):
            self._start_body()
        super().on_headers_complete()

    # ------------------------------------------------------------------ body

    def _start_body(self) -> None:
        self.body_open = True
        self.body_bytes = 0
        self.body_active = 0.0
        self.body_tick = self.loop.time()
        self.body_timer = self.loop.call_later(_TICK, self._check_body)

    def _stop_body(self) -> None:
        self.body_open = False
        if self.body_timer is not None:
            self.body_timer.cancel()
            self.body_timer = None

    def _check_body(self) -> None:
        self.body_timer = None
        if not self.body_open or self.transport.is_closing():
            return
        now = self.loop.time()
        if not self.flow.read_paused:  # the server wanted the bytes: the client's time counts
            self.body_active += now - self.body_tick
        self.body_tick = now
        if self.body_active > self.body_grace and self.body_bytes < self.body_min_rate * self.body_active:
            _log.info(
                "%s closed: request body at %.0f bytes/s, below %d after %g s",
                self.who(),
                self.body_bytes / self.body_active,
                self.body_min_rate,
                self.body_grace,
            )
            self.transport.close()
            return
        self.body_timer = self.loop.call_later(_TICK, self._check_body)

    def on_body(self, body: bytes) -> None:
        """Count the body's bytes (also those of a request answered before its body was read)."""
        self.body_bytes += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        """The body is in: stop its clock; if the response went already, the next request's deadline runs."""
        self._stop_body()
        super().on_message_complete()
        if self.cycle is not None and self.cycle.response_complete and not self.transport.is_closing():
            self._await_headers()

    def on_response_complete(self) -> None:
        """After a response, the next request's headers have their deadline (once the body is in)."""
        super().on_response_complete()
        if not self.body_open and not self.transport.is_closing():
            self._await_headers()

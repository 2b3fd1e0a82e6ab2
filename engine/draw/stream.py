"""Random choices derived from a seed with a stable function: SHA-256 in counter mode.

Block ``i`` of the stream is ``SHA-256(DOMAIN ‖ seed ‖ i)`` (``i`` as 8 bytes, big-endian); the stream is
the blocks one after another. A whole number below ``n`` takes the fewest bytes that hold ``n - 1``,
keeps the top ``bit_length(n - 1)`` bits, and is drawn again while it is ``n`` or more (rejection
sampling: every number below ``n`` is equally likely, with no modulo bias). The same seed gives the
same choices on every machine and every Python version, which ``random`` does not promise.
"""

from __future__ import annotations

import hashlib

DOMAIN = b"kaoping/panel-draw/v1\x00"
"""Separates this use of a seed from any other (part of every block's input)."""


class SeedStream:
    """The byte stream of one seed, read from the start."""

    def __init__(self, seed: bytes) -> None:
        if not seed:
            raise ValueError("a seed has at least one byte")
        self._seed = seed
        self._counter = 0
        self._buffer = b""

    def read(self, size: int) -> bytes:
        """The next ``size`` bytes of the stream."""
        while len(self._buffer) < size:
            block = hashlib.sha256(DOMAIN + self._seed + self._counter.to_bytes(8, "big")).digest()
            self._buffer += block
            self._counter += 1
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def below(self, n: int) -> int:
        """A whole number in ``[0, n)``, each equally likely (rejection sampling)."""
        if n < 1:
            raise ValueError("the range is empty")
        if n == 1:
            return 0
        bits = (n - 1).bit_length()
        size = (bits + 7) // 8
        while True:
            value = int.from_bytes(self.read(size), "big") >> (size * 8 - bits)
            if value < n:
                return value

    def sample(self, items: list[str], k: int) -> list[str]:
        """``k`` of ``items`` chosen uniformly (a partial Fisher-Yates shuffle), in the order drawn."""
        pool = list(items)
        for i in range(k):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]

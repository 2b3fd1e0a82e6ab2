"""Uniform sampling over every valid panel of a given size, by counting (the "count, then choose" draw).

A valid panel of ``n`` members drawn from ``D`` domain experts and ``N`` others holds ``d`` domain
experts with ``d · q ≥ n · p`` (EXP-02's minimum share ``p/q``), ``d ≤ D`` and ``n − d ≤ N``; there are
``C(D, d) · C(N, n − d)`` of them for each such ``d``. The draw picks one number below the total count
(so each valid panel is equally likely), reads off which ``d`` it falls in (each ``d`` with probability
proportional to its count), and then draws a uniform subset of ``d`` domain experts and one of
``n − d`` others. Each valid panel is therefore drawn with probability ``1 / total``.
"""

from __future__ import annotations

import math
from decimal import Decimal

from engine.draw.stream import SeedStream


def least_domain(size: int, share: Decimal) -> int:
    """The fewest domain experts a panel of ``size`` needs (EXP-02, in integers)."""
    numerator, denominator = share.as_integer_ratio()
    return -(-size * numerator // denominator)


def counts(domain: int, other: int, size: int, share: Decimal) -> dict[int, int]:
    """How many valid panels hold ``d`` domain experts, for every ``d`` that has any."""
    low = max(least_domain(size, share), size - other, 0)
    return {d: math.comb(domain, d) * math.comb(other, size - d) for d in range(low, min(size, domain) + 1)}


def shortfalls(domain: int, other: int, size: int, share: Decimal) -> list[dict[str, int | str]]:
    """Why no valid panel exists: per rule, how many candidates are needed, there, and short."""
    out: list[dict[str, int | str]] = []
    if domain + other < size:
        out.append(
            {"rule": "EXP-01", "needed": size, "available": domain + other, "short": size - domain - other}
        )
    needed = least_domain(size, share)
    if domain < needed:
        out.append({"rule": "EXP-02", "needed": needed, "available": domain, "short": needed - domain})
    return out


def draw(stream: SeedStream, domain: list[str], other: list[str], size: int, share: Decimal) -> list[str]:
    """One panel drawn uniformly from every valid panel (``domain`` and ``other`` in a fixed order).

    Raises:
        ValueError: no valid panel exists (see :func:`shortfalls`).
    """
    by_domain = counts(len(domain), len(other), size, share)
    total = sum(by_domain.values())
    if total == 0:
        raise ValueError("no valid panel")
    index = stream.below(total)
    for d, count in by_domain.items():
        if index < count:
            return stream.sample(domain, d) + stream.sample(other, size - d)
        index -= count
    raise AssertionError("unreachable: the index is below the total")  # pragma: no cover

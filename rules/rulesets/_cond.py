"""A tiny condition language over one flat engine fact, compiled to durable_rules JSON conditions.

Builders write ``F("member_count") < 5`` or ``F("kind").isin(kinds)`` and combine with ``&``, ``|``
and ``~``; negation is pushed down to the comparisons, so every condition is plain durable_rules
JSON (``$and``, ``$or``, ``$lt``, ``$neq`` ..., and ``{"$m": field}`` for field-to-field compares).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_FLIP = {"eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "gt": "lte", "lte": "gt"}
_JSON_OP = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


class Cond:
    """A condition on the case fact."""

    def __and__(self, other: Cond) -> Cond:
        return All((self, other))

    def __or__(self, other: Cond) -> Cond:
        return Any_((self, other))

    def __invert__(self) -> Cond:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """The durable_rules JSON form of this condition."""
        raise NotImplementedError

    def comparisons(self) -> Iterator[Cmp]:
        """Every comparison in the condition (what it reads)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Ref:
    """Another field of the same fact, as the right-hand side of a comparison."""

    field: str


@dataclass(frozen=True, eq=False)
class Cmp(Cond):
    """``field <op> value``."""

    field: str
    op: str
    value: Any

    def __invert__(self) -> Cond:
        return Cmp(self.field, _FLIP[self.op], self.value)

    def to_json(self) -> dict[str, Any]:
        """``{"field": v}`` for equality, ``{"$lt": {"field": v}}`` otherwise."""
        rhs = {"$m": self.value.field} if isinstance(self.value, Ref) else self.value
        if self.op == "eq":
            return {self.field: rhs}
        return {_JSON_OP[self.op]: {self.field: rhs}}

    def comparisons(self) -> Iterator[Cmp]:
        """This comparison."""
        yield self

    def fields(self) -> tuple[str, ...]:
        """The fields it reads: its own, and the right-hand side's when that is another field."""
        return (self.field, self.value.field) if isinstance(self.value, Ref) else (self.field,)


@dataclass(frozen=True, eq=False)
class All(Cond):
    """Every part holds."""

    parts: tuple[Cond, ...]

    def __invert__(self) -> Cond:
        return Any_(tuple(~p for p in self.parts))

    def to_json(self) -> dict[str, Any]:
        """``$and`` of the parts (a single part stands alone)."""
        parts = _flatten(self.parts, All)
        return parts[0].to_json() if len(parts) == 1 else {"$and": [p.to_json() for p in parts]}

    def comparisons(self) -> Iterator[Cmp]:
        """The comparisons of every part."""
        for part in self.parts:
            yield from part.comparisons()


@dataclass(frozen=True, eq=False)
class Any_(Cond):  # noqa: N801 - `Any` is taken by typing
    """At least one part holds."""

    parts: tuple[Cond, ...]

    def __invert__(self) -> Cond:
        return All(tuple(~p for p in self.parts))

    def to_json(self) -> dict[str, Any]:
        """``$or`` of the parts (a single part stands alone)."""
        parts = _flatten(self.parts, Any_)
        return parts[0].to_json() if len(parts) == 1 else {"$or": [p.to_json() for p in parts]}

    def comparisons(self) -> Iterator[Cmp]:
        """The comparisons of every part."""
        for part in self.parts:
            yield from part.comparisons()


def _flatten(parts: tuple[Cond, ...], kind: type[Cond]) -> list[Cond]:
    out: list[Cond] = []
    for p in parts:
        if isinstance(p, kind):
            out.extend(_flatten(p.parts, kind))  # type: ignore[attr-defined]
        else:
            out.append(p)
    return out


@dataclass(frozen=True)
class F:
    """A field of the engine fact; comparisons build :class:`Cmp` conditions."""

    name: str

    def __eq__(self, value: object) -> Cond:  # type: ignore[override]
        return Cmp(self.name, "eq", value)

    def __ne__(self, value: object) -> Cond:  # type: ignore[override]
        return Cmp(self.name, "ne", value)

    def __lt__(self, value: Any) -> Cond:
        return Cmp(self.name, "lt", value)

    def __le__(self, value: Any) -> Cond:
        return Cmp(self.name, "lte", value)

    def __gt__(self, value: Any) -> Cond:
        return Cmp(self.name, "gt", value)

    def __ge__(self, value: Any) -> Cond:
        return Cmp(self.name, "gte", value)

    def __hash__(self) -> int:
        return hash(self.name)

    def isin(self, values: tuple[Any, ...] | list[Any]) -> Cond:
        """The field equals one of the values."""
        return Any_(tuple(Cmp(self.name, "eq", v) for v in values))

    def notin(self, values: tuple[Any, ...] | list[Any]) -> Cond:
        """The field equals none of the values."""
        return All(tuple(Cmp(self.name, "ne", v) for v in values))

    @property
    def true(self) -> Cond:
        """The boolean field is true."""
        return Cmp(self.name, "eq", True)  # noqa: FBT003 - a JSON literal

    @property
    def false(self) -> Cond:
        """The boolean field is false."""
        return Cmp(self.name, "eq", False)  # noqa: FBT003 - a JSON literal

"""The contract's error entries in a person's words: each names its field by label and path.

An entry is ``{"loc": [...], "msg": "...", "type": "..."}`` plus, where the message has values, ``ctx``
(an unknown code's ``ctx.allowed``: the codes with their labels). The sentence is the message
``error.<type>`` (or ``error.<type>.<reason>`` when ``ctx.reason`` says which case of the type it is) of
``rules/messages.yaml``; a problem of an uploaded file, whose type is a message id of its own
(``office_file.doctype``, ``sheet.cell.out_of_range``), is worded by that message. Sentences are Chinese
unless English is asked for; a ``{field}`` blank is the field's label from the vocabulary with its path:
``机构类型（agency.kind）``. The ``type`` values are the
contract's and never depend on the language: :func:`localise` re-words a list for another language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rules import load_rulebook
from rules.messages import Lang, catalogue, message

__all__ = ["Entry", "entry", "field_text", "localise", "relocated", "words"]

_PUBLIC_CTX = (str, int)


def path_text(loc: Sequence[str | int]) -> str:
    """An error location as a dotted path: ``["panel", "members", 1, "id"]`` → ``panel.members.1.id``."""
    return ".".join(str(p) for p in loc)


def field_text(
    loc: Sequence[str | int], lang: Lang = "zh", *, exact: bool = False, place: Sequence[str] = ()
) -> str:
    """How a message names a field: ``机构类型（agency.kind）`` / ``agency kind (agency.kind)``.

    ``exact``: only a field the vocabulary knows by this very path has a label (an unknown field's
    location must not borrow the label of the object it sits in). ``place``: where the input sits in a
    case (a registry's agency record is the case's ``agency``), for the label; the path is ``loc``.
    """
    if not loc:
        return message("error.field.whole", lang)
    vocabulary = load_rulebook().vocabulary
    path = path_text(loc)
    labelled = [*place, *loc]
    if exact:
        known = vocabulary.field_paths.get(".".join(p for p in labelled if isinstance(p, str)))
        label = None if known is None else (known.zh if lang == "zh" else known.en)
    else:
        label = vocabulary.field_label(labelled, lang)
    if label is None:
        return message("error.field.unnamed", lang, path=path)
    return message("error.field.named", lang, label=label, path=path)


def _allowed(code_list: str, lang: Lang) -> list[dict[str, str]]:
    labels = load_rulebook().vocabulary.labels(code_list, lang)
    return [{"code": code, "label": label} for code, label in labels.items()]


def _allowed_text(allowed: Iterable[Mapping[str, str]], lang: Lang) -> str:
    return message("join.items", lang).join(
        message("error.allowed.item", lang, code=a["code"], label=a["label"]) for a in allowed
    )


def _message_id(kind: str, ctx: Mapping[str, Any]) -> str:
    messages = catalogue()
    reason = ctx.get("reason")
    if reason and f"error.{kind}.{reason}" in messages:
        return f"error.{kind}.{reason}"
    if f"error.{kind}" not in messages and kind in messages:  # a file's problem: its own message
        return kind
    return f"error.{kind}"


def words(
    loc: Sequence[str | int], kind: str, ctx: Mapping[str, Any], lang: Lang, place: Sequence[str] = ()
) -> str | None:
    """The sentence of an error, or ``None`` when ``rules/messages.yaml`` has none for its type."""
    key = _message_id(kind, ctx)
    if key not in catalogue():
        return None
    values: dict[str, Any] = {k: v for k, v in ctx.items() if k not in {"allowed", "list"}}
    values["field"] = field_text(loc, lang, exact=kind == "extra_forbidden", place=place)
    values["path"] = path_text(loc)
    if "list" in ctx:
        values["allowed"] = _allowed_text(_allowed(str(ctx["list"]), lang), lang)
    try:
        return message(key, lang, **values)
    except (KeyError, IndexError):  # a value the sentence needs is missing: the general sentence
        return message("error.invalid", lang, field=values["field"])


class Entry(dict[str, Any]):
    """An error entry (a plain JSON object) that keeps its message's values, to be worded again.

    ``at`` is the location the sentence names (the entry's ``loc`` unless it was moved: :func:`relocated`);
    ``place`` is where the input sits in a case, for the field's label (:func:`field_text`).
    """

    raw: Mapping[str, Any]
    at: Sequence[str | int] | None = None
    place: Sequence[str] = ()


def entry(
    loc: Sequence[str | int], kind: str, lang: Lang = "zh", *, place: Sequence[str] = (), **ctx: Any
) -> Entry:
    """One error entry, worded in ``lang``.

    ``ctx`` holds the message's values (``list``: a code list; a :class:`~rules.messages.Localised`
    value is worded in the entry's language). ``place``: where the input sits in a case, for labels.
    """
    text = words(loc, kind, ctx, lang, place) or words(loc, "invalid", {}, lang, place)
    out = Entry(loc=list(loc), msg=text, type=kind)
    out.raw = ctx
    out.place = tuple(place)
    public = public_ctx(ctx, lang)
    if public:
        out["ctx"] = public
    return out


def relocated(err: Mapping[str, Any], loc: Sequence[str | int]) -> dict[str, Any]:
    """An entry moved to another ``loc`` (a change that caused it), still worded for the field it names."""
    if not isinstance(err, Entry):
        return {**err, "loc": list(loc)}
    out = Entry(err, loc=list(loc))
    out.raw = err.raw
    out.at = err.at if err.at is not None else err["loc"]
    out.place = err.place
    return out


def public_ctx(ctx: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    """The values of an entry a client may read: plain strings and numbers, and ``allowed`` codes."""
    out: dict[str, Any] = {k: v for k, v in ctx.items() if isinstance(v, _PUBLIC_CTX) and k != "list"}
    if "list" in ctx:
        out["list"] = str(ctx["list"])
        out["allowed"] = _allowed(str(ctx["list"]), lang)
    return out


def localise(errors: Iterable[Mapping[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """An error list worded in ``lang``.

    An entry made elsewhere (a plain dict) whose type has no message keeps its ``msg``.
    """
    out = []
    for err in errors:
        ctx = getattr(err, "raw", None) or err.get("ctx") or {}
        at = getattr(err, "at", None) or err["loc"]
        place = getattr(err, "place", ())
        text = words(at, str(err["type"]), ctx, lang, place)
        if text is None and isinstance(err, Entry):
            text = words(at, "invalid", {}, lang, place)
        new = dict(err)
        if text is not None:
            new["msg"] = text
        public = public_ctx(ctx, lang)
        if public:
            new["ctx"] = public
        out.append(new)
    return out

"""Rendering a page: one Jinja2 environment over the package's templates, and what every page gets.

Templates only fill in blanks: each gets a flat context from its route, the vocabulary's labels through
``label``/``list_label``/``field`` and the product's sentences through ``msg``; formatting is done by the
filters registered here. Autoescaping is on and an undefined name is an error.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.roles import OFFICE, READ_ALL, ROLES
from api.web.problems import Problem, by_target
from engine.memos.facts_words import FactWords
from engine.memos.filters import yuan
from rules import load_rulebook
from rules.messages import message

if TYPE_CHECKING:
    from starlette.requests import Request

    from api.settings import Settings
    from api.store.web_sessions import Active

TEMPLATES = Path(__file__).resolve().parent / "templates"
OFFICE_TZ = timezone(timedelta(hours=8), "CST")


def msg(key: str, /, **values: Any) -> str:
    """A sentence of ``rules/messages.yaml`` in Chinese (the pages are Chinese whatever the browser asks)."""
    return message(key, "zh", **values)


def label(code_list: str, code: Any) -> str:
    """A code's Chinese label (``—`` for none)."""
    if code is None or code == "":
        return "—"
    return load_rulebook().vocabulary.label(code_list, str(code))


def list_label(code_list: str) -> str:
    """What a code list is, e.g. 评价等级."""
    return load_rulebook().vocabulary.list_label(code_list)


def field(path: str) -> str:
    """A case field's Chinese label by its dotted path (``commission.project_name`` → 项目名称)."""
    found = load_rulebook().vocabulary.field_label(path.split("."))
    return found if found is not None else path


def fact(name: str) -> str:
    """The label of a fact a trace entry shows or a decided value (``rules/facts.yaml``), else the name."""
    facts = load_rulebook().facts
    found = facts.shown.get(name) or facts.decided.get(name)
    return found.label if found is not None else name


@cache
def _fact_words() -> FactWords:
    rulebook = load_rulebook()
    return FactWords(rulebook.facts, rulebook.vocabulary)


def fact_value(name: str, value: Any) -> str:
    """A fact's value as the memos' footnotes write it: codes as labels, units (人, 分, 40%), 是/否, 无."""
    words = _fact_words()
    return words.value(words.declared(name), value)


def parameter(name: str) -> str:
    """A rule parameter's Chinese label (``fees.late_deduction`` → 逾期扣款)."""
    return load_rulebook().parameter(name).label


def parameter_value(name: str, value: Any) -> str:
    """A parameter's value in words: codes as labels, a mapping's keys and each band's fields labelled."""
    meta = load_rulebook().parameter(name)
    if meta.fields:
        # a band is read as (grade, from, to): its fields in the order the metadata lists them
        items = [
            item if isinstance(item, dict) else dict(zip(meta.fields, item, strict=False))
            for item in (value if isinstance(value, list) else [value])
        ]
        return msg("join.clauses").join(
            msg("join.fields").join(
                f"{f.label}：{_coded(f.codes, item[key])}" for key, f in meta.fields.items() if key in item
            )
            for item in items
        )
    if meta.keys and isinstance(value, dict):
        return msg("join.items").join(f"{label(meta.keys, k)}：{plain(v)}" for k, v in value.items())
    return _coded(meta.codes, value)


def _coded(code_list: str | None, value: Any) -> str:
    """A value whose codes (one, or a list of them) read as their labels; anything else as plain text."""
    if code_list is None:
        return plain(value)
    items = value if isinstance(value, list) else [value]
    return msg("join.items").join(label(code_list, v) for v in items) or msg("word.none")


def codes(code_list: str) -> list[tuple[str, str]]:
    """A code list's codes with their labels, in the vocabulary's order (for drop-downs)."""
    return list(load_rulebook().vocabulary.labels(code_list).items())


TONES: dict[str, str] = {
    **dict.fromkeys(("eligible", "valid", "pass", "complete", "payable", "held"), "good"),
    **dict.fromkeys(("needs_approval", "return", "withheld", "incomplete", "pending"), "warn"),
    **dict.fromkeys(("ineligible", "invalid", "suspended", "failed"), "bad"),
    **dict.fromkeys(("优", "良"), "good"),
    "中": "warn",
    "差": "bad",
}
"""The colour of a status badge, by code (anything else is neutral)."""


def tone(code: Any) -> str:
    """The badge colour of a status code: ``good``, ``warn``, ``bad`` or ``none``."""
    return TONES.get(str(code), "none") if code is not None else "none"


def when(value: datetime | date | str | None) -> str:
    """A time in the office's zone (``2024-07-01 09:30``), a date as ISO; ``—`` for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


_ACTOR = re.compile(r"^(?P<role>[a-z_]+)(?::(?P<who>.+?))?#(?P<token>\d+)$")


def actor(value: str) -> str:
    """An audit actor as people read it: ``expert:E1#3`` → 评审专家 E1（令牌 3）; others as they are."""
    found = _ACTOR.match(value)
    if found is None or found["role"] not in ROLES:
        return value
    who = f" {found['who']}" if found["who"] else ""
    return f"{label('role', found['role'])}{who}（令牌 {found['token']}）"


def plain(value: Any) -> str:
    """A JSON value as compact text (parameters, facts, audit details): strings as they are.

    A list is its items joined as a list in Chinese (``E1、E2``; an empty list is 无), never ``[]``.
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return msg("join.items").join(plain(item) for item in value) or msg("word.none")
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def money(value: Any) -> str:
    """An amount of yuan as the memos print it (``74,400.00``); anything else as :func:`plain` shows it."""
    try:
        return yuan(value)
    except ValueError:
        return plain(value)


@cache
def environment() -> Environment:
    """The pages' Jinja2 environment (built once per process)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(
        msg=msg,
        label=label,
        list_label=list_label,
        field=field,
        fact=fact,
        fact_value=fact_value,
        parameter=parameter,
        parameter_value=parameter_value,
        codes=codes,
        tone=tone,
    )
    env.filters.update(when=when, plain=plain, actor=actor, money=money)
    return env


def nav(active: Active | None) -> list[tuple[str, str]]:
    """The navigation of a signed-in role: (path, key of the item's text in the base template)."""
    if active is None:
        return []
    role = active.principal.role
    items = [("/", "home"), ("/cases", "cases")]
    if role in OFFICE:
        items.append(("/cases/new", "new_case"))
    if role in READ_ALL:
        items += [("/agencies", "agencies"), ("/experts", "experts")]
    items.append(("/rules", "rules"))
    if role in READ_ALL:
        items.append(("/audit", "audit"))
    return items


def render(request: Request, template: str, status: int = 200, /, **context: Any) -> HTMLResponse:
    """The page ``template`` with ``context`` and what every page has (who is signed in, the navigation)."""
    active: Active | None = getattr(request.state, "web_user", None)
    settings: Settings = request.app.state.settings
    errors: list[Problem] = context.pop("errors", [])
    page = (
        environment()
        .get_template(template)
        .render(
            request_path=request.url.path,
            user=active,
            csrf=active.csrf if active is not None else "",
            nav=nav(active),
            office_name=settings.office_name,
            errors=errors,
            messages=by_target(errors),
            notice=context.pop("notice", None),
            **context,
        )
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})

"""The FastAPI application: ``create_app(settings)`` with every router under ``/api/v1``."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from fastapi import FastAPI

from api import web
from api.http import API_PREFIX, docs, handlers, openapi
from api.http.middleware import BodyLimitMiddleware
from api.http.routes import (
    audit,
    cases,
    decisions,
    deliverables,
    evaluate,
    health,
    panel,
    register,
    registries,
    replay,
    rulebook,
    scores,
    sheets,
    templates,
    whatif,
)
from api.settings import Settings, get_settings
from api.store import db
from api.store.case_list import CaseList
from api.store.tokens import TokenLookup
from engine import start
from engine.memos.isolation import renderer
from engine.money import prepare_capitals
from rules.messages import message

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    """Stable operation ids for generated clients: ``<tag>-<function name>``."""
    return f"{route.tags[0]}-{route.name}"


def _version() -> str:
    try:
        return version("kaoping")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        return "0"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Register every rule version's durable_rules ruleset now, in one thread (adapter rule 3).
    start(app.state.settings.rules_dir)
    prepare_capitals()  # the first decision with a fee should not pay cn2an's import
    db.check_schema(app.state.engine)
    # The memo renderer's helper process warms up meanwhile (imports, rulebook, shipped templates).
    renderer(app.state.settings.render_budget, app.state.settings.rules_dir).start(wait=False)
    yield
    app.state.tokens.close()
    app.state.cases.close()
    app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application on ``settings`` (default: the process's settings); its database must be migrated."""
    settings = settings or get_settings()
    app = FastAPI(
        title="kaoping 考评",
        summary=message("schema.summary", office=settings.office_name),
        description=message("schema.description"),
        version=_version(),
        lifespan=_lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # api/http/docs.py serves the pages, offline and without inline script
        redoc_url=None,
        generate_unique_id_function=operation_id,
        separate_input_output_schemas=False,
    )
    app.state.settings = settings
    app.state.engine = db.make_engine(settings.effective_database_url)
    app.state.tokens = TokenLookup(app.state.engine)  # connects on the first request
    app.state.cases = CaseList(app.state.engine)  # likewise, on the first GET /cases
    for module in (
        health,
        evaluate,
        cases,
        scores,
        decisions,
        deliverables,
        registries,
        rulebook,
        audit,
        templates,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    for module in (whatif, sheets, register, panel, replay):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(docs.router)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.max_upload_bytes,
        upload_paths=re.compile(f"{deliverables.UPLOAD_PATHS}|{web.UPLOAD_PATHS}"),
    )
    web.install(app)  # the pages, at the root
    handlers.install(app)
    openapi.install(app)
    return app

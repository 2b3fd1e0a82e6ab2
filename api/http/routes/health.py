"""``GET /healthz``: open to all; 503 when the database does not answer."""

from typing import Annotated

from fastapi import Depends, Response
from sqlalchemy import Engine

from api.http.deps import get_engine
from api.http.routing import make_router
from api.http.schemas import Health
from api.store import db

router = make_router("health")


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
def healthz(engine: Annotated[Engine, Depends(get_engine)], response: Response) -> Health:
    """Liveness, and whether the database answers."""
    if db.ping(engine):
        return Health(status="ok", database="ok")
    response.status_code = 503
    return Health(status="unavailable", database="unavailable")

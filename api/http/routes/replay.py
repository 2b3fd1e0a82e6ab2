"""``POST /replay``: every stored case re-decided under candidate rule data sent as a zip."""

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Query, Request

from api.errors import ServiceUnavailableError
from api.http.deps import FinanceOffice, get_settings_dep
from api.http.language import request_language
from api.http.office_schemas import ReplayOut
from api.http.routes._common import PROTECTED
from api.http.routes._office import FILE_REFUSED, ZIP, raw_body, upload_body
from api.http.routing import make_router
from api.reports import replay_lines
from api.settings import Settings
from api.store.replay import CandidateError, ReplayInterruptedError, replay_in_child
from engine.errors import CaseError
from engine.problems import entry
from engine.rules_archive import unpack_rules

router = make_router("replay", responses=PROTECTED)


@router.post(
    "/replay",
    response_model=ReplayOut,
    responses=FILE_REFUSED,
    openapi_extra=upload_body(ZIP, "the candidate rules tree (the layout of rules/) as a zip"),
)
def replay(
    data: Annotated[bytes, Depends(raw_body)],
    settings: Annotated[Settings, Depends(get_settings_dep)],
    _caller: FinanceOffice,
    request: Request,
    year: Annotated[
        int | None, Query(ge=1900, le=9999, description="only cases commissioned that year")
    ] = None,
) -> ReplayOut:
    """Re-decide every live case under the rules in force and under the candidate; report the changes.

    The zip is unpacked under the archive guard (sizes, paths, file kinds, YAML aliases) and the tree
    checked by the rulebook's loader and checks first: every slip is a 422 entry and nothing is
    replayed. The replay runs in a child process, so the server keeps none of its rule engines.
    """
    with tempfile.TemporaryDirectory(prefix="kaoping-candidate-") as folder:
        try:
            root = unpack_rules(data, Path(folder))
            report = replay_in_child(
                database_url=settings.effective_database_url,
                candidate=root,
                current=settings.rules_dir,
                year=year,
            )
        except ReplayInterruptedError:
            raise ServiceUnavailableError("replay.interrupted") from None
        except CandidateError as exc:
            raise CaseError([entry(["file"], "rules_invalid", problem=p) for p in exc.problems]) from None
    return ReplayOut.model_validate({**report, "summary": replay_lines(report, request_language(request))})

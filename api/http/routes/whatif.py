"""``POST /what-if``: a case and changes in, both decisions, their difference and the next grade out."""

from fastapi import Request

from api.http.deps import AnyRole
from api.http.language import request_language
from api.http.office_schemas import WhatIfOut, WhatIfRequest
from api.http.routes._common import PROTECTED
from api.http.routing import make_router
from api.reports import whatif_lines
from engine import start
from engine.whatif import what_if as decide_both

router = make_router("what-if", responses=PROTECTED)


@router.post("/what-if", response_model=WhatIfOut)
def what_if(body: WhatIfRequest, _caller: AnyRole, request: Request) -> WhatIfOut:
    """Decide a case as it is and with the changes; say which results change and by how much.

    For a complete case, also the least rise of each single party-node score (and each member's score)
    that reaches the next grade, computed exactly; ``needed`` is null (不可达) when even 100 is not
    enough. Nothing is stored. Errors: ``loc`` starts with ``case`` (the case) or ``set`` (a change).
    """
    result = decide_both(start(), body.case, body.set)
    return WhatIfOut.model_validate({**result, "summary": whatif_lines(result, request_language(request))})

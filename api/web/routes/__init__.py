"""The pages' routers, one module per page group."""

from api.web.routes import (
    case_form,
    case_list,
    case_page,
    decisions,
    deliverables,
    home,
    reference,
    registries,
    signin,
)

ROUTERS = [
    signin.router,
    home.router,
    case_list.router,
    case_form.router,  # /cases/new before /cases/{case_id}
    case_page.router,
    decisions.router,
    deliverables.router,
    registries.router,
    reference.router,
]

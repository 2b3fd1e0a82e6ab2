"""The pages' routers, one module per page group."""

from api.web.routes import case_form, case_list, case_page, home, signin

ROUTERS = [signin.router, home.router, case_list.router, case_form.router, case_page.router]

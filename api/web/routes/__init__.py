"""The pages' routers, one module per page group."""

from api.web.routes import home, signin

ROUTERS = [signin.router, home.router]

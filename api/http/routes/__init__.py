"""The API's routers, one module per resource (thin: validate, call one function, return)."""

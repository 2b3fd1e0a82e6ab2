"""The HTTP API: the FastAPI app (:mod:`api.http.app`), its routes, dependencies and request plumbing."""

API_PREFIX = "/api/v1"
"""Where every route lives (the OpenAPI document and its docs too)."""

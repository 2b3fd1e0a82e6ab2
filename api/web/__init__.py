"""The web pages: server-rendered Chinese pages for the finance office, the experts and the project units.

They live in the same app as the API (:func:`install` adds them to it) and call the same store and engine
functions as its routes; every role rule is the store's, enforced again on every post. Templates and
static files ship inside the package; nothing is fetched from outside the app.
"""

from api.web.app import UPLOAD_PATHS, install

__all__ = ["UPLOAD_PATHS", "install"]

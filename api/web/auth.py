"""Who is signed in, on every page, and the CSRF check of every form.

A page declares ``user: Signed`` (the signed-in browser, its session and token read again: a revoked or
expired token ends it at once) or, for a form post, ``posted: Posted`` (the same, and the form, whose
``csrf`` field must be the session's secret: a post from anywhere else is refused with 403).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile

from api.errors import ForbiddenError
from api.http.deps import SessionDep
from api.store.web_sessions import Active, lookup_session
from api.web.routing import SESSION_COOKIE, SignInRequiredError


def signed_in(request: Request, session: SessionDep) -> Active:
    """The signed-in browser of the request; :class:`SignInRequiredError` when there is none."""
    state = lookup_session(session=session, cookie=request.cookies.get(SESSION_COOKIE))
    if not isinstance(state, Active):
        raise SignInRequiredError(state)
    request.state.web_user = state
    return state


Signed = Annotated[Active, Depends(signed_in)]


@dataclass(frozen=True)
class Form:
    """A posted form: its text fields (the last value of a name) and files."""

    data: FormData

    def text(self, name: str) -> str:
        """A text field's value, ``""`` when absent (or a file)."""
        value = self.data.get(name)
        return value if isinstance(value, str) else ""

    def texts(self, name: str) -> list[str]:
        """Every value of a repeated name (checkboxes)."""
        return [v for v in self.data.getlist(name) if isinstance(v, str)]

    def file(self, name: str) -> UploadFile | None:
        """An uploaded file, ``None`` when none was chosen."""
        value = self.data.get(name)
        return value if isinstance(value, UploadFile) and value.filename else None

    def names(self) -> list[str]:
        """The names posted, in order, each once."""
        return list(dict.fromkeys(self.data.keys()))

    def values(self) -> dict[str, Any]:
        """Every text field, repeated names as lists."""
        return {
            name: self.texts(name) if len(self.texts(name)) > 1 else self.text(name) for name in self.names()
        }


@dataclass(frozen=True)
class PostedForm:
    """A form posted by a signed-in browser, its CSRF field checked."""

    user: Active
    form: Form


async def posted_form(request: Request, user: Signed) -> PostedForm:
    """The posted form; 403 unless its ``csrf`` field is the session's secret."""
    data = await request.form()
    given = data.get("csrf")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), user.csrf.encode()):
        raise ForbiddenError("web.csrf")
    return PostedForm(user=user, form=Form(data))


Posted = Annotated[PostedForm, Depends(posted_form)]

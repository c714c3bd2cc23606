"""Designer pages: the list of workflow definitions and the designer for one of them.

Both are thin: the list renders what the definitions selector returns, and the designer
page only hands the React app its configuration; all reads and writes of graphs go
through the REST API, which enforces permissions again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


@dataclass(frozen=True, slots=True)
class DefinitionAccess:
    """What the designer page needs to know about one definition for one user."""

    key: str
    name: str
    can_edit: bool


def _definition_access(*, user: Any, key: str) -> DefinitionAccess:
    """Return the user's access to definition `key`; raise Http404 if they may not view it.

    TODO(definitions): wire to `workflows.selectors` once the definitions engineer lands
    them (fetch the definition visible to `user`, 404 when absent or hidden, can_edit from
    its permissions). Until then the page renders for any signed-in user and the React
    app shows the API's 404 ("no workflow, or you may not see it") itself.
    """
    return DefinitionAccess(key=key, name=key, can_edit=True)


def _visible_definitions(*, user: Any) -> list[Any] | None:
    """Definitions the user may view, newest first; None while the selector is missing.

    TODO(definitions): wire to `workflows.selectors` (definition_list for `user`).
    """
    return None


@login_required
def definition_list(request: HttpRequest) -> HttpResponse:
    """The workflows a user can see, with a form to start a new one."""
    context = {
        "definitions": _visible_definitions(user=request.user),
        "api_base": reverse("api:api-root"),
    }
    return render(request, "designer/list.html", context)


@login_required
def definition_edit(request: HttpRequest, key: str) -> HttpResponse:
    """The designer for one definition (a React app configured through json_script)."""
    access = _definition_access(user=request.user, key=key)
    if access is None:  # pragma: no cover - the selector raises Http404 itself
        raise Http404
    config = {
        "key": access.key,
        "apiBase": reverse("api:api-root"),
        "user": request.user.get_username(),
        "readOnly": not access.can_edit,
    }
    return render(request, "designer/edit.html", {"config": config, "access": access})

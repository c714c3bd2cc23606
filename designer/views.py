"""Designer pages: the list of workflow definitions and the designer for one of them.

Both are thin: the list renders what the definitions selector returns, and the designer
page only hands the React app its configuration; all reads and writes of graphs go
through the REST API, which enforces the same permissions again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse

from workflows.selectors.definitions import can_edit, definition_get_for_user, definition_list_for_user


@dataclass(frozen=True, slots=True)
class DefinitionAccess:
    """What the designer page needs to know about one definition for one user."""

    key: str
    name: str
    can_edit: bool


def definition_access(*, user: Any, key: str) -> DefinitionAccess:
    """Return the user's access to definition `key`; raise Http404 when they may not view it."""
    definition = definition_get_for_user(user=user, key=key)
    return DefinitionAccess(key=definition.key, name=definition.name, can_edit=can_edit(user, definition))


@login_required
def definition_list(request: HttpRequest) -> HttpResponse:
    """The workflows the user can see, with a form to start a new one."""
    definitions = list(definition_list_for_user(user=request.user))
    context = {
        "owned": [d for d in definitions if d.owner_id == request.user.pk],
        "shared": [d for d in definitions if d.owner_id != request.user.pk],
        "api_base": reverse("api:api-root"),
    }
    return render(request, "designer/list.html", context)


@login_required
def definition_edit(request: HttpRequest, key: str) -> HttpResponse:
    """The designer for one definition: a React app configured through json_script."""
    access = definition_access(user=request.user, key=key)
    config = {
        "key": access.key,
        "apiBase": reverse("api:api-root"),
        "user": request.user.get_username(),
        "readOnly": not access.can_edit,
        # The app reads the csrftoken cookie; this copy serves if the cookie is HttpOnly.
        "csrfToken": get_token(request),
    }
    return render(request, "designer/edit.html", {"config": config, "access": access})

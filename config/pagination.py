"""API pagination: page numbers, with a count that stops counting at a cap.

A first page must not cost a `COUNT(*)` over a million rows. The paginator counts at
most `COUNT_CAP + 1` rows (`SELECT COUNT(*) FROM (... LIMIT cap + 1)`, an index range
when the list is ordered by an indexed column). Under the cap the answer is exactly
DRF's (`count`, `next`, `previous`, `results`) plus `count_exact: true`; over it,
`count` is the cap, `count_exact` is false, and every page still works: it reads one
row past its end to know whether a next page exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 10_000


class _OpenEndedPage(Page):
    """A page past a capped count: it knows only whether one more row exists."""

    def __init__(self, rows: Sequence[Any], number: int, paginator: Paginator, *, more: bool) -> None:
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class CappedCountPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        return int(self.object_list[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def exact(self) -> bool:
        return self._counted <= self.cap

    def validate_number(self, number: Any) -> int:
        if self.exact:
            return super().validate_number(number)
        try:
            value = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # PageNotAnInteger: DRF answers 404
        if value < 1:
            raise EmptyPage("That page number is less than 1")
        return value

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if self.exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return _OpenEndedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class CappedCountPagination(PageNumberPagination):
    """DRF's page-number pagination over `CappedCountPaginator` (the API's default)."""

    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            f"Matching items, counted up to {COUNT_CAP:,}; see count_exact."
        )
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when more than {COUNT_CAP:,} items match (count is then the cap).",
        }
        return described

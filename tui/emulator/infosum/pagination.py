"""v2 pagination: ``pagination.page`` (1-based, default 1) and ``pagination.per_page`` (default 100, max 500).

Answer block: ``{"next_page", "results", "total_results"}``. Decisions (reference §5.1 leaves them open):
- ``next_page`` is **omitted on the last page** (grpc-gateway omits zero values); present otherwise.
- ``per_page`` above 500 or a negative/non-integer value is 400 INVALID_ARGUMENT; 0 means "unset" (default).
- ``page`` 0 means "unset" (page 1); a page past the end is 200 with an empty list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import invalid

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def stop(self) -> int:
        return self.start + self.per_page


def _int_param(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise invalid(f"{name}: '{raw}' is not an integer") from None


def parse_page(params: Mapping[str, str]) -> PageRequest:
    page = _int_param(params, "pagination.page")
    per_page = _int_param(params, "pagination.per_page")
    if page is not None and page < 0:
        raise invalid(f"pagination.page must be 1 or more, got {page}")
    if per_page is not None and per_page < 0:
        raise invalid(f"pagination.per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}")
    if per_page is not None and per_page > MAX_PER_PAGE:
        raise invalid(f"pagination.per_page must be at most {MAX_PER_PAGE}, got {per_page}")
    return PageRequest(page or 1, per_page or DEFAULT_PER_PAGE)


def page_block(total: int, request: PageRequest) -> dict:
    results = max(0, min(request.stop, total) - request.start)
    block: dict = {"results": results, "total_results": total}
    if request.stop < total:
        block["next_page"] = request.page + 1
    return block

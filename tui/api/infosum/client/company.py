"""The account, health, and the company-wide lists (destinations, datasets): an ``InfoSumClient`` mixin."""

from __future__ import annotations

from ..models import (
    Account,
    Dataset,
    DestinationInstance,
    Health,
    Page,
)
from .core import (
    ClientCore,
    _unwrap,
)


class CompanyApi(ClientCore):
    """Accounts, health, company-wide lists."""

    # ------------------------------------------------------------------ accounts, health

    async def me(self) -> Account:
        """``GET /api/v2/accounts/me``: the key's user and company."""
        path = "/api/v2/accounts/me"
        return self._parse(Account, _unwrap(await self._get(path), "account"), path)

    async def company_display_name(self, company_id: str) -> str:
        if not company_id:
            raise ValueError("company_id is required")
        body = await self._get("/api/v2/accounts/companies/display_name", {"company_id": company_id})
        name = body.get("company_display_name") if isinstance(body, dict) else None
        return str(name or "")

    async def health(self) -> Health:
        path = "/api/v1/health"
        return self._parse(Health, await self._get(path), path)

    # ------------------------------------------------------------------ company-wide lists

    async def list_destination_instances(self, page: int = 1, per_page: int = 100,
                                         order_by: str | None = None, filter: str | None = None,
                                         permissionable_to: str | None = None) -> Page[DestinationInstance]:
        """``GET /api/v2/destinations/instances`` (caller-owned destinations)."""
        # the list key is undocumented: accept the likely spellings
        return await self._list("/api/v2/destinations/instances",
                                ("destinations", "destination_instances", "instances"),
                                DestinationInstance, page, per_page, order_by, filter,
                                permissionable_to=permissionable_to)

    async def list_datasets(self, page: int = 1, per_page: int = 100, order_by: str | None = None,
                            filter: str | None = None) -> Page[Dataset]:
        """``GET /api/v2/datasets``: v2 datasets visible to the company."""
        return await self._list("/api/v2/datasets", ("datasets",), Dataset, page, per_page, order_by, filter)

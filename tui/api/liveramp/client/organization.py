"""The organization's data connections, sources, users and credentials: a ``LiveRampClient`` mixin."""

from __future__ import annotations

from ..models import (
    DataConnection,
    DataSource,
    DataType,
    IdentifierType,
    OrganizationCredential,
    OrganizationUser,
)
from .core import (
    ClientCore,
    _seg,
)


class OrganizationApi(ClientCore):
    """Organization-level reads."""

    # ------------------------------------------------------------------ organization

    async def list_data_connections(self) -> list[DataConnection]:
        return await self._get_many(DataConnection, "/data-connections")

    async def list_data_sources(self) -> list[DataSource]:
        return await self._get_many(DataSource, "/data-sources")

    async def data_source_types(self, data_source_id: str) -> list[DataType]:
        return await self._get_many(DataType, f"/data-sources/{_seg(data_source_id)}/data-types")

    async def list_identifier_types(self) -> list[IdentifierType]:
        return await self._get_many(IdentifierType, "/identifier-types")

    async def list_users(self, limit: int = 500, offset: int = 0) -> list[OrganizationUser]:
        return await self._get_many(OrganizationUser, "/users", {"limit": limit, "offset": offset})

    async def list_credentials(self) -> list[OrganizationCredential]:
        """Organization credentials, names only (values are dropped while parsing)."""
        return await self._get_many(OrganizationCredential, "/organization-credentials")

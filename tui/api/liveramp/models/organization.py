"""The organization: data connections and sources, users, credentials."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from .base import (
    CredentialField,
    LRModel,
    NamedRef,
    TimeAudit,
    UserAudit,
    UserRef,
    _drop_values,
    alias,
    models_of,
)

# --------------------------------------------------------------------------- organization


class DataSource(LRModel):
    id: str = alias("id", "ID", default="")
    name: str = ""
    display_name: str = ""
    credential_source: str | None = None


class DataSourceSetting(LRModel):
    id: str | None = alias("id", "ID")
    name: str = ""
    display_name: str = ""
    value: str = ""


class DataConnection(LRModel):
    """``DataConnectionResponse``."""

    id: str = alias("id", "ID", default="")
    name: str = ""
    category: str = ""
    credential_id: str | None = alias("credentialId", "credentialID")
    data_type: NamedRef | None = None
    data_source: DataSource | None = None
    data_source_configuration: list[DataSourceSetting] = []
    config_status: str = ""
    run_status: str = ""
    stage: str = ""


class OrganizationUser(LRModel):
    role_name: str = ""
    user: UserRef | None = None


class OrganizationCredential(LRModel):
    """``OrganizationCredentialDetail`` without any credential value."""

    id: str = alias("id", "ID", default="")
    name: str = ""
    managed_credential: bool | None = None
    credential_source_id: str | None = alias("credentialSourceId", "credentialSourceID")
    credential_source_name: str = ""
    credentials: list[CredentialField] = []
    time_audit: TimeAudit | None = None
    user_audit: UserAudit | None = None

    @field_validator("credentials", mode="before")
    @classmethod
    def _no_values(cls, value: Any) -> Any:
        return _drop_values(value)


__all__ = models_of(globals())

"""The base of every LiveRamp model: lenient scalars, ``LRModel``, shared pieces, health and token.

The parsing rules (see the package docstring) live here, in ``LRModel`` and the lenient scalars.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ..lenient import lenient_date as _lenient_date
from ..lenient import parse_datetime
from ..lenient import str_list as _str_list
from ..lenient import str_map as _str_map

# --------------------------------------------------------------------------- lenient scalars
# (the readers are standard library, in .lenient: the headless fast path shapes plain JSON with them)

LenientDatetime = Annotated[datetime | None, BeforeValidator(parse_datetime)]
LenientDate = Annotated[date | None, BeforeValidator(_lenient_date)]
StrMap = Annotated[dict[str, str], BeforeValidator(_str_map)]
StrList = Annotated[list[str], BeforeValidator(_str_list)]


def alias(*names: str, default: Any = None) -> Any:
    """A field readable under several wire names (the python name is accepted too)."""
    return Field(default=default, validation_alias=AliasChoices(*names))


class LRModel(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        alias_generator=to_camel,
        coerce_numbers_to_str=True,
        # validators are built on a model's first use, not at import (start-up time, issue 5)
        defer_build=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _null_is_missing(cls, data: Any) -> Any:
        # the platform sends null for empty lists/maps (e.g. "dimension": null): use the defaults
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


# --------------------------------------------------------------------------- shared pieces


class Success(LRModel):
    """``DeleteResponse`` / ``{success}`` answers (+ an optional message)."""

    success: bool | None = None
    message: str | None = None


class ReturnObject(LRModel):
    """``{code, message}``: the answer of a run status update."""

    code: str | None = None
    message: str | None = None


class TimeAudit(LRModel):
    created_at: LenientDatetime = None
    updated_at: LenientDatetime = None
    deleted_at: LenientDatetime = None


class UserAudit(LRModel):
    created_by: Any = None
    updated_by: Any = None
    created_by_user: Any = None
    updated_by_user: Any = None


class NamedRef(LRModel):
    """``{id, name, displayName}``: data types, identifier types, import data types."""

    id: str | None = alias("id", "ID", "Id")
    name: str = ""
    display_name: str = ""


DataType = NamedRef
IdentifierType = NamedRef


class NameValueType(LRModel):
    name: str = ""
    value: str = ""
    type: str | None = None


class NameType(LRModel):
    name: str = ""
    type: str | None = None


class NameDescription(LRModel):
    name: str = ""
    description: str | None = None


class UserRef(LRModel):
    id: str | None = alias("id", "ID")
    name: str = ""
    email: str = ""


# --------------------------------------------------------------------------- health / token


class Health(LRModel):
    status: str = ""
    status_code: int | None = None
    description: str = ""
    version: str = ""


class TokenInfo(LRModel):
    """The token answer (camelCase on this platform, not RFC 6749's snake_case)."""

    access_token: str = Field(default="", repr=False,
                              validation_alias=AliasChoices("accessToken", "access_token"))
    token_type: str = alias("tokenType", "token_type", default="Bearer")
    expires_in: int | None = alias("expiresIn", "expires_in")
    expires_at: LenientDatetime = alias("expiresAt", "expires_at")


# --------------------------------------------------------------------------- credentials (by name: values are never kept)


class CredentialField(LRModel):
    """A credential entry, by name only: values are never kept."""

    id: str | None = alias("ID", "id")
    name: str = ""


def _drop_values(value: Any) -> Any:
    if isinstance(value, list):
        return [{k: v for k, v in item.items() if k.lower() != "value"} if isinstance(item, dict) else item
                for item in value]
    return value


def models_of(namespace: dict[str, Any]) -> list[str]:
    """The pydantic models a module defines: its ``__all__`` (the package re-exports each module's)."""
    return [name for name, obj in dict(namespace).items()
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == namespace["__name__"]]


__all__ = models_of(globals()) + ["parse_datetime", "DataType", "IdentifierType"]

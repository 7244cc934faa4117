"""Accounts and collaborations: members, their rights, dataset permissions."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import (
    STATUS_ACTIVE,
    Model,
    Time,
)

# --------------------------------------------------------------------------- accounts

class Company(Model):
    id: str = ""
    display_name: str = ""


class Account(Model):
    """``GET /api/v2/accounts/me``: the key's user and its company (§12.5)."""

    id: str = ""
    display_name: str = ""
    company: Company = Field(default_factory=Company)


# --------------------------------------------------------------------------- collaborations

class MemberRights(Model):
    contributor: bool = False
    detailed_logs: bool = False
    operator: bool = False

    def labels(self) -> list[str]:
        return [name for name, on in (("contributor", self.contributor),
                                      ("detailed logs", self.detailed_logs),
                                      ("operator", self.operator)) if on]


class CollaborationMemberSummary(Model):
    id: str = ""
    display_name: str = ""


class CollaborationMember(CollaborationMemberSummary):
    """A member company. ``rights`` is None where the server did not send it (current summaries)."""

    rights: MemberRights | None = None


class _DatasetPermissionBase(Model):
    dataset_id: str = ""
    owner_id: str = ""
    collaboration_dataset_name: str = ""
    intersection_only: bool = False


class InsightDatasetPermission(_DatasetPermissionBase):
    attribute_restriction: bool = False
    allowed_attributes: list[str] = Field(default_factory=list)
    activation_allowed: bool = False


class ActivationDatasetPermission(_DatasetPermissionBase):
    exportable_to_members: list[str] = Field(default_factory=list)


class DatasetPermission(InsightDatasetPermission):
    """A dataset added through the unified ``/datasets`` endpoint (§8.2)."""

    exportable_to_members: list[str] = Field(default_factory=list)
    destination_type_restriction: bool = False
    allowed_destination_types: list[str] = Field(default_factory=list)


class CollaborationSummary(Model):
    """A list item of ``GET /api/v2/collaborations``.

    ``owner``/``members`` carry ``rights`` in the playbook and older specs, not in the current one.
    """

    id: str = ""
    name: str = ""
    description: str = ""
    status: str = ""
    owner: CollaborationMember = Field(default_factory=CollaborationMember)
    members: list[CollaborationMember] = Field(default_factory=list)
    private_path_enabled: bool = False
    created_date_time: Time = None
    updated_date_time: Time = None
    last_activity_date_time: Time = None

    @property
    def active(self) -> bool:
        return self.status == STATUS_ACTIVE

    def participants(self) -> list[CollaborationMember]:
        """Owner first, then members; the owner once even if ``members`` also lists it."""
        out = [self.owner] if self.owner.id else []
        out += [m for m in self.members if m.id != self.owner.id]
        return out

    def member(self, company_id: str) -> CollaborationMember | None:
        return next((m for m in self.participants() if m.id == company_id), None)


class Collaboration(CollaborationSummary):
    """``GET /api/v2/collaborations/{id}`` → ``collaboration``.

    Detail members always have rights: an omitted ``rights`` is the all-false zero value.
    """

    datasets: list[DatasetPermission] = Field(default_factory=list)
    insight_datasets: list[InsightDatasetPermission] = Field(default_factory=list)
    activation_datasets: list[ActivationDatasetPermission] = Field(default_factory=list)
    destination_ids: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _default_rights(self) -> Collaboration:
        for m in [self.owner, *self.members]:
            if m.rights is None:
                m.rights = MemberRights()
        return self

    def rights_of(self, company_id: str) -> MemberRights | None:
        m = self.member(company_id)
        return m.rights if m else None

    def dataset_ids(self) -> list[str]:
        """Every dataset in the collaboration, whichever endpoint added it, without duplicates."""
        seen: dict[str, None] = {}
        for d in [*self.datasets, *self.insight_datasets, *self.activation_datasets]:
            if d.dataset_id:
                seen.setdefault(d.dataset_id)
        return list(seen)

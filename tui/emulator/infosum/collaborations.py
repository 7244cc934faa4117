"""Collaboration mutations (create, close, leave, add/remove datasets and destinations).

Each successful mutation emits exactly one event (reference §13) and bumps the collaboration's
``updated_date_time`` and ``last_activity_date_time``. Check order: visible (404) → right (403)
→ open (400 FAILED_PRECONDITION) → body (400) → asset exists (404) → caller owns it (403) →
not a duplicate (400, ``world.duplicate_status``).
"""

from __future__ import annotations

import re

from . import bodies, messages
from .catalog import DESTINATION_TYPES
from .errors import ApiFailure, forbidden, invalid, not_found
from .events import EventLog
from .history import Catalog, HistoryRenderer
from .model import (
    ACTIVATION_LIST,
    IDENTITY,
    INSIGHT,
    INSIGHT_LIST,
    STATUS_ACTIVE,
    STATUS_CLOSED,
    UNIFIED,
    Collaboration,
    DatasetPermission,
    DestinationLink,
    User,
)
from .rights import require_active, require_owner, require_right, visible_collaboration
from .world import World

CREATE_FIELDS = ("name", "description", "creator_rights", "collaborators")
DATASET_FIELDS = {
    UNIFIED: ("dataset_id", "collaboration_dataset_name", "intersection_only", "attribute_restriction",
              "allowed_attributes", "activation_allowed", "exportable_to_members", "destination_type_restriction",
              "allowed_destination_types"),
    INSIGHT_LIST: ("dataset_id", "collaboration_dataset_name", "intersection_only", "attribute_restriction",
                   "allowed_attributes", "activation_allowed"),
    ACTIVATION_LIST: ("dataset_id", "collaboration_dataset_name", "exportable_to_members", "intersection_only"),
}
ADDED = {UNIFIED: "TYPE_DATASET_ADDED", INSIGHT_LIST: "TYPE_INSIGHT_DATASET_ADDED",
         ACTIVATION_LIST: "TYPE_ACTIVATION_DATASET_ADDED"}
REMOVED = {UNIFIED: "TYPE_DATASET_REMOVED", INSIGHT_LIST: "TYPE_INSIGHT_DATASET_REMOVED",
           ACTIVATION_LIST: "TYPE_ACTIVATION_DATASET_REMOVED"}
NAME_RE = re.compile(r"^[A-Za-z0-9]{1,17}$")


def _duplicate(world: World, message: str) -> ApiFailure:
    return ApiFailure(world.duplicate_status, "ALREADY_EXISTS", message)


# ---------------------------------------------------------------------------- lifecycle

def create(world: World, user: User, body: dict) -> Collaboration:
    bodies.check_fields(body, CREATE_FIELDS)
    name = bodies.string(body, "name", required=True).strip()
    if not name:
        raise invalid("name is required")
    if len(name) > 200:
        raise invalid("name must be at most 200 characters")
    description = bodies.string(body, "description")
    creator_rights = bodies.rights(body.get("creator_rights"), "creator_rights")
    raw = body.get("collaborators")
    if raw is None:
        raise invalid("collaborators is required: list the partner companies and their rights")
    if not isinstance(raw, list) or not raw:
        raise invalid("collaborators must be a non-empty list of {company_id, rights}")
    members = {}
    for n, item in enumerate(raw):
        where = f"collaborators[{n}]"
        if not isinstance(item, dict):
            raise invalid(f"{where} must be an object")
        bodies.check_fields(item, ("company_id", "rights"), where)
        company_id = bodies.string(item, "company_id", required=True, where=f"{where}.")
        if company_id == user.company_id:
            raise invalid(f"{where}.company_id is your own company; set your rights with creator_rights")
        if company_id not in world.companies:
            raise invalid(f"{where}.company_id: unknown company '{company_id}'")
        if company_id in members:
            raise invalid(f"{where}.company_id: company '{company_id}' is listed twice")
        members[company_id] = bodies.rights(item.get("rights"), f"{where}.rights")
    now = world.now()
    names = {c.id: c.display_name for c in world.companies.values()}
    collab = Collaboration(id=f"CLB.{world.ids.token(12)}", name=name, description=description,
                           status=STATUS_ACTIVE, owner_id=user.company_id, owner_rights=creator_rights,
                           members=members, created=now, updated=now, last_activity=now,
                           events=EventLog(HistoryRenderer(names, Catalog())))
    world.collaborations[collab.id] = collab
    actor = world.company_name(user.company_id)
    world.emit(collab, "TYPE_COLLABORATION_CREATED", user.company_id,
               messages.created(actor, user.company_id, name, len(members)), now)
    return collab


def close(world: World, user: User, collab_id: str) -> None:
    collab = visible_collaboration(world, user.company_id, collab_id)
    require_owner(collab, user.company_id, "close it")
    require_active(collab, "close it again")
    collab.status = STATUS_CLOSED
    world.emit(collab, "TYPE_COLLABORATION_CLOSED", user.company_id,
               messages.closed(world.company_name(user.company_id), user.company_id))


def leave(world: World, user: User, collab_id: str) -> None:
    collab = visible_collaboration(world, user.company_id, collab_id)
    if collab.owner_id == user.company_id:
        raise forbidden(f"the owner cannot leave collaboration {collab.id}; close it instead")
    # GUESS (reference §15.9): the leaver's datasets and destinations leave with it, silently
    for perm in [p for p in collab.datasets if p.owner_id == user.company_id]:
        collab.datasets.remove(perm)
        _forget(world, collab, perm.dataset_id)
    for link in [d for d in collab.destinations if d.owner_id == user.company_id]:
        collab.destinations.remove(link)
        _forget(world, collab, link.destination_id)
    del collab.members[user.company_id]
    collab.left[user.company_id] = world.now()
    world.emit(collab, "TYPE_COLLABORATION_LEFT", user.company_id,
               messages.left(world.company_name(user.company_id), user.company_id))


# ---------------------------------------------------------------------------- datasets

def _guard_change(world: World, user: User, collab_id: str, action: str) -> Collaboration:
    collab = visible_collaboration(world, user.company_id, collab_id)
    require_right(collab, user.company_id, "contributor", action)
    require_active(collab, action)
    return collab


def add_dataset(world: World, user: User, collab_id: str, body: dict, via: str = UNIFIED) -> DatasetPermission:
    collab = _guard_change(world, user, collab_id, "adding a dataset")
    bodies.check_fields(body, DATASET_FIELDS[via])
    dataset_id = bodies.string(body, "dataset_id", required=True)
    cname = bodies.string(body, "collaboration_dataset_name", required=True)
    if not NAME_RE.match(cname):
        raise invalid(f"collaboration_dataset_name '{cname}' must be 1-17 letters or digits (no spaces or symbols)")
    perm = DatasetPermission(
        via=via, dataset_id=dataset_id, owner_id=user.company_id, collaboration_dataset_name=cname,
        added=world.now(),
        intersection_only=bodies.boolean(body, "intersection_only"),
        attribute_restriction=bodies.boolean(body, "attribute_restriction"),
        allowed_attributes=bodies.string_list(body, "allowed_attributes"),
        activation_allowed=bodies.boolean(body, "activation_allowed"),
        exportable_to_members=bodies.string_list(body, "exportable_to_members"),
        destination_type_restriction=bodies.boolean(body, "destination_type_restriction"),
        allowed_destination_types=bodies.string_list(body, "allowed_destination_types"),
    )
    for company_id in perm.exportable_to_members:
        if not collab.is_member(company_id):
            raise invalid(f"exportable_to_members: '{company_id}' is not a member of collaboration {collab.id}")
    if perm.allowed_destination_types and not perm.destination_type_restriction:
        raise invalid("allowed_destination_types may only be set when destination_type_restriction is true")
    for type_id in perm.allowed_destination_types:
        if type_id not in DESTINATION_TYPES:
            raise invalid(f"allowed_destination_types: unknown destination type '{type_id}'")
    ds = world.datasets.get(dataset_id)
    if ds is None:
        raise not_found(f"dataset {dataset_id} not found")
    if ds.owner_id != user.company_id:
        raise forbidden(f"dataset {dataset_id} is owned by another company; only its owner can add it")
    for attr in perm.allowed_attributes:
        if ds.attribute(attr) is None:
            known = ", ".join(a.name for a in ds.attributes) or "none"
            raise invalid(f"allowed_attributes: dataset {dataset_id} has no attribute '{attr}' (it has: {known})")
    if via == ACTIVATION_LIST and ds.type != IDENTITY:
        raise invalid(f"dataset {dataset_id} is an insight dataset; add it with /insight-datasets or /datasets")
    if via == INSIGHT_LIST and ds.type != INSIGHT:
        raise invalid(f"dataset {dataset_id} is an identity dataset; add it with /activation-datasets or /datasets")
    if collab.permission(dataset_id) is not None:
        raise _duplicate(world, f"dataset {dataset_id} is already in collaboration {collab.id}")
    if collab.permission_by_name(cname) is not None:
        raise _duplicate(world, f"collaboration_dataset_name '{cname}' is already used in collaboration {collab.id}")
    collab.datasets.append(perm)
    _remember(world, collab, (ds.id, cname, ds.owner_id), ds.rows, ds.type == IDENTITY)
    world.emit(collab, ADDED[via], user.company_id,
               messages.dataset_change(ADDED[via], world.company_name(user.company_id), ds.id, cname, ds.owner_id))
    return perm


def remove_dataset(world: World, user: User, collab_id: str, dataset_id: str, via: str = UNIFIED) -> None:
    collab = _guard_change(world, user, collab_id, "removing a dataset")
    # the unified route removes a dataset however it was added; the legacy ones only their own kind
    perm = collab.permission(dataset_id, None if via == UNIFIED else via)
    if perm is None:
        raise not_found(f"dataset {dataset_id} is not in collaboration {collab.id}")
    if perm.owner_id != user.company_id:
        raise forbidden(f"dataset {dataset_id} belongs to another company; only its owner can remove it")
    collab.datasets.remove(perm)
    _forget(world, collab, dataset_id)
    world.emit(collab, REMOVED[via], user.company_id,
               messages.dataset_change(REMOVED[via], world.company_name(user.company_id), dataset_id,
                                       perm.collaboration_dataset_name, perm.owner_id))


def _catalog(collab: Collaboration) -> Catalog | None:
    catalog = getattr(collab.events.renderer, "catalog", None)
    return catalog if isinstance(catalog, Catalog) else None


def _remember(world: World, collab: Collaboration, ref: tuple[str, str, str], rows: int | None,
              identity: bool = False) -> None:
    """Keep the history catalog in step with live changes (assets it may mention, and when)."""
    catalog = _catalog(collab)
    if catalog is not None:
        catalog.add(ref, world.now().timestamp(), rows=rows, identity=identity)


def _forget(world: World, collab: Collaboration, asset_id: str) -> None:
    catalog = _catalog(collab)
    if catalog is not None:
        catalog.close_window(asset_id, world.now().timestamp())


# ---------------------------------------------------------------------------- destinations

def add_destination(world: World, user: User, collab_id: str, body: dict) -> DestinationLink:
    collab = _guard_change(world, user, collab_id, "adding a destination")
    bodies.check_fields(body, ("destination_id",))
    dest_id = bodies.string(body, "destination_id", required=True)
    dest = world.destinations.get(dest_id)
    if dest is None:
        raise not_found(f"destination {dest_id} not found")
    if dest.owner_id != user.company_id:
        raise forbidden(f"destination {dest_id} is owned by another company; only its owner can add it")
    if collab.destination(dest_id) is not None:
        raise _duplicate(world, f"destination {dest_id} is already in collaboration {collab.id}")
    link = DestinationLink(dest_id, dest.owner_id, world.now())
    collab.destinations.append(link)
    _remember(world, collab, (dest.id, dest.name, dest.owner_id), None)
    world.emit(collab, "TYPE_DESTINATION_ADDED", user.company_id,
               messages.destination_change(True, world.company_name(user.company_id), dest.id, dest.name,
                                           dest.owner_id, dest.type_id))
    return link


def remove_destination(world: World, user: User, collab_id: str, dest_id: str) -> None:
    collab = _guard_change(world, user, collab_id, "removing a destination")
    link = collab.destination(dest_id)
    if link is None:
        raise not_found(f"destination {dest_id} is not in collaboration {collab.id}")
    if link.owner_id != user.company_id:
        raise forbidden(f"destination {dest_id} belongs to another company; only its owner can remove it")
    collab.destinations.remove(link)
    _forget(world, collab, dest_id)
    dest = world.destinations.get(dest_id)
    world.emit(collab, "TYPE_DESTINATION_REMOVED", user.company_id,
               messages.destination_change(False, world.company_name(user.company_id), dest_id,
                                           dest.name if dest else dest_id, link.owner_id,
                                           dest.type_id if dest else ""))

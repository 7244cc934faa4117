"""JSON shapes of the v2 objects (reference §8.2, §9, §11.5, §12). snake_case, RFC 3339 ``Z``
times, int64 counts as strings, enums by name. Zero values are emitted (except ``next_page``)."""

from __future__ import annotations

from ..common import iso_z
from .model import (
    ACTIVATION_LIST,
    INSIGHT,
    INSIGHT_LIST,
    UNIFIED,
    Collaboration,
    Dataset,
    DatasetPermission,
    Destination,
    DestinationLink,
)
from .stats import visible_attributes
from .world import World


def member_summary(world: World, company_id: str) -> dict:
    return {"id": company_id, "display_name": world.company_name(company_id)}


def collaboration_summary(world: World, collab: Collaboration) -> dict:
    return {
        "id": collab.id,
        "name": collab.name,
        "description": collab.description,
        "status": collab.status,
        "owner": member_summary(world, collab.owner_id),
        "members": [member_summary(world, c) for c in collab.members],
        "private_path_enabled": collab.private_path_enabled,
        "created_date_time": iso_z(collab.created),
        "updated_date_time": iso_z(collab.updated),
        "last_activity_date_time": iso_z(collab.last_activity),
    }


def dataset_permission(perm: DatasetPermission) -> dict:
    base = {"dataset_id": perm.dataset_id, "owner_id": perm.owner_id,
            "collaboration_dataset_name": perm.collaboration_dataset_name,
            "intersection_only": perm.intersection_only}
    if perm.via == ACTIVATION_LIST:
        return {**base, "exportable_to_members": list(perm.exportable_to_members)}
    base.update({"attribute_restriction": perm.attribute_restriction,
                 "allowed_attributes": list(perm.allowed_attributes),
                 "activation_allowed": perm.activation_allowed})
    if perm.via == UNIFIED:
        base.update({"exportable_to_members": list(perm.exportable_to_members),
                     "destination_type_restriction": perm.destination_type_restriction,
                     "allowed_destination_types": list(perm.allowed_destination_types)})
    return base


def collaboration_detail(world: World, collab: Collaboration) -> dict:
    return {
        "id": collab.id,
        "name": collab.name,
        "description": collab.description,
        "status": collab.status,
        "owner": {**member_summary(world, collab.owner_id), "rights": collab.owner_rights.to_json()},
        "members": [{**member_summary(world, c), "rights": r.to_json()} for c, r in collab.members.items()],
        "datasets": [dataset_permission(p) for p in collab.datasets if p.via == UNIFIED],
        "insight_datasets": [dataset_permission(p) for p in collab.datasets if p.via == INSIGHT_LIST],
        "activation_datasets": [dataset_permission(p) for p in collab.datasets if p.via == ACTIVATION_LIST],
        "destination_ids": [d.destination_id for d in collab.destinations],
        "created_date_time": iso_z(collab.created),
        "updated_date_time": iso_z(collab.updated),
        "last_activity_date_time": iso_z(collab.last_activity),
    }


def collaboration_dataset(ds: Dataset, perm: DatasetPermission, detail: bool = False) -> dict:
    """A dataset as a collaboration member sees it (§9 ListDatasets / GetDatasetDetails)."""
    keys = [{"id": str(k.key_id), "label": k.label, **({"fill_rate": k.fill_rate} if detail else {})}
            for k in ds.keys]
    attrs = []
    if ds.type == INSIGHT:
        for a in visible_attributes(ds, perm):
            item = {"label": a.label, "type": a.category, "value_type": a.value_type}
            if detail:
                item = {"id": str(a.attr_id), **item, "fill_rate": a.fill_rate}
            attrs.append(item)
    out = {
        "id": ds.id,
        "collaboration_dataset_name": perm.collaboration_dataset_name,
        "public_dataset_name": ds.public_name,
        "owner_id": ds.owner_id,
        "row_count": str(ds.rows),
        "type": ds.type,
        "keys": keys,
        "attributes": attrs,
        "output_columns": list(ds.export_columns) if ds.type != INSIGHT else [],
    }
    if detail:
        out["region"] = ds.region
        out["published_date_time"] = iso_z(ds.published)
    else:
        out["created_date_time"] = iso_z(perm.added)
        out["updated_date_time"] = iso_z(max(perm.added, ds.published))
    return out


def collaboration_destination(dest: Destination, link: DestinationLink) -> dict:
    return {"id": dest.id, "name": dest.name, "description": dest.description,
            "destination_type_id": dest.type_id, "owner_id": dest.owner_id, "creator_id": dest.creator_id,
            "created_date_time": iso_z(link.added), "updated_date_time": iso_z(max(link.added, dest.updated))}


def destination_instance(dest: Destination, full: bool = True) -> dict:
    """Destination instance (§11.5) — note ``created_time``/``updated_time``, not ``*_date_time``."""
    out = {"id": dest.id, "name": dest.name, "description": dest.description,
           "destination_type_id": dest.type_id, "owner_id": dest.owner_id, "creator_id": dest.creator_id}
    if full:
        out.update({"config": dict(dest.config), "editable_paths": list(dest.editable_paths),
                    "incoming_share_id": "", "permission_ids": [], "permissioned_to_permitted_company": False})
    out.update({"created_time": iso_z(dest.created), "updated_time": iso_z(dest.updated)})
    return out


def dataset_v2(world: World, ds: Dataset) -> dict:
    """``/api/v2/datasets`` item (§12.2)."""
    return {
        "dataset_id": ds.id,
        "private_id": ds.private_id,
        "public_name": ds.public_name,
        "description": ds.description,
        "dataset_type": ds.type,
        "region": ds.region,
        "owner_id": ds.owner_id,
        "created_by": ds.created_by,
        "created_date_time": iso_z(ds.created),
        "expiration": {"do_not_expire": True},
        "published_by": ds.created_by,
        "publish_details": {"execution_id": f"PUB.{ds.id.split('.')[-1][:8]}",
                            "recordset_id": f"RCS.{ds.id.split('.')[-1][4:]}",
                            "publish_date_time": iso_z(ds.published)},
    }

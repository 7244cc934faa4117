"""Event texts, metadata and entities per event type (reference §8.3.14; contents are GUESS).

``metadata`` holds the "detailed log" facts (query text, row counts, ids) that members without
``detailed_logs`` do not get; the message itself stays readable without them.
"""

from __future__ import annotations

from .events import (
    ENTITY_ACTIVATION_SEGMENT,
    ENTITY_AUDIENCE,
    ENTITY_COMPANY,
    ENTITY_DATASET,
    ENTITY_DESTINATION,
    ENTITY_SEGMENT,
    EventDetail,
    entity,
)

DATASET_VERBS = {
    "TYPE_DATASET_ADDED": "added dataset",
    "TYPE_DATASET_REMOVED": "removed dataset",
    "TYPE_INSIGHT_DATASET_ADDED": "added insight dataset",
    "TYPE_INSIGHT_DATASET_REMOVED": "removed insight dataset",
    "TYPE_ACTIVATION_DATASET_ADDED": "added activation dataset",
    "TYPE_ACTIVATION_DATASET_REMOVED": "removed activation dataset",
}


def _n(value: int) -> str:
    return f"{value:,}"


def created(actor: str, company_id: str, collab_name: str, members: int) -> EventDetail:
    return EventDetail(f"{actor} created collaboration {collab_name}",
                       {"collaboration_name": collab_name, "invited_members": str(members)},
                       [entity(company_id, actor, company_id, ENTITY_COMPANY)])


def closed(actor: str, company_id: str) -> EventDetail:
    return EventDetail(f"{actor} closed the collaboration", {},
                       [entity(company_id, actor, company_id, ENTITY_COMPANY)])


def left(actor: str, company_id: str) -> EventDetail:
    return EventDetail(f"{actor} left the collaboration", {},
                       [entity(company_id, actor, company_id, ENTITY_COMPANY)])


def dataset_change(event_type: str, actor: str, dataset_id: str, cname: str, owner_id: str) -> EventDetail:
    return EventDetail(f"{actor} {DATASET_VERBS[event_type]} {cname}",
                       {"collaboration_dataset_name": cname, "dataset_id": dataset_id},
                       [entity(dataset_id, cname, owner_id, ENTITY_DATASET)])


def destination_change(added: bool, actor: str, dest_id: str, dest_name: str, owner_id: str,
                       type_id: str) -> EventDetail:
    verb = "added" if added else "removed"
    return EventDetail(f"{actor} {verb} destination {dest_name}",
                       {"destination_id": dest_id, "destination_type_id": type_id},
                       [entity(dest_id, dest_name, owner_id, ENTITY_DESTINATION)])


def insight_query(actor: str, query_id: str, query_text: str, datasets: list[tuple[str, str, str]],
                  audience: int, sample: bool = False) -> EventDetail:
    names = ", ".join(name for _, name, _ in datasets)
    return EventDetail(f"{actor} ran an insight query on {names}",
                       {"query_id": query_id, "query": query_text, "audience": str(audience),
                        "sample": "true" if sample else "false"},
                       [entity(i, name, owner, ENTITY_DATASET) for i, name, owner in datasets])


def activation_query(actor: str, query_id: str, campaign: str, dataset: tuple[str, str, str],
                     rows: int) -> EventDetail:
    i, name, owner = dataset
    return EventDetail(f"{actor} ran activation query {campaign} on {name}",
                       {"query_id": query_id, "campaign_name": campaign, "total_rows": str(rows)},
                       [entity(i, name, owner, ENTITY_DATASET)])


def results_exported(actor: str, query_id: str, campaign: str, dest: tuple[str, str, str], rows: int) -> EventDetail:
    i, name, owner = dest
    return EventDetail(f"{actor} exported results of {campaign} to {name}",
                       {"query_id": query_id, "campaign_name": campaign, "exported_rows": str(rows),
                        "destination_id": i},
                       [entity(i, name, owner, ENTITY_DESTINATION)])


def dataset_published(actor: str, dataset: tuple[str, str, str], rows: int) -> EventDetail:
    i, name, owner = dataset
    return EventDetail(f"{actor} published a new version of {name}",
                       {"dataset_id": i, "row_count": str(rows)},
                       [entity(i, name, owner, ENTITY_DATASET)])


def private_path_rotated(actor: str, dataset: tuple[str, str, str]) -> EventDetail:
    i, name, owner = dataset
    return EventDetail(f"{actor} rotated the Private Path ID of {name}", {"dataset_id": i},
                       [entity(i, name, owner, ENTITY_DATASET)])


def audience_change(created_: bool, actor: str, company_id: str, audience_id: str, name: str,
                    size: int) -> EventDetail:
    verb = "created" if created_ else "deleted"
    return EventDetail(f"{actor} {verb} audience {name}", {"audience_id": audience_id, "audience_size": str(size)},
                       [entity(audience_id, name, company_id, ENTITY_AUDIENCE)])


def segment_change(created_: bool, actor: str, company_id: str, segment_id: str, name: str) -> EventDetail:
    verb = "created" if created_ else "deleted"
    return EventDetail(f"{actor} {verb} segment {name}", {"segment_id": segment_id},
                       [entity(segment_id, name, company_id, ENTITY_SEGMENT)])


def activation_segment(event_type: str, actor: str, company_id: str, segment_id: str, name: str, rows: int,
                       dest: tuple[str, str, str] | None) -> EventDetail:
    entities = [entity(segment_id, name, company_id, ENTITY_ACTIVATION_SEGMENT)]
    metadata = {"activation_segment_id": segment_id, "row_count": str(rows)}
    if event_type == "TYPE_ACTIVATION_SEGMENT_CALCULATED":
        message = f"{actor} calculated activation segment {name} ({_n(rows)} rows)"
    else:
        assert dest is not None
        entities.append(entity(dest[0], dest[1], dest[2], ENTITY_DESTINATION))
        metadata["destination_id"] = dest[0]
        if event_type == "TYPE_ACTIVATION_SEGMENT_EXPORTED":
            message = f"{actor} exported activation segment {name} to {dest[1]}"
        else:
            message = f"Scheduled export of activation segment {name} to {dest[1]} ran for {actor}"
    return EventDetail(message, metadata, entities)

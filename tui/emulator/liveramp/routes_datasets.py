"""Clean-room datasets and binding datasets to question macros (reference §8.1, §8.2).

A cleanroom question is ``MISSING_DATASETS`` until every macro of the question has a dataset bound,
then ``READY`` (runs need ``READY``). ``datasets-ownership`` takes its array as a JSON body (SDK) or
as the JSON-valued query parameter the SPEC documents — both are accepted.
"""

from __future__ import annotations

from .errors import bad_request, not_found
from .formats import iso_z, present
from .model import Binding, RoomDataset, RoomQuestion
from .routing import Api, Ctx
from .views import dataset_view
from .views_runs import stable_id

api = Api()
FILTER_OPERATORS = {"", "EQUALS", "NOT_EQUALS", "IN", "NOT_IN"}
MACRO_FOR_TYPE = {"CRM": "crm", "Conversion": "conversions", "Transaction": "conversions", "UserData": "users",
                  "AdExposure": "exposures"}


def _dataset(room, dataset_id: str) -> RoomDataset:
    ds = next((d for d in room.datasets if d.id == dataset_id), None)
    if ds is None:
        raise not_found("Clean room dataset", dataset_id)
    return ds


@api.get("/cleanrooms/{cleanroomId}/datasets")
async def list_datasets(ctx: Ctx) -> list:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return [dataset_view(ctx.world, d) for d in room.datasets]


@api.post("/cleanrooms/{cleanroomId}/datasets/configure")
async def configure_dataset(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    conn_id = ctx.required_query("dataConnectionId")
    await ctx.json(required=False)  # optional {rampIDConsent}
    conn = w.data_connections.get(conn_id)
    if conn is None or conn.org_id != ctx.org_id:
        raise not_found("Data connection", conn_id)
    existing = next((d for d in room.datasets if d.data_connection_id == conn.id), None)
    if existing is not None:
        return dataset_view(w, existing)
    kind = w.data_types[conn.type_id].name
    ds = RoomDataset(w.ids.uuid(), room.id, conn.name, conn.org_id, MACRO_FOR_TYPE.get(kind, kind.lower()), kind,
                     conn.id, w.data_sources[conn.source_id].name, list(conn.fields))
    room.datasets.append(ds)
    return dataset_view(w, ds)


@api.get("/cleanrooms/{cleanroomId}/datasets/{datasetId}")
async def get_dataset(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return dataset_view(ctx.world, _dataset(room, ctx.path("datasetId")))


@api.put("/cleanrooms/{cleanroomId}/datasets/{datasetId}")
async def update_dataset(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    ds = _dataset(room, ctx.path("datasetId"))
    body = await ctx.json_object()
    mappings, filters = body.get("datasetFieldMappings", ds.field_mappings), body.get("datasetFilters", ds.filters)
    if not isinstance(mappings, list) or not isinstance(filters, list):
        raise bad_request("'datasetFieldMappings' and 'datasetFilters' must be arrays")
    for f in filters:
        if not isinstance(f, dict) or f.get("operator", "") not in FILTER_OPERATORS:
            raise bad_request(f"Each dataset filter needs an 'operator' among {sorted(FILTER_OPERATORS)}")
    ds.field_mappings = mappings
    ds.filters = [{"datasetId": ds.id, "id": f.get("id") or ctx.world.ids.uuid(), **f} for f in filters]
    return dataset_view(ctx.world, ds)


# ---- question datasets --------------------------------------------------------------------------------------

def question_dataset_view(w, q: RoomQuestion, macro: str) -> dict:
    room = w.cleanrooms[q.room_id]
    kind, display = q.template.data_types[macro]
    binding = q.bindings.get(macro)
    ds = next((d for d in room.datasets if binding and d.id == binding.dataset_id), None)
    org_id = binding.org_id if binding else q.ownership.get(macro, "")
    return present({
        "id": binding.id if binding else stable_id(q.id, "binding", macro),
        "dataTypeDisplayName": display,
        "ownership": "" if not org_id else ("OWNER" if org_id == room.owner_org_id else "PARTNER"),
        "status": "ASSIGNED" if binding else "PENDING_ASSIGNMENT",
        "datasetId": ds.id if ds else "", "datasetName": ds.name if ds else "", "dataTypeName": kind,
        "questionDataTypeId": stable_id(q.id, macro), "dataConnectionId": ds.data_connection_id if ds else "",
        "parameters": [], "dataSourceId": "", "organizationId": org_id, "organizationName": w.org_name(org_id),
        "macro": macro, "assignedAt": iso_z(binding.assigned_at) if binding else None,
        "fields": [{"datasetId": ds.id if ds else "", "id": stable_id(q.id, macro, f.get("name")),
                    "name": f.get("name", ""), "value": f.get("value", ""), "type": "STRING"}
                   for f in (binding.fields if binding else [])],
    })


@api.get("/cleanroom-questions/{questionId}/datasets")
async def question_datasets(ctx: Ctx) -> list:
    q = ctx.world.question(ctx.path("questionId"))
    return [question_dataset_view(ctx.world, q, m) for m in q.template.data_types]


def _macro(q: RoomQuestion, item: dict) -> str:
    macro = item.get("macro")
    if macro not in q.template.data_types:
        raise bad_request(f"Unknown macro {macro!r} for question {q.display_id}; its macros are: "
                          f"{', '.join(q.template.data_types)}")
    return macro


@api.post("/cleanroom-questions/{questionId}/datasets-ownership")
async def assign_ownership(ctx: Ctx) -> list:
    w = ctx.world
    q = w.question(ctx.path("questionId"))
    room = w.cleanrooms[q.room_id]
    orgs = {room.owner_org_id, *(p.org_id for p in room.partners)}
    items = await ctx.json_list("AssignCleanroomQuestionDatasetRequests")
    macros = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_request("Each item needs 'organizationId' and 'macro'")
        macro = _macro(q, item)
        if item.get("organizationId") not in orgs:
            raise bad_request(f"Organization {item.get('organizationId')!r} is not a stakeholder of {room.display_id}")
        q.ownership[macro] = item["organizationId"]
        macros.append(macro)
    return [question_dataset_view(w, q, m) for m in macros]


@api.post("/cleanroom-questions/{questionId}/datasets")
async def configure_question_datasets(ctx: Ctx) -> list:
    w = ctx.world
    q = w.question(ctx.path("questionId"))
    room = w.cleanrooms[q.room_id]
    items = await ctx.json_list()
    macros = []
    for item in items:
        if not isinstance(item, dict) or not item.get("datasetId"):
            raise bad_request("Each item needs 'datasetId', 'macro' and 'fields'")
        macro = _macro(q, item)
        ds = _dataset(room, str(item["datasetId"]))
        fields = item.get("fields") or []
        if not isinstance(fields, list) or not all(isinstance(f, dict) and "name" in f for f in fields):
            raise bad_request("'fields' must be an array of {name, value}")
        q.bindings[macro] = Binding(w.ids.uuid(), macro, ds.id, ds.org_id, ctx.now,
                                    [{"name": str(f["name"]), "value": str(f.get("value", ""))} for f in fields])
        q.ownership[macro] = ds.org_id
        macros.append(macro)
    return [question_dataset_view(w, q, m) for m in macros]


@api.get("/cleanroom-questions/{questionId}/data-type-options")
async def data_type_options(ctx: Ctx) -> list:
    w = ctx.world
    q = w.question(ctx.path("questionId"))
    wanted = ctx.required_query("dataType")
    room = w.cleanrooms[q.room_id]
    out = []
    for macro, (kind, display) in q.template.data_types.items():
        if wanted not in (macro, kind, display):
            continue
        options = [{"id": d.id, "name": d.name} for d in room.datasets if d.import_type == kind or d.macro == macro]
        out.append({"dataTypeName": kind, "datasetOptions": options})
    return out

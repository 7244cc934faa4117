"""Organization-level reads: data connections, data sources and types, identifier types, users,
credentials and credential sources (reference §4.1–4.3). Credential values are always masked.
Data connection views, data source parameters and billable configs are served from the SPEC's
shapes (the reference does not describe them; issue 21)."""

from __future__ import annotations

from .errors import bad_request, not_found
from .routing import Api, Ctx, page
from .views import time_audit
from .views_runs import stable_id

api = Api()
MASK = "********"


def _source_view(s) -> dict:
    return {"id": s.id, "name": s.name, "displayName": s.display_name, "credentialSource": s.credential_source}


def _type_view(t) -> dict:
    return {"id": t.id, "name": t.name, "displayName": t.display_name}


def _field_configs(conn) -> list[dict]:
    return [{"dataConnectionId": conn.id, "id": f.id, "fieldIndex": i, "fieldName": f.name,
             "fieldLabel": f.name.replace("_", " ").title(), "dataType": f.type, "identifierType": f.identifier_type,
             "delimiter": "", "isPii": False, "isUserIdField": f.is_user_id, "isExcluded": False,
             "isPartitionColumn": f.type == "DATE",
             **({"partitionFieldConfig": {"type": "Range", "values": [], "rollingUnit": "Days", "isEnforced": False}}
                if f.type == "DATE" else {})}
            for i, f in enumerate(conn.fields)]


def _connection_view(w, c) -> dict:
    source = w.data_sources[c.source_id]
    return {
        "id": c.id, "name": c.name, "category": c.category, "credentialId": c.credential_id,
        "dataType": _type_view(w.data_types[c.type_id]), "dataSource": _source_view(source),
        "dataSourceConfiguration": [{"id": f"{c.id}-location", "name": "location", "displayName": "Location",
                                     "value": c.location}],
        "configStatus": c.config_status, "runStatus": "COMPLETED", "stage": c.stage,
    }


def _connection(ctx: Ctx):
    c = ctx.world.data_connections.get(ctx.path("connectionId"))
    if c is None or c.org_id != ctx.org_id:
        raise not_found("Data connection", ctx.path("connectionId"))
    return c


@api.get("/data-connections")
async def list_connections(ctx: Ctx) -> list:
    return [_connection_view(ctx.world, c) for c in ctx.world.data_connections.values() if c.org_id == ctx.org_id]


@api.get("/data-connections/import-data-types")
async def import_data_types(ctx: Ctx) -> list:
    return [_type_view(t) for t in ctx.world.data_types.values()]


@api.get("/data-connections/{connectionId}")
async def get_connection(ctx: Ctx) -> dict:
    return _connection_view(ctx.world, _connection(ctx))


@api.get("/data-connections/{connectionId}/field-configurations")
async def field_configurations(ctx: Ctx) -> list:
    return _field_configs(_connection(ctx))


@api.get("/data-sources")
async def list_sources(ctx: Ctx) -> list:
    return [_source_view(s) for s in ctx.world.data_sources.values()]


@api.get("/data-sources/data-types/{typeId}")
async def get_data_type(ctx: Ctx) -> dict:
    t = ctx.world.data_types.get(ctx.path("typeId"))
    if t is None:
        raise not_found("Data type", ctx.path("typeId"))
    return _type_view(t)


@api.get("/data-sources/{sourceId}")
async def get_source(ctx: Ctx) -> dict:
    s = ctx.world.data_sources.get(ctx.path("sourceId"))
    if s is None:
        raise not_found("Data source", ctx.path("sourceId"))
    return _source_view(s)


@api.get("/data-sources/{sourceId}/data-types")
async def source_types(ctx: Ctx) -> list:
    if ctx.path("sourceId") not in ctx.world.data_sources:
        raise not_found("Data source", ctx.path("sourceId"))
    return [_type_view(t) for t in ctx.world.data_types.values()]


@api.get("/identifier-types")
async def identifier_types(ctx: Ctx) -> list:
    return [{"id": i, "name": n, "displayName": d} for i, n, d in ctx.world.identifier_types]


@api.get("/users")
async def org_users(ctx: Ctx) -> list:
    limit, offset = ctx.paging(500)
    people = [p for p in ctx.world.people.values() if p.org_id == ctx.org_id]
    return [{"roleName": p.org_role, "user": {"id": p.id, "name": p.name, "email": p.email}}
            for p in page(people, limit, offset)]


def _credential_view(c) -> dict:
    return {"id": c.id, "name": c.name, "managedCredential": c.managed, "credentialSourceId": c.source_id,
            "credentialSourceName": c.source_name,
            "credentials": [{"name": n, "value": MASK} for n, _secret in c.fields],
            "timeAudit": time_audit(c.created_at), "userAudit": {"createdBy": "", "updatedBy": ""}}


@api.get("/organization-credentials")
async def list_credentials(ctx: Ctx) -> list:
    return [_credential_view(c) for c in ctx.world.credentials.values()]


@api.get("/organization-credentials/{credentialId}")
async def get_credential(ctx: Ctx) -> dict:
    c = ctx.world.credentials.get(ctx.path("credentialId"))
    if c is None:
        raise not_found("Organization credential", ctx.path("credentialId"))
    return _credential_view(c)


def _credential_source_view(c) -> dict:
    return {"id": c.source_id, "name": c.source_name, "provider": c.source_name.split()[0],
            "credentialConfig": [{"id": f"{c.source_id}-{i}", "name": n, "index": i,
                                  "credentialConfigType": "SECRET", "credentialConfigListValues": []}
                                 for i, (n, _s) in enumerate(c.fields)]}


@api.get("/credential-sources")
async def credential_sources(ctx: Ctx) -> list:
    return [_credential_source_view(c) for c in ctx.world.credentials.values()]


@api.get("/credential-sources/{sourceId}")
async def credential_source(ctx: Ctx) -> dict:
    c = next((c for c in ctx.world.credentials.values() if c.source_id == ctx.path("sourceId")), None)
    if c is None:
        raise not_found("Credential source", ctx.path("sourceId"))
    return _credential_source_view(c)


@api.get("/credential-sources/credential-name/{name}")
async def credential_sources_named(ctx: Ctx) -> list:
    """Every credential source of that name (a list, as the SPEC has it; empty when none)."""
    name = ctx.path("name")
    return [_credential_source_view(c) for c in ctx.world.credentials.values() if c.source_name == name]


#: what a data connection asks for, per data source (GUESS: the reference lists no parameters)
_SOURCE_PARAMETERS = {
    "CLIENT_AWS_S3": [("bucket", "S3 Bucket"), ("path", "Path"), ("region", "Region")],
    "GOOGLE_CLOUD_STORAGE": [("bucket", "GCS Bucket"), ("path", "Path")],
    "SNOWFLAKE": [("account", "Account"), ("database", "Database"), ("schema", "Schema"), ("table", "Table")],
}


@api.get("/data-sources/{sourceId}/data-types/{typeId}/data-source-parameters")
async def data_source_parameters(ctx: Ctx) -> list:
    source = ctx.world.data_sources.get(ctx.path("sourceId"))
    if source is None:
        raise not_found("Data source", ctx.path("sourceId"))
    if ctx.path("typeId") not in ctx.world.data_types:
        raise not_found("Data type", ctx.path("typeId"))
    params = _SOURCE_PARAMETERS.get(source.name, [("location", "Location")])
    return [{"id": stable_id(source.id, ctx.path("typeId"), name), "name": name, "displayName": label,
             "type": "STRING", "index": i, "dataSourceId": source.id} for i, (name, label) in enumerate(params)]


def _view_of(w, c) -> dict:
    """A data connection view: one per data connection, selecting all of its fields (GUESS)."""
    macro = c.name.lower().replace(" ", "_")
    return {
        "id": stable_id("view", c.id), "name": f"{c.name} (view)", "query": f"SELECT * FROM @{macro}",
        "version": "1", "stage": c.stage, "sourceId": c.source_id, "status": c.config_status,
        "importDataTypeId": c.type_id,
        "dataConnections": [{"dataConnectionId": c.id, "dataConnectionName": c.name, "macro": macro,
                             "dataSourceId": c.source_id, "fieldConfigurations": _field_configs(c)}],
        "fields": [{"name": f.name, "type": f.type} for f in c.fields],
        "timeAudit": time_audit(c.created_at), "userAudit": {"createdBy": "", "updatedBy": ""},
    }


def _views(ctx: Ctx) -> list[dict]:
    return [_view_of(ctx.world, c) for c in ctx.world.data_connections.values() if c.org_id == ctx.org_id]


@api.get("/data-connection-views")
async def list_views(ctx: Ctx) -> dict:
    limit, offset = ctx.paging(30, maximum=100)
    views = [v for v in _views(ctx) if ctx.query.get("stage") in (None, "", v["stage"])
             and ctx.query.get("status") in (None, "", v["status"])]
    return {"dataConnectionViews": page(views, limit, offset), "limit": limit, "offset": offset,
            "hasMore": offset + limit < len(views)}


@api.get("/data-connection-views/{viewId}")
async def get_view(ctx: Ctx) -> dict:
    view = next((v for v in _views(ctx) if v["id"] == ctx.path("viewId")), None)
    if view is None:
        raise not_found("Data connection view", ctx.path("viewId"))
    return view


#: sourceType → the world's records it names (BILLABLE_OWNER/PARTNER name organizations)
_BILLABLE = {"BILLABLE_RUN": "runs", "BILLABLE_FLOW_RUN": "flow_runs", "BILLABLE_QUESTION": "org_questions",
             "BILLABLE_CRQ": "questions", "BILLABLE_FLOW": "flows", "BILLABLE_CR": "cleanrooms",
             "BILLABLE_OWNER": "orgs", "BILLABLE_PARTNER": "orgs"}


@api.get("/billable-configs")
async def billable_config(ctx: Ctx) -> dict:
    """Who is billed for an object: the home organization (GUESS; the reference says nothing)."""
    source_id, source_type = ctx.required_query("sourceId"), ctx.required_query("sourceType")
    records = _BILLABLE.get(source_type)
    if records is None:
        raise bad_request(f"Unknown sourceType '{source_type}': one of {', '.join(_BILLABLE)}")
    if source_id not in getattr(ctx.world, records):
        raise not_found("Billable source", source_id)
    config = {"id": stable_id("billable", source_type, source_id), "sourceId": source_id,
              "sourceType": source_type, "value": ctx.world.home_org_id}
    if ctx.query.get("compositeSourceId"):
        config["compositeSourceId"] = ctx.query["compositeSourceId"]
    return {"config": config}

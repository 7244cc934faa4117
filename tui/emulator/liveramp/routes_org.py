"""Organization-level reads: data connections, data sources and types, identifier types, users,
credentials and credential sources (reference §4.1–4.3). Credential values are always masked."""

from __future__ import annotations

from .errors import not_found
from .routing import Api, Ctx, page
from .views import time_audit

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

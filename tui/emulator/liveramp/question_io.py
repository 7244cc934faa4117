"""Org-level ``Question`` bodies ⇄ the emulator's question templates (reference §6.1).

Creating a question through the API builds a template from its ``questionDetails``, so the whole
tutorial path works: create → add to a room → bind datasets → run → read results.
"""

from __future__ import annotations

from .errors import bad_request
from .model import OrgQuestion, OutputColumn, ParamSpec, Template

KNOWN_KINDS = {"CRM": "CRM Data", "AdExposure": "Ad Exposure", "UserData": "User Data", "Conversion": "Conversion Events",
               "Transaction": "Transaction Data", "Generic": "Generic"}
_INTEGER_TYPES = {"INTEGER", "INT", "LONG", "BIGINT", "NUMBER"}


def _param(item: dict) -> ParamSpec:
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise bad_request("Each questionDetails.parameters item needs a 'name'")
    kind = str(item.get("type") or "STRING").upper()
    kind = "INTEGER" if kind in _INTEGER_TYPES else kind
    return ParamSpec(name, kind, str(item.get("displayName") or name), str(item.get("description") or ""),
                     str(item.get("exampleValue") or ""))


def template_from_details(details: object) -> Template:
    if not isinstance(details, dict):
        raise bad_request("'questionDetails' is required and must be an object")
    title = details.get("title")
    if not isinstance(title, str) or not title.strip():
        raise bad_request("'questionDetails.title' is required")
    data_types: dict[str, tuple[str, str]] = {}
    for dt in details.get("dataTypes") or []:
        if not isinstance(dt, dict) or not dt.get("macro"):
            raise bad_request("Each questionDetails.dataTypes item needs a 'macro'")
        kind = str(dt.get("importDataType") or "Generic")
        data_types[str(dt["macro"])] = (kind, KNOWN_KINDS.get(kind, kind))
    is_list = bool(details.get("isUserListQuestion"))
    columns = [OutputColumn(str(d.get("name", "dimension")).lower(), "STRING", "dimension",
                            ("Alpha", "Bravo", "Charlie", "Delta", "Echo"))
               for d in details.get("dimensions") or [] if isinstance(d, dict)]
    columns += [OutputColumn(str(m.get("name", "measure")).lower(), "LONG", "count", low=10, high=100_000)
                for m in details.get("measures") or [] if isinstance(m, dict)]
    if is_list:
        columns.insert(0, OutputColumn("rampid", "STRING", "rampid"))
    if not columns:
        columns = [OutputColumn("row_count", "LONG", "count", low=10, high=100_000)]
    queries = details.get("queryDetails") or [{}]
    query = str(queries[0].get("query", "")) if isinstance(queries[0], dict) else ""
    return Template(title.strip(), str(details.get("category") or ""), str(details.get("description") or ""),
                    "LIST" if is_list else "ANALYTICAL", data_types,
                    [_param(p) for p in details.get("parameters") or [] if isinstance(p, dict)],
                    columns, 1_000 if is_list else 10, query, [str(t) for t in details.get("tags") or []])


def details_view(q: OrgQuestion, room_type: str) -> dict:
    """``QuestionDetails`` for a question (an API-supplied body is echoed back with our version)."""
    if q.details_override is not None:
        return {**q.details_override, "displayId": q.display_id, "version": q.version}
    t = q.template
    return {
        "title": q.title or t.title, "displayId": q.display_id, "category": t.category, "tags": list(t.tags),
        "description": t.description, "version": q.version,
        "hasDateParameters": any(p.data_type == "DATE" for p in t.params),
        "hasDateFilter": any(p.partition is not None for p in t.params),
        "isAnalytics": t.question_type == "ANALYTICAL", "isUserListQuestion": t.question_type == "LIST",
        "isCleanComputeQuestion": False, "hasMultipleOutputs": False,
        "outputFormat": "REPORT", "visualization": "NO_CHART" if t.question_type == "LIST" else "VERTICAL_BAR_CHART",
        "queryDetails": [{"query": t.query, "cleanRoomType": room_type, "queryLanguage": "SQL"}],
        "dataTypes": [{"id": f"{q.id}:{m}", "macro": m, "datasetID": "", "importDataType": kind,
                       "dataSetTypeFields": []} for m, (kind, _d) in t.data_types.items()],
        "parameters": [{"name": p.name, "type": p.data_type, "displayName": p.display_name,
                        "description": p.description, "exampleValue": p.example,
                        "format": "YYYY-MM-DD" if p.data_type == "DATE" else "", "isSynced": False}
                       for p in t.params if p.partition is None],
        "measures": [{"name": c.column_name, "type": c.data_type, "isIdentity": False, "noise": False}
                     for c in t.columns if c.kind in ("count", "ratio")],
        "dimensions": [{"name": c.column_name, "type": c.data_type} for c in t.columns
                       if c.kind in ("dimension", "sequence")],
        "userListOutputs": [{"name": c.column_name, "type": c.data_type} for c in t.columns if c.kind == "rampid"],
    }


def question_view(q: OrgQuestion, room_type: str) -> dict:
    return {"id": q.id, "cleanRoomID": q.room_id, "organizationID": q.org_id,
            "settings": {"queryValidation": True}, "questionDetails": details_view(q, room_type)}

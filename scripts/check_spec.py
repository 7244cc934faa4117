"""Check the emulator against the vendors' published API descriptions.

    python scripts/check_spec.py SPEC_DIR [--seed N] [--json]

SPEC_DIR holds the vendors' files (``../shared/reference/vendor-specs`` next to the repo; they are
not copied into the project): LiveRamp's OpenAPI spec ``liveramp-*.yml`` and InfoSum's playbooks
``infosum-*.yml``. The script serves the emulator on a free loopback port, calls every GET operation
the files describe — path ids harvested from list answers (a few POST lists and one query creation
are made where the API has no GET list) — validates each JSON answer against the operation's
``200`` schema (OpenAPI 3.0 semantics: ``nullable``, ``format``, ``enum``) and prints one line per
operation and a summary. Exit 0 when every called operation is valid or a documented known
conflict (``KNOWN`` below), else 1.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import yaml  # noqa: E402
from openapi_schema_validator import OAS30Validator  # noqa: E402
from openapi_schema_validator import oas30_format_checker as _checker  # noqa: E402

METHODS = ("get",)
#: how many bindings an operation is tried with before it counts as "not answered"
MAX_TRIES = 20

#: Where the vendor file is wrong for a reason we documented (README of vendor-specs; emulator docstrings).
KNOWN = {
    "GET /cleanrooms/{cleanroomId}/invitations":
        "typed as one object; the platform (and the SDK) answer a list of invitations",
    "GET /question/{questionID}/data-types":
        "typed as one object; the platform answers the list of data types",
    "GET /api/v2/collaborations/{collaboration_id}/events":
        "the CM playbook's event-type enum is older (17 values); v2 has 24 and the emulator sends them",
}
#: Operations the spec puts outside the supported contract (tag ``Internal``): not required.
OPTIONAL_TAGS = {"Internal"}
#: Operations the emulator does not serve, on purpose (see tui/emulator/liveramp/__init__.py).
UNSERVED = {
    "GET /cleanrooms/{cleanroomId}/cleanroom-execution-instance/{cleanRoomMeasurementExecutionInstanceId}":
        "legacy measurement executions: no list or create in the spec gives an id, and the emulator has none",
}

# ---- harvest rules: which answer gives which path parameter --------------------------------------
# (operation path, parameter, key in each listed item); an item list is the answer itself or the
# first list inside it.
HARVEST: list[tuple[str, str, str]] = [
    ("/cleanrooms", "cleanroomId", "id"),
    ("/cleanrooms/{cleanroomId}/cleanroom-questions", "cleanroomQuestionId", "id"),
    ("/cleanrooms/{cleanroomId}/cleanroom-questions", "questionId", "questionId"),
    ("/cleanrooms/{cleanroomId}/cleanroom-questions", "questionID", "questionId"),
    ("/cleanroom-questions/{cleanroomQuestionId}/cleanroom-question-run-schedules",
     "cleanroomQuestionRunScheduleId", "id"),
    ("/cleanroom-questions/{cleanroomQuestionId}/cleanroom-question-runs", "cleanroomQuestionRunId", "id"),
    ("/cleanroom-questions/{cleanroomQuestionId}/datasets", "dataType", "macro"),
    ("/cleanrooms/{cleanroomId}/partners", "cleanroomPartnerId", "id"),
    ("/cleanrooms/{cleanroomId}/partners/{cleanroomPartnerId}/cleanRoomRoles", "cleanRoomRoleId", "id"),
    ("/cleanrooms/{cleanroomId}/users", "cleanroomUserId", "id"),
    ("/data-connections", "dataConnectionId", "id"),
    ("/cleanrooms/{cleanroomId}/datasets", "datasetId", "id"),
    ("/organization-credentials", "organizationCredentialId", "id"),
    ("/credential-sources", "credentialSourceId", "id"),
    ("/credential-sources", "name", "name"),
    ("/data-sources", "dataSourceId", "id"),
    ("/data-sources/{dataSourceId}/data-types", "dataTypeId", "id"),
    ("/data-connection-views", "viewId", "id"),
    ("POST /cleanrooms/{cleanroomId}/cleanroom-flows/list", "cleanroomFlowId", "ID"),
    ("POST /cleanrooms/{cleanroomId}/cleanroom-flows/list", "flowId", "ID"),
    ("/cleanrooms/{cleanroomId}/cleanroom-flows/{cleanroomFlowId}/node-details", "nodeIds", "nodeID"),
    ("/cleanrooms/{cleanroomId}/cleanroom-flows/{cleanroomFlowId}/cleanroom-flow-runs", "cleanroomFlowRunId", "id"),
    ("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{cleanroomFlowRunId}/output-nodes", "node", "[].node.label"),
    ("/cleanrooms/{cleanroomId}/cleanroom-flow-runs/{cleanroomFlowRunId}/output-nodes",
     "nodeIdentifier", "[].node.label"),
    ("/cleanrooms/{cleanroomId}/exports/jobs", "exportJobId", "ID"),
    ("/cleanroom-question-runs/{cleanroomQuestionRunId}", "sourceId", ".id"),
    # InfoSum
    ("/api/v2/collaborations", "collaboration_id", "id"),
    ("/api/v2/collaborations/{collaboration_id}", "dataset_id", "collaboration.datasets[].dataset_id"),
    ("/api/v2/collaborations/{collaboration_id}", "dataset_id", "collaboration.insight_datasets[].dataset_id"),
    ("/api/v2/collaborations/{collaboration_id}", "destination_id", "collaboration.destination_ids[]"),
]
#: fixed values for parameters that name a kind rather than an object
CONSTANTS = {"sourceType": "BILLABLE_RUN", "fileName": "results.csv"}
#: query parameters the spec marks required (or needed for a meaningful answer)
QUERY_PARAMS = {"dataType", "nodeIds", "node", "sourceId", "sourceType"}


@dataclass
class Result:
    platform: str
    op: str
    status: int | None = None
    errors: list[str] = field(default_factory=list)
    tried: int = 0
    known: str = ""
    optional: bool = False

    @property
    def called(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def valid(self) -> bool:
        return self.called and not self.errors

    def line(self) -> str:
        if self.valid:
            mark = "ok"
        elif self.called and self.known:
            mark = "known"
        elif self.called:
            mark = "INVALID"
        elif self.optional:
            mark = "skipped"
        else:
            mark = "NOT CALLED"
        status = self.status if self.status is not None else "-"
        text = f"{mark:<10} {status!s:<4} {self.platform:<8} {self.op}"
        if self.errors and not self.valid:
            text += "\n" + "\n".join(f"             {e}" for e in self.errors[:4])
        if self.known and not self.valid:
            text += f"\n             known: {self.known}"
        return text


def load_spec(path: Path) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader reads the 10k-line spec 10x faster
    return yaml.load(path.read_text(), Loader=loader)  # noqa: S506 - a safe loader either way


def items(doc: Any) -> list:
    """The list of items an answer holds: itself, or its first list (one level down, then two)."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for value in doc.values():
            if isinstance(value, list):
                return value
        for value in doc.values():
            if isinstance(value, dict):
                inner = items(value)
                if inner:
                    return inner
    return []


def walk(doc: Any, path: str) -> list:
    """Values at ``a[].b`` (``[]`` walks a list) in ``doc``."""
    values = [doc]
    for part in path.split("."):
        spread = part.endswith("[]")
        name = part.removesuffix("[]")
        if name:
            values = [v.get(name) for v in values if isinstance(v, dict)]
        if spread:
            values = [x for v in values if isinstance(v, list) for x in v]
    return values


def harvested(doc: Any, key: str) -> list[str]:
    """Ids from an answer: ``key`` of each listed item, or the values at a dotted path."""
    if "." in key or key.endswith("[]"):
        pool = walk(doc, key)
    else:
        pool = [item.get(key) for item in (items(doc) or [doc]) if isinstance(item, dict)]
    found: list[str] = []
    for value in pool:
        if isinstance(value, str | int) and str(value) and str(value) not in found:
            found.append(str(value))
    return found


class Validator:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.components = spec.get("components", {})

    def errors(self, schema: dict, doc: Any) -> list[str]:
        # $refs resolve against this wrapper, which carries the spec's components
        root = {**schema, "components": self.components}
        validator = OAS30Validator(root, format_checker=_checker)
        out = []
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in err.absolute_path) or "(root)"
            out.append(f"{where}: {err.message[:160]}")
        return out


def response_schema(op: dict) -> dict | None:
    ok = op.get("responses", {}).get("200") or op.get("responses", {}).get("201") or {}
    content = ok.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return (media or {}).get("schema")


class Checker:
    def __init__(self, base_url: str, seed: int) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.seed = seed
        #: bindings of path/query parameters, in the order found
        self.bindings: list[dict[str, str]] = [{}]
        self.lr_headers = {"Authorization": f"Bearer {self._token()}"}
        self.is_headers = {"Authorization": "demo-key"}

    def _token(self) -> str:
        basic = base64.b64encode(b"demo-client:demo-secret").decode()
        answer = self.http.post("/v1/oauth/token", data={"grant_type": "client_credentials"},
                                headers={"Authorization": f"Basic {basic}"})
        answer.raise_for_status()
        return answer.json()["accessToken"]

    def candidates(self, path: str, op: dict) -> Iterator[tuple[str, dict[str, str]]]:
        names = re.findall(r"{(\w+)}", path)
        wanted_query = [p["name"] for p in op.get("parameters", []) if isinstance(p, dict)
                        and p.get("in") == "query" and p["name"] in QUERY_PARAMS]
        seen = set()
        for binding in self.bindings:
            values = {**CONSTANTS, **binding}
            if any(n not in values for n in names + wanted_query):
                continue
            url = path.format(**{n: values[n] for n in names})
            query = {n: values[n] for n in wanted_query}
            key = (url, tuple(sorted(query.items())))
            if key in seen:
                continue
            seen.add(key)
            yield url, query

    def get(self, prefix: str, url: str, query: dict) -> httpx.Response:
        headers = self.lr_headers if prefix == "/v1" else self.is_headers
        return self.http.get(prefix + url if prefix == "/v1" else url, params=query, headers=headers)

    def harvest(self, path: str, binding_of: dict[str, str], doc: Any) -> None:
        for source, param, key in HARVEST:
            if source != path:
                continue
            for value in harvested(doc, key):
                new = {**binding_of, param: value}
                if new not in self.bindings:
                    self.bindings.append(new)

    def binding_for(self, url: str, path: str, query: dict) -> dict[str, str]:
        names = re.findall(r"{(\w+)}", path)
        pattern = "^" + re.sub(r"\\{\w+\\}", "([^/]+)", re.escape(path)) + "$"
        match = re.match(pattern, url)
        base = dict(zip(names, match.groups(), strict=True)) if match else {}
        for b in self.bindings:
            if all(b.get(k) == v for k, v in base.items()):
                return {**b, **query}
        return {**base, **query}

    def post_lists(self) -> None:
        """The flows list is a POST; InfoSum has no GET list of queries, so one is created."""
        for binding in list(self.bindings):
            if "cleanroomId" in binding and len(binding) == 1:
                url = f"/v1/cleanrooms/{binding['cleanroomId']}/cleanroom-flows/list"
                answer = self.http.post(url, json={}, headers=self.lr_headers)
                if answer.status_code == 200:
                    self.harvest("POST /cleanrooms/{cleanroomId}/cleanroom-flows/list", binding, answer.json())


    def create_infosum_queries(self, advance) -> None:
        """InfoSum lists no queries: run one insight query (v1) and one activation, then let them finish."""
        for binding in [b for b in self.bindings if set(b) == {"collaboration_id"}]:
            collab = self.http.get(f"/api/v2/collaborations/{binding['collaboration_id']}", headers=self.is_headers)
            if collab.status_code != 200:
                continue
            names = [d for d in walk(collab.json(), "collaboration.insight_datasets[].collaboration_dataset_name")
                     + walk(collab.json(), "collaboration.datasets[].collaboration_dataset_name") if d]
            for name in names:
                answer = self.http.post("/api/v1/queries", headers=self.is_headers,
                                        json={"query": f"SELECT COUNT() FROM {name}",
                                              "collaboration_id": binding["collaboration_id"]})
                if answer.status_code == 200:
                    self.bindings.append({"query_id": answer.json()["query_id"]})
                    break
            else:
                continue
            break
        for binding in [b for b in self.bindings if set(b) == {"collaboration_id"}]:
            answer = self.http.post("/api/v1/activations", headers=self.is_headers,
                                    json={"query": "SELECT self.ID FROM self INTERSECT them",
                                          "campaign_name": "check_spec", "collaboration_id": binding["collaboration_id"]})
            if answer.status_code == 200:
                self.bindings.append({"query_id": answer.json()["activation_id"]})
                break
        advance(3600)


def check_operation(checker: Checker, validator: Validator, platform: str, prefix: str, path: str,
                    op: dict) -> Result:
    name = f"GET {path}"
    result = Result(platform, name, known=KNOWN.get(name, "") or UNSERVED.get(name, ""),
                    optional=bool(OPTIONAL_TAGS & set(op.get("tags") or [])) or name in UNSERVED)
    schema = response_schema(op)
    for url, query in checker.candidates(path, op):
        if result.tried >= MAX_TRIES:
            break
        result.tried += 1
        answer = checker.get(prefix, url, query)
        result.status = answer.status_code
        if not 200 <= answer.status_code < 300:
            continue
        try:
            doc = answer.json()
        except ValueError:
            # downloads: declared JSON strings, sent as file bytes (vendor-specs README)
            doc = answer.text if (schema or {}).get("type") == "string" else None
            if doc is None:
                result.errors = ["answer is not JSON"]
                return result
        checker.harvest(path, checker.binding_for(url, path, query), doc)
        result.errors = validator.errors(schema, doc) if schema else []
        if not any(source == path for source, _p, _k in HARVEST):
            return result
        # an answer that feeds others: harvest (and validate) it for every binding
        for more_url, more_query in checker.candidates(path, op):
            if (more_url, more_query) == (url, query) or result.tried >= MAX_TRIES:
                continue
            result.tried += 1
            more = checker.get(prefix, more_url, more_query)
            if more.status_code == 200 and more.headers.get("content-type", "").startswith("application/json"):
                try:
                    more_doc = more.json()
                except ValueError:
                    continue
                checker.harvest(path, checker.binding_for(more_url, path, more_query), more_doc)
                result.errors += [e for e in validator.errors(schema, more_doc) if e not in result.errors] \
                    if schema else []
        return result
    return result


def ordered_operations(spec: dict) -> list[tuple[str, dict]]:
    """GET operations, those with fewer path parameters first (their answers feed the others)."""
    ops = [(path, ops["get"]) for path, ops in spec.get("paths", {}).items() if "get" in ops]
    return sorted(ops, key=lambda item: (item[0].count("{"), len(item[0])))


def run_checks(spec_dir: Path, seed: int = 7) -> list[Result]:
    from tui.emulator import EmulatorOptions, ManualClock
    from tui.emulator.server import served

    liveramp = sorted(spec_dir.glob("liveramp*.yml"))
    infosum = sorted(spec_dir.glob("infosum*.yml"))
    if not liveramp and not infosum:
        raise SystemExit(f"check_spec: no liveramp*.yml or infosum*.yml in {spec_dir}")
    results: list[Result] = []
    # a manual clock: queries and runs finish when the script says so, the same on every machine
    clock = ManualClock()
    with served(EmulatorOptions(seed=seed, clock=clock)) as emu:
        checker = Checker(emu.base_url, seed)
        for platform, prefix, files in (("liveramp", "/v1", liveramp), ("infosum", "", infosum)):
            specs = [load_spec(f) for f in files]
            pending = [(s, path, op) for s in specs for path, op in ordered_operations(s)]
            done: dict[str, Result] = {}
            # a few passes: an operation whose ids come from a later answer is tried again
            for _ in range(4):
                for spec, path, op in pending:
                    earlier = done.get(f"GET {path}")
                    if earlier is not None and (earlier.called or earlier.optional):
                        continue  # answered, or not required: no second try
                    done[f"GET {path}"] = check_operation(checker, Validator(spec), platform, prefix, path, op)
                if platform == "liveramp":
                    checker.post_lists()
                elif not any("query_id" in b for b in checker.bindings):
                    checker.create_infosum_queries(lambda s: clock.advance(s))
            results += list(done.values())
    return results


def summary(results: list[Result]) -> dict:
    out = {}
    for platform in ("liveramp", "infosum"):
        mine = [r for r in results if r.platform == platform]
        out[platform] = {
            "operations": len(mine),
            "called": sum(r.called for r in mine),
            "valid": sum(r.valid for r in mine),
            "known": sorted(r.op for r in mine if r.called and not r.valid and r.known),
            "invalid": sorted(r.op for r in mine if r.called and not r.valid and not r.known),
            "not_called": sorted(r.op for r in mine if not r.called and not r.optional),
            "optional_not_called": sorted(r.op for r in mine if not r.called and r.optional),
            "unserved": sorted(r.op for r in mine if not r.called and r.op in UNSERVED),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec_dir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    results = run_checks(args.spec_dir, args.seed)
    totals = summary(results)
    if args.json:
        print(json.dumps({"summary": totals, "operations": [r.__dict__ for r in results]}, indent=1, default=str))
    else:
        for r in results:
            print(r.line())
        for platform, t in totals.items():
            print(f"{platform}: {t['called']} of {t['operations']} GET operations called, {t['valid']} valid, "
                  f"{len(t['known'])} known conflicts, {len(t['invalid'])} invalid, "
                  f"{len(t['not_called'])} not called (+{len(t['optional_not_called'])} internal or documented)")
    bad = any(t["invalid"] or t["not_called"] for t in totals.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

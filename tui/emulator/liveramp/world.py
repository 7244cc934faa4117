"""The emulated LiveRamp world: every record, lookups, and what tests and benchmarks inspect.

Public for tests: ``cleanrooms``, ``questions`` (cleanroom questions), ``org_questions``, ``runs``,
``flows``, ``flow_runs`` (dicts keyed by id), ``find_question(display_id)``, ``find_room(display_id)``,
``add_client(client_id, secret)``, ``token_requests`` (int), ``limit_violations`` (list of dicts) and
``counters`` (status reads per object, creates and tokens per client, data page reads per run).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..common import Ids
from .errors import Problem, forbidden, not_found
from .model import (
    CleanRoom,
    DataConnection,
    DataSource,
    DataType,
    ExportJob,
    Flow,
    FlowRun,
    Org,
    OrgCredential,
    OrgQuestion,
    PartnerAccount,
    PartnerPlatform,
    Person,
    RoomQuestion,
    RoomType,
    Run,
    Schedule,
)

DEMO_CLIENT = ("demo-client", "demo-secret")


@dataclass
class Counters:
    #: GETs of one run / flow run (and its /status); list calls count once against the parent object
    status_reads: Counter = field(default_factory=Counter)
    #: run + flow-run creations (create-run, cleanroom-flow-runs POST, replay) per client id
    creates: Counter = field(default_factory=Counter)
    #: tokens issued per client id
    tokens: Counter = field(default_factory=Counter)
    #: GET …/data pages per run id
    data_reads: Counter = field(default_factory=Counter)


@dataclass
class Client:
    client_id: str
    secret: str
    org_id: str
    user: Person


class World:
    def __init__(self, seed: int, scale: int, anchor: datetime) -> None:
        self.seed = seed
        self.scale = max(1, int(scale))
        #: world time the seeded history is relative to (the clock's ``now()`` at build time)
        self.anchor = anchor
        self.ids = Ids(seed)
        self.clients: dict[str, Client] = {}
        self.home_org_id = ""
        self.orgs: dict[str, Org] = {}
        self.people: dict[str, Person] = {}
        self.room_types: dict[str, RoomType] = {}
        self.cleanrooms: dict[str, CleanRoom] = {}
        self.org_questions: dict[str, OrgQuestion] = {}
        self.questions: dict[str, RoomQuestion] = {}
        self.runs: dict[str, Run] = {}
        self.runs_by_question: dict[str, list[str]] = {}
        self.schedules: dict[str, Schedule] = {}
        self.flows: dict[str, Flow] = {}
        self.flow_runs: dict[str, FlowRun] = {}
        self.export_jobs: dict[str, ExportJob] = {}
        self.partner_platforms: dict[str, PartnerPlatform] = {}
        self.partner_accounts: dict[str, PartnerAccount] = {}
        self.data_sources: dict[str, DataSource] = {}
        self.data_types: dict[str, DataType] = {}
        self.data_connections: dict[str, DataConnection] = {}
        self.credentials: dict[str, OrgCredential] = {}
        self.identifier_types: list[tuple[str, str, str]] = []  # (id, name, displayName)
        #: which id flow paths accept: "both", "ID" or "flowID" (EmulatorOptions.flow_ids)
        self.flow_ids = "both"
        self.token_requests = 0
        self.limit_violations: list[dict] = []
        self.counters = Counters()
        self._display_numbers: set[int] = set()
        #: where runs created through the API are kept across starts (the demo: .keep.Keep); None: nowhere
        self.keep: Any = None

    # ---- identities -------------------------------------------------------------------------
    def add_client(self, client_id: str, secret: str, org_id: str | None = None) -> Client:
        """Register API credentials (one API user per key, as on the platform)."""
        org_id = org_id or self.home_org_id
        user = Person(self.ids.uuid(), f"API User {client_id}", f"api-user-{client_id.lower()}@habu.com",
                      org_id, org_role="API Administrator")
        self.people[user.id] = user
        client = Client(client_id, secret, org_id, user)
        self.clients[client_id] = client
        return client

    def display_number(self) -> int:
        """A fresh six-digit number for CR-/CRQ-/Q- display ids (unique, seeded)."""
        while True:
            n = self.ids.rng.randrange(1_000, 999_999)
            if n not in self._display_numbers:
                self._display_numbers.add(n)
                return n

    # ---- lookups ------------------------------------------------------------------------------
    def find_question(self, display_id: str) -> RoomQuestion | None:
        return next((q for q in self.questions.values() if q.display_id == display_id), None)

    def find_questions_titled(self, title: str) -> list[RoomQuestion]:
        return [q for q in self.questions.values() if q.title == title]

    def find_room(self, display_id_or_name: str) -> CleanRoom | None:
        return next((r for r in self.cleanrooms.values()
                     if display_id_or_name in (r.display_id, r.name)), None)

    def room(self, room_id: str) -> CleanRoom:
        room = self.cleanrooms.get(room_id)
        if room is None:
            raise not_found("Clean room", room_id)
        return room

    def admin_room(self, room_id: str) -> CleanRoom:
        """A room whose sub-resources the API user may touch (403 where it has no admin role)."""
        room = self.room(room_id)
        if not room.api_admin:
            raise forbidden(f"User does not have the required role in clean room {room.display_id}")
        return room

    def question(self, question_id: str) -> RoomQuestion:
        q = self.questions.get(question_id)
        if q is None:
            raise not_found("Cleanroom question", question_id)
        self.admin_room(q.room_id)
        return q

    def org_question(self, question_id: str) -> OrgQuestion:
        q = self.org_questions.get(question_id)
        if q is None:
            raise not_found("Question", question_id)
        return q

    def run(self, run_id: str) -> Run:
        run = self.runs.get(run_id)
        if run is None:
            raise not_found("Cleanroom question run", run_id)
        self.question(run.question_id)
        return run

    def flow(self, room_id: str, flow_id: str) -> Flow:
        """The flow a path names: by its list item's ``ID`` or its ``flowID``, as ``flow_ids`` allows."""
        self.admin_room(room_id)
        flow = self.flows.get(flow_id) if self.flow_ids in ("both", "ID") else None
        if flow is None and self.flow_ids in ("both", "flowID"):
            flow = next((f for f in self.flows.values() if f.flow_id == flow_id), None)
        if flow is None or flow.room_id != room_id:
            raise not_found("Cleanroom flow", flow_id)
        return flow

    def flow_run(self, room_id: str, run_id: str) -> FlowRun:
        self.admin_room(room_id)
        run = self.flow_runs.get(run_id)
        if run is None or run.room_id != room_id:
            raise not_found("Cleanroom flow run", run_id)
        return run

    def org_name(self, org_id: str) -> str:
        org = self.orgs.get(org_id)
        return org.name if org else ""

    # ---- mutations shared by routes and seeding -------------------------------------------------
    def add_run(self, run: Run) -> Run:
        plan = run.plan
        if plan.failure_reason:  # a reason about a parameter names one this run has
            from .catalog import fit_failure

            plan.failure_reason, plan.run_message, plan.retryable = fit_failure(
                plan.failure_reason, plan.run_message or "", plan.retryable, run.parameters)
        self.runs[run.id] = run
        self.runs_by_question.setdefault(run.question_id, []).append(run.id)
        return run

    def created(self, run: Run | FlowRun) -> None:
        """A run created through the API (not seeded): the demo keeps it for its next start."""
        if self.keep is not None:
            self.keep.record(run)

    def remove_run(self, run_id: str) -> None:
        run = self.runs.pop(run_id)
        self.runs_by_question.get(run.question_id, []).remove(run_id)


__all__ = ["DEMO_CLIENT", "Client", "Counters", "Problem", "World"]

"""The InfoSum world: companies, API keys, datasets, destinations, collaborations, queries.

State is mutated only by the handlers (one request at a time on the event loop) and derived
from the shared clock: queries finish when the clock says so, and :meth:`World.settle` turns
finished collaboration queries into ``TYPE_INSIGHT_QUERY_SUCCESSFUL`` events stamped with the
moment they finished (called at the start of every request, so the log stays in time order).
"""

from __future__ import annotations

from datetime import datetime

from ..clock import Clock
from ..common import Ids
from ..options import EmulatorOptions
from .events import EventDetail
from .model import Collaboration, Company, Dataset, Destination, User


class World:
    def __init__(self, options: EmulatorOptions, clock: Clock) -> None:
        self.options = options
        self.clock = clock
        self.ids = Ids(options.seed)
        self.companies: dict[str, Company] = {}
        self.users: dict[str, User] = {}
        self.keys: dict[str, str] = {}  # API key -> user id
        self.datasets: dict[str, Dataset] = {}
        self.destinations: dict[str, Destination] = {}
        self.destination_types: dict[str, str] = {}  # type id -> display name
        self.collaborations: dict[str, Collaboration] = {}
        self.queries: dict = {}  # query id -> queries.Query
        self._unsettled: list = []  # collaboration queries whose success event is not yet emitted
        #: HTTP status for "already in the collaboration" (reference §3.4: 400, possibly 409)
        self.duplicate_status = 400

    # ------------------------------------------------------------------ identities

    def now(self) -> datetime:
        return self.clock.now()

    def add_company(self, display_name: str, company_id: str | None = None) -> Company:
        company = Company(company_id or f"CMP.{self.ids.token(12)}", display_name)
        self.companies[company.id] = company
        return company

    def add_user(self, company_id: str, display_name: str) -> User:
        user = User(f"USR.{self.ids.token(12)}", display_name, company_id)
        self.users[user.id] = user
        return user

    def add_key(self, key: str, company_id: str, user_display_name: str | None = None) -> User:
        """Give ``company_id`` a new API key (tests). Returns the user the key acts as."""
        if company_id not in self.companies:
            raise KeyError(f"unknown company {company_id}")
        company = self.companies[company_id]
        user = self.add_user(company_id, user_display_name or f"API user ({company.display_name})")
        self.keys[key] = user.id
        return user

    def user_for_key(self, key: str) -> User | None:
        user_id = self.keys.get(key)
        return self.users.get(user_id) if user_id else None

    def company_by_name(self, display_name: str) -> Company:
        return next(c for c in self.companies.values() if c.display_name == display_name)

    def company_name(self, company_id: str) -> str:
        company = self.companies.get(company_id)
        return company.display_name if company else company_id

    # ------------------------------------------------------------------ events

    def emit(self, collab: Collaboration, event_type: str, company_id: str, detail: EventDetail,
             when: datetime | None = None, *, touches_record: bool = True) -> None:
        """Record one event; bumps last activity (and ``updated`` when the record itself changed)."""
        when = when or self.now()
        collab.events.add(when, event_type, company_id, detail)
        collab.last_activity = max(collab.last_activity, when)
        if touches_record:
            collab.updated = max(collab.updated, when)

    def track_query(self, query) -> None:
        self.queries[query.id] = query
        if query.collaboration_id:
            self._unsettled.append(query)

    def settle(self) -> None:
        """Emit success events for collaboration queries that have finished by now."""
        if not self._unsettled:
            return
        now = self.now()
        waiting = []
        for query in sorted(self._unsettled, key=lambda q: q.finishes):
            if query.finishes > now:
                waiting.append(query)
                continue
            collab = self.collaborations.get(query.collaboration_id)
            if collab is not None and not query.failure:
                self.emit(collab, "TYPE_INSIGHT_QUERY_SUCCESSFUL", query.company_id,
                          query.success_detail(self), query.finishes, touches_record=False)
        self._unsettled = waiting

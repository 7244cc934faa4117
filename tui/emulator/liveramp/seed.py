"""Builds the seeded, deterministic world: the advertiser "Northwind Retail" (the API user's org),
six clean rooms of different types and states, partner orgs and people, datasets, ~26 cleanroom
questions, data connections, credentials and destinations. Run history, schedules, flows and
exports come from ``seed_history.py``.

All randomness comes from ``world.ids.rng`` in a fixed order, and all times are offsets from the
clock's ``now()`` at build time, so the same seed gives the same ids and the same relative story.
Room statuses other than the observed ``COMPLETE`` (``PENDING``, ``EXPIRED``) are GUESSes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import catalog
from .model import (
    Binding,
    CleanRoom,
    DataConnection,
    DatasetField,
    DataSource,
    DataType,
    Invitation,
    Org,
    OrgCredential,
    OrgQuestion,
    PartnerAccount,
    PartnerPlatform,
    Person,
    Role,
    RoomDataset,
    RoomDestination,
    RoomPartner,
    RoomQuestion,
    RoomType,
    RoomUser,
)
from .world import DEMO_CLIENT, World

HOME = "Northwind Retail"


@dataclass
class RoomSpec:
    name: str
    type: str
    status: str
    owner: str
    partners: list[str]
    age_days: int
    end_days: int | None  # relative to now; negative = already ended
    questions: list[tuple[str, bool]]  # (template title, datasets bound → READY)
    parameters: dict[str, str] = field(default_factory=dict)
    api_admin: bool = True
    description: str = ""


ROOMS = [
    RoomSpec("Northwind × Contoso Media Measurement", "Hybrid", "COMPLETE", HOME,
             ["Contoso Media", "Fabrikam Publishing"], 420, None,
             [("Attribute Level Overlap and Index Report", True), ("Campaign Reach and Frequency", True),
              ("Revenue Attribution (First Touch)", True), ("Revenue Attribution (Last Touch)", True),
              ("Conversion Timing", True), ("Optimal Frequency", True), ("Audience Segment Builder", True),
              ("Large Audience Export", True)],
             {"REGION": "REGION_US", "CLOUD": "CLOUD_GCP", "SUB_REGION": "SUB_REGION_EAST1",
              "ENABLE_EXPORT": "true", "CROWD_SIZE": "50"},
             description="Always-on measurement and activation with Contoso Media and Fabrikam Publishing"),
    RoomSpec("Retail Media Network – Fabrikam", "Snowflake", "COMPLETE", HOME,
             ["Fabrikam Publishing", "Litware Data", "Adatum Streaming"], 300, 400,
             [("CRM Overlap", True), ("Campaign Reach and Frequency", True), ("Revenue Attribution (Linear)", True),
              ("Media Overlap by Publisher", True), ("Incremental Lift by Channel", False),
              ("Attribute Level Overlap and Index Report", True)],
             {"REGION": "REGION_US", "CLOUD": "CLOUD_AWS", "SUB_REGION": "SUB_REGION_EAST2",
              "ENABLE_EXPORT": "true", "ENABLE_VIEW_QUERY": "true"},
             description="Retail media insights across publisher partners"),
    RoomSpec("Adatum CTV Attribution", "AWS", "COMPLETE", HOME, ["Adatum Streaming", "Wide World Importers"],
             190, None,
             [("Revenue Attribution (First Touch)", True), ("Conversion Timing", True),
              ("Incremental Lift by Channel", True), ("Optimal Frequency", False),
              ("Campaign Reach and Frequency", True)],
             {"REGION": "REGION_US", "CLOUD": "CLOUD_AWS", "SUB_REGION": "SUB_REGION_EAST1"},
             description="Connected-TV exposure to in-store and online sales"),
    RoomSpec("Litware Identity Enrichment", "Google", "PENDING", HOME, ["Litware Data", "Contoso Media"], 6, None,
             [("CRM Overlap", False), ("Sentiment Analysis by Region", False)],
             {"REGION": "REGION_EU", "CLOUD": "CLOUD_GCP", "SUB_REGION": "SUB_REGION_EU_WEST4"},
             description="Being set up: waiting for partner datasets"),
    RoomSpec("Holiday 2025 Co-op", "Databricks", "COMPLETE", HOME, ["Contoso Media", "Tailspin Travel"], 150, -20,
             [("Campaign Reach and Frequency", True), ("Media Overlap by Publisher", True),
              ("Revenue Attribution (Last Touch)", True)],
             {"REGION": "REGION_US", "CLOUD": "CLOUD_AZURE", "ENABLE_EXPORT": "false"},
             description="Seasonal co-op campaign; ended, read-only"),
    RoomSpec("Tailspin Travel Co-op", "HabuConfidentialComputing", "COMPLETE", "Tailspin Travel",
             [HOME, "Wide World Importers"], 240, None,
             [("Sentiment Analysis by Region", True), ("CRM Overlap", True)],
             {"REGION": "REGION_US", "CLOUD": "CLOUD_GCP"}, api_admin=False,
             description="Owned by Tailspin Travel; our API user has no admin role here"),
]

#: dataset fields per macro: (name, type, identifierType)
MACRO_FIELDS = {
    "exposures": [("rampid", "STRING", "RampID"), ("event_time", "TIMESTAMP", ""), ("date", "DATE", ""),
                  ("campaign", "STRING", ""), ("channel", "STRING", ""), ("publisher", "STRING", "")],
    "conversions": [("rampid", "STRING", "RampID"), ("event_time", "TIMESTAMP", ""), ("date", "DATE", ""),
                    ("revenue", "DECIMAL", ""), ("order_id", "STRING", "")],
    "crm": [("customer_id", "STRING", "Customer First Party Identifier"), ("rampid", "STRING", "RampID"),
            ("education", "STRING", ""), ("income", "STRING", ""), ("age_range", "STRING", "")],
    "users": [("rampid", "STRING", "RampID"), ("customer_id", "STRING", "Hashed Customer ID"),
              ("region", "STRING", "")],
    "UserData": [("rampid", "STRING", "RampID"), ("region", "STRING", ""), ("sentiment", "DOUBLE", ""),
                 ("product_line", "STRING", "")],
}
MACRO_LABEL = {"exposures": "Ad Exposures", "conversions": "Online Conversions", "crm": "CRM",
               "users": "Identity Graph", "UserData": "Review Panel"}
#: import type -> (connection name, data source)
HOME_CONNECTIONS = {
    "CRM": ("Northwind CRM (Snowflake)", "SNOWFLAKE"),
    "Conversion": ("Northwind Online Conversions", "CLIENT_AWS_S3"),
    "Transaction": ("Northwind Store Transactions", "GOOGLE_CLOUD_STORAGE"),
    "UserData": ("Northwind Loyalty Members", "LIVERAMP_HOSTED_AWS_S3"),
    "AdExposure": ("Northwind Owned Media Exposures", "CLIENT_AWS_S3"),
}


def _ago(world: World, days: float) -> datetime:
    return world.anchor - timedelta(days=days)


def _jitter(world: World, dt: datetime) -> datetime:
    """Add seconds and microseconds so timestamps look like real ones (never later than an hour ago)."""
    rng = world.ids.rng
    moved = dt + timedelta(seconds=rng.randrange(86_400), microseconds=rng.randrange(1_000_000))
    return min(moved, world.anchor - timedelta(hours=1, microseconds=rng.randrange(1_000_000)))


def _seed_orgs_and_people(world: World) -> None:
    rng = world.ids.rng
    for name, domain in [catalog.HOME_ORG, *catalog.PARTNER_ORGS]:
        org = Org(world.ids.uuid(), name, domain)
        world.orgs[org.id] = org
    world.home_org_id = next(o.id for o in world.orgs.values() if o.name == HOME)
    for org in world.orgs.values():
        count = 5 if org.id == world.home_org_id else 3
        for i in range(count):
            first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
            role = "Organization Admin" if i == 0 else "Organization User"
            person = Person(world.ids.uuid(), f"{first} {last}",
                            f"{first.lower()}.{last.lower()}@{org.domain}", org.id, role)
            world.people[person.id] = person
    world.add_client(*DEMO_CLIENT)


def _seed_catalogues(world: World) -> None:
    for name, display, lists, analytical, walled in catalog.ROOM_TYPES:
        t = RoomType(world.ids.uuid(), name, display, lists, analytical, walled)
        world.room_types[t.id] = t
    for name, display, cred in catalog.DATA_SOURCES:
        s = DataSource(world.ids.uuid(), name, display, cred)
        world.data_sources[s.id] = s
    for name, display in catalog.DATA_TYPES:
        t = DataType(world.ids.uuid(), name, display)
        world.data_types[t.id] = t
    world.identifier_types = [(world.ids.uuid(), name, display) for name, display in catalog.IDENTIFIER_TYPES]
    for name, display, kind, cred in catalog.DESTINATION_PLATFORMS:
        p = PartnerPlatform(world.ids.uuid(), name, display, kind, cred)
        world.partner_platforms[p.id] = p


def _fields(world: World, macro: str) -> list[DatasetField]:
    return [DatasetField(world.ids.uuid(), name, kind, ident, ident == "RampID")
            for name, kind, ident in MACRO_FIELDS[macro]]


def _seed_connections_and_credentials(world: World) -> None:
    sources = {s.name: s for s in world.data_sources.values()}
    types = {t.name: t for t in world.data_types.values()}
    creds = []
    for name, source_name, field_names in catalog.ORG_CREDENTIALS:
        secret_fields = [(f, world.ids.token(24)) for f in field_names]
        c = OrgCredential(world.ids.uuid(), name, world.ids.uuid(), source_name, secret_fields, _ago(world, 500))
        world.credentials[c.id] = c
        creds.append(c)
    macro_of = {"CRM": "crm", "Conversion": "conversions", "Transaction": "conversions", "UserData": "users",
                "AdExposure": "exposures"}
    for i, (kind, (name, source_name)) in enumerate(HOME_CONNECTIONS.items()):
        source = sources[source_name]
        data_type = types.get(kind) or types["Generic"]
        conn = DataConnection(world.ids.uuid(), name, world.home_org_id, "Advertiser data", source.id, data_type.id,
                              creds[i % len(creds)].id, "COMPLETE", "ACTIVE",
                              _jitter(world, _ago(world, 480 - 30 * i)), _fields(world, macro_of[kind]),
                              f"s3://northwind-cleanroom/{macro_of[kind]}/")
        world.data_connections[conn.id] = conn


def _roles(world: World, room: CleanRoom) -> None:
    for name in catalog.CLEANROOM_ROLES:
        room.roles.append(Role(world.ids.uuid(), name, room.id, room.owner_org_id))
    for partner in room.partners:
        for name in catalog.PARTNER_ROLES:
            room.roles.append(Role(world.ids.uuid(), name, room.id, partner.org_id))


def _role(room: CleanRoom, org_id: str, name: str) -> Role:
    return next(r for r in room.roles if r.org_id == org_id and r.name == name)


def _users(world: World, room: CleanRoom, spec: RoomSpec) -> None:
    rng = world.ids.rng
    api_user = world.clients[DEMO_CLIENT[0]].user
    creator = next(p for p in world.people.values() if p.org_id == room.owner_org_id).email
    members: list[tuple[Person, Role]] = []
    if spec.api_admin:
        members.append((api_user, _role(room, room.owner_org_id, "Administrator")))
    owners = [p for p in world.people.values() if p.org_id == room.owner_org_id and p.org_role != "API Administrator"]
    for person, role in zip(rng.sample(owners, 2), ("Administrator", "Analyst"), strict=True):
        members.append((person, _role(room, room.owner_org_id, role)))
    for partner in room.partners:
        staff = [p for p in world.people.values() if p.org_id == partner.org_id and p.org_role != "API Administrator"]
        for person, role in zip(rng.sample(staff, 2), ("Partner Administrator", rng.choice(catalog.PARTNER_ROLES[1:])),
                                strict=True):
            members.append((person, _role(room, partner.org_id, role)))
    for person, role in members:
        room.users.append(RoomUser(world.ids.uuid(), room.id, person, role.id,
                                   _jitter(world, room.created_at), creator))


def _datasets(world: World, room: CleanRoom, macros: list[str], owner_of: dict[str, str]) -> None:
    home_conns = {world.data_types[c.type_id].name: c for c in world.data_connections.values()}
    kinds = {m: k for t in catalog.TEMPLATES for m, (k, _d) in t.data_types.items()}
    for macro in macros:
        org_id = owner_of[macro]
        conn = home_conns.get(kinds[macro]) if org_id == world.home_org_id else None
        ds = RoomDataset(world.ids.uuid(), room.id, f"{world.org_name(org_id)} {MACRO_LABEL[macro]}", org_id, macro,
                         kinds[macro], conn.id if conn else world.ids.uuid(),
                         "CLIENT_AWS_S3" if conn else "PARTNER_SHARED", _fields(world, macro),
                         partner_can_assign=org_id != room.owner_org_id)
        room.datasets.append(ds)


def _questions(world: World, room: CleanRoom, spec: RoomSpec) -> None:
    rng = world.ids.rng
    by_macro = {d.macro: d for d in room.datasets}
    for title, ready in spec.questions:
        template = catalog.template(title)
        created = _jitter(world, room.created_at + timedelta(days=rng.randrange(1, max(2, spec.age_days // 2))))
        org_q = OrgQuestion(world.ids.uuid(), f"Q-{world.display_number():06d}", room.owner_org_id, room.id,
                            template, created)
        world.org_questions[org_q.id] = org_q
        q = RoomQuestion(world.ids.uuid(), f"CRQ-{world.display_number():06d}", room.id, org_q, created)
        for macro in template.data_types:
            ds = by_macro.get(macro)
            if ds is not None:
                q.ownership[macro] = ds.org_id
            if ready and ds is not None:
                q.bindings[macro] = Binding(world.ids.uuid(), macro, ds.id, ds.org_id, created,
                                            [{"name": f.name, "value": f.name.upper()} for f in ds.fields])
        q.permissions = [{"id": world.ids.uuid(), "permission": perm, "access": access} for perm, access in (
            ("VIEW_CODE", "QUESTION_OWNER_ONLY"), ("EDIT", "QUESTION_OWNER_ONLY"), ("RUN", "QUESTION_OWNER_ONLY"),
            ("VIEW_RESULTS", "ALL_CLEAN_ROOM_PARTNERS"))]
        if rng.random() < 0.5 and room.partners:
            q.result_shares = [{"id": world.ids.uuid(), "PartnerID": room.partners[0].org_id, "PostRunQueryID": ""}]
        world.questions[q.id] = q


def _seed_rooms(world: World) -> None:
    rng = world.ids.rng
    org_by_name = {o.name: o for o in world.orgs.values()}
    types = {t.name: t for t in world.room_types.values()}
    for spec in ROOMS:
        owner = org_by_name[spec.owner]
        created = _jitter(world, _ago(world, spec.age_days))
        end = None if spec.end_days is None else (world.anchor + timedelta(days=spec.end_days)).date()
        room = CleanRoom(world.ids.uuid(), f"CR-{world.display_number():06d}", spec.name, spec.description, owner.id,
                         types[spec.type].id, created.date(), end, spec.status, dict(spec.parameters), created,
                         _jitter(world, created + timedelta(days=rng.randrange(1, 20))), api_admin=spec.api_admin)
        world.cleanrooms[room.id] = room
        for name in spec.partners:
            room.partners.append(RoomPartner(world.ids.uuid(), room.id, org_by_name[name].id))
        _roles(world, room)
        _users(world, room, spec)
        inviter = next(u.person.email for u in room.users if u.person.org_id == owner.id)
        for partner in room.partners:
            contact = next(p for p in world.people.values() if p.org_id == partner.org_id)
            room.invitations.append(Invitation(world.ids.uuid(), room.id, owner.id, partner.org_id,
                                               f"Join {room.name}", contact.email, inviter, "ACCEPTED", created))
        if spec.status == "PENDING":
            wide = org_by_name["Wide World Importers"]
            room.invitations.append(Invitation(world.ids.uuid(), room.id, owner.id, wide.id,
                                               "We would like to add your loyalty data to this room.",
                                               f"partnerships@{wide.domain}", inviter, "PENDING",
                                               _jitter(world, _ago(world, 2))))
        macros = sorted({m for title, _ in spec.questions for m in catalog.template(title).data_types})
        partners = [p.org_id for p in room.partners if p.org_id != owner.id] or [owner.id]
        owner_of = {"exposures": partners[0], "conversions": owner.id, "crm": owner.id,
                    "users": partners[-1], "UserData": partners[0]}
        _datasets(world, room, macros, owner_of)
        _questions(world, room, spec)


def _seed_destinations(world: World) -> None:
    platforms = {p.name: p for p in world.partner_platforms.values()}
    contoso = next(o for o in world.orgs.values() if o.name == "Contoso Media")
    accounts = [
        ("Northwind TTD seat", "THE_TRADE_DESK", world.home_org_id, "CONFIG_CONFIGURED", ["api_token"]),
        ("Northwind S3 exports", "S3_IAM_ROLE_EXPORT", world.home_org_id, "CONFIG_CONFIGURED", ["role_arn"]),
        ("Northwind GCS drop", "GCS_EXPORT", world.home_org_id, "CONFIG_CONFIGURED", ["bucket", "service_account"]),
        ("Meta CA – Northwind", "META", world.home_org_id, "CONFIG_PENDING", ["access_token"]),
        ("Contoso Pinterest", "PINTEREST", contoso.id, "CONFIG_CONFIGURED", ["api_token"]),
    ]
    for name, platform, org_id, status, secret_names in accounts:
        p = platforms[platform]
        key = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" if platform.endswith("EXPORT") else ""
        acct = PartnerAccount(world.ids.uuid(), name, org_id, p.id, f"{name} credential",
                              [(n, world.ids.token(32)) for n in secret_names],
                              _jitter(world, _ago(world, 200)), status, key)
        world.partner_accounts[acct.id] = acct
    by_name = {a.name: a for a in world.partner_accounts.values()}
    main = next(r for r in world.cleanrooms.values() if r.name == ROOMS[0].name)
    main.destinations = [
        RoomDestination(by_name["Northwind TTD seat"].id, "OWNER", "ACTIVE_CHANNEL", True, _ago(world, 120)),
        RoomDestination(by_name["Northwind S3 exports"].id, "OWNER", "ACTIVE_CHANNEL", False, _ago(world, 110)),
        RoomDestination(by_name["Contoso Pinterest"].id, "PARTNER", "PENDING_CHANNEL", False, _ago(world, 3)),
    ]
    second = next(r for r in world.cleanrooms.values() if r.name == ROOMS[1].name)
    second.destinations = [
        RoomDestination(by_name["Northwind GCS drop"].id, "OWNER", "ACTIVE_CHANNEL", False, _ago(world, 90))]


def build_world(seed: int, scale: int, anchor: datetime) -> World:
    from .seed_history import seed_history

    world = World(seed, scale, anchor)
    _seed_orgs_and_people(world)
    _seed_catalogues(world)
    _seed_connections_and_credentials(world)
    _seed_rooms(world)
    _seed_destinations(world)
    seed_history(world)
    return world

"""The seeded InfoSum world (deterministic for ``options.seed`` and the clock's start).

Companies and their API keys (company ids are ``CMP.`` + 12 lowercase alphanumerics):

    demo-key       Northwind Retail       owner of most collaborations
    partner-key-1  Contoso Media
    partner-key-2  Fabrikam Publishing
    partner-key-3  Tailspin Travel
    left-key       Litware Data           left "Loyalty x CTV Pilot" (still in "Cycling Enthusiasts Lookalikes")
    (no key)       Adventure Works Cycles, Wide World Importers   — give them one with ``world.add_key``

Rights were chosen so every rule is reachable: e.g. Northwind has no ``contributor`` in
"Contoso Audience Marketplace" and only ``contributor`` in "Fabrikam Readership Study";
Tailspin is operator-only in "Retail Media Measurement 2026" (the busiest log: 2,000 × scale events).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..clock import Clock
from ..options import EmulatorOptions
from . import messages
from .catalog import ATTRIBUTES, DESTINATION_CONFIGS, DESTINATION_TYPES, KEY_BY_NAME, KEY_TYPES
from .events import EventLog
from .history import Catalog, HistoryRenderer, activity_rows
from .model import (
    ACTIVATION_LIST,
    IDENTITY,
    INSIGHT,
    INSIGHT_LIST,
    STATUS_ACTIVE,
    STATUS_CLOSED,
    UNIFIED,
    Attribute,
    Collaboration,
    Dataset,
    DatasetPermission,
    Destination,
    DestinationLink,
    KeyColumn,
    Representation,
    Rights,
)
from .world import World

COMPANIES = (
    ("Northwind Retail", "demo-key", ("Dana Whitfield", "Marcus Chen")),
    ("Contoso Media", "partner-key-1", ("Priya Raman",)),
    ("Fabrikam Publishing", "partner-key-2", ("Tom Okafor",)),
    ("Tailspin Travel", "partner-key-3", ("Sofia Marques",)),
    ("Litware Data", "left-key", ("Ben Hollis",)),
    ("Adventure Works Cycles", None, ("Ava Lindqvist",)),
    ("Wide World Importers", None, ("Kenji Sato",)),
)

# (owner, public name, private id, type, region, rows range, keys, attributes, export columns, description)
DATASETS = (
    ("Northwind Retail", "Loyalty Members", "loyalty", INSIGHT, "AWS_EU_WEST_2", (6_000_000, 9_000_000),
     ("email", "phone", "postcode"), ("age", "gender", "income", "region", "tier", "ltv", "purchases"), (),
     "Loyalty card holders with spend tiers, refreshed weekly"),
    ("Northwind Retail", "CRM Customers 2026", "crm2026", INSIGHT, "AWS_EU_WEST_2", (12_000_000, 18_000_000),
     ("email", "phone", "postcode", "ip"), ("age", "gender", "region", "interest", "ltv"), (),
     "All known customers, CRM export of January 2026"),
    ("Northwind Retail", "Ecommerce Orders", "orders", INSIGHT, "AWS_EU_WEST_2", (20_000_000, 45_000_000),
     ("email", "ip"), ("region", "purchases", "ltv"), (), "Online orders of the last 24 months"),
    ("Northwind Retail", "Northwind Activation", "nwactivation", IDENTITY, "AWS_EU_WEST_2",
     (5_000_000, 9_000_000), ("email", "phone", "maid"), (), ("hashed_email", "maid", "phone_sha256"),
     "Identity dataset for activation to ad platforms"),
    ("Northwind Retail", "Store Visits UK", "storevisits", INSIGHT, "AWS_EU_WEST_2", (800_000, 2_000_000),
     ("maid", "postcode"), ("age", "region"), (), "Footfall panel, opted-in app users"),
    ("Northwind Retail", "Sandbox Upload", "sandbox", INSIGHT, "AWS_EU_WEST_2", (100_000, 300_000),
     ("email",), ("age", "gender"), (), "Scratch dataset for onboarding tests"),
    ("Contoso Media", "Web Visitors EU", "webvisitors", INSIGHT, "AWS_EU_CENTRAL_1", (25_000_000, 50_000_000),
     ("ip", "email", "maid"), ("age", "gender", "interest", "region"), (), "Logged-in visitors of Contoso sites"),
    ("Contoso Media", "CTV Viewers", "ctvviewers", INSIGHT, "AWS_EU_WEST_2", (3_000_000, 7_000_000),
     ("ip", "postcode"), ("age", "gender", "income", "interest"), (), "Connected TV households"),
    ("Contoso Media", "Contoso Identity Graph", "contosoids", IDENTITY, "AWS_EU_WEST_2", (10_000_000, 20_000_000),
     ("email", "ip", "maid"), (), ("ttd_id", "maid", "hashed_email"), "Identity spine for activation"),
    ("Fabrikam Publishing", "Subscribers", "subscribers", INSIGHT, "AWS_EU_WEST_2", (1_000_000, 3_000_000),
     ("email", "postcode"), ("age", "gender", "plan", "region", "income"), (), "Paying subscribers"),
    ("Fabrikam Publishing", "Newsletter Readers", "newsletter", INSIGHT, "AWS_EU_WEST_2", (400_000, 1_500_000),
     ("email",), ("age", "interest"), (), "Newsletter sign-ups"),
    ("Tailspin Travel", "Frequent Flyers", "flyers", INSIGHT, "AWS_EU_WEST_2", (2_000_000, 5_000_000),
     ("email", "phone"), ("age", "gender", "cabin", "income", "region"), (), "Members of the flyer programme"),
    ("Tailspin Travel", "Bookings 2025", "bookings2025", INSIGHT, "AWS_US_EAST_1", (6_000_000, 11_000_000),
     ("email", "phone", "ip"), ("cabin", "region", "purchases"), (), "All bookings made in 2025"),
    ("Litware Data", "Household Panel", "hhpanel", INSIGHT, "IBM_EU_CENTRAL_1", (100_000, 600_000),
     ("postcode", "email"), ("age", "income", "region", "interest"), (), "Recruited household research panel"),
    ("Adventure Works Cycles", "Cycling Club Members", "cyclingclub", INSIGHT, "AWS_EU_WEST_2",
     (150_000, 900_000), ("email", "postcode"), ("age", "gender", "region", "interest"), (), "Club members"),
    ("Wide World Importers", "B2B Buyers", "b2bbuyers", INSIGHT, "AWS_AP_SOUTHEAST_2", (100_000, 500_000),
     ("email", "phone"), ("region", "purchases"), (), "Trade customers"),
)

DESTINATIONS = (
    ("Northwind Retail", "Google Ads - UK Prospecting", "google_ads"),
    ("Northwind Retail", "Amazon S3 - Audience Drops", "amazon_s3"),
    ("Northwind Retail", "The Trade Desk - Northwind Seat", "the_trade_desk"),
    ("Northwind Retail", "Meta - Loyalty Lookalikes", "meta_custom_audiences"),
    ("Contoso Media", "The Trade Desk - Contoso Seat", "the_trade_desk"),
    ("Contoso Media", "Amazon S3 - Contoso Exports", "amazon_s3"),
    ("Fabrikam Publishing", "Google Ads - Fabrikam Subscribers", "google_ads"),
    ("Tailspin Travel", "Meta - Tailspin Flyers", "meta_custom_audiences"),
    ("Tailspin Travel", "LiveRamp - Tailspin", "liveramp"),
    ("Litware Data", "Snowflake - Litware Share", "snowflake"),
    ("Adventure Works Cycles", "Google Ads - Adventure Works", "google_ads"),
    ("Wide World Importers", "Amazon S3 - WWI Drops", "amazon_s3"),
)

ALL = Rights(True, True, True)


def R(contributor: bool = False, detailed_logs: bool = False, operator: bool = False) -> Rights:  # noqa: N802
    return Rights(contributor, detailed_logs, operator)


# Each: name, description, owner, days since creation, days since closing (None = active),
# members {company: rights}, datasets [(private id, collaboration name, via, options)],
# destinations [destination name], optional churn (assets added then removed after N days), base event count,
# private path, left {company: (rights, days ago, datasets it had added)}
COLLABORATIONS = (
    dict(name="Retail Media Measurement 2026",
         description="Measure the incremental reach of Contoso and Fabrikam media on Northwind loyalty customers.",
         owner="Northwind Retail", age=150, closed=None,
         members={"Contoso Media": ALL, "Fabrikam Publishing": R(contributor=True),
                  "Tailspin Travel": R(operator=True)},
         datasets=[("loyalty", "loyalty", UNIFIED, dict(intersection_only=True, attribute_restriction=True,
                                                        allowed_attributes=["age", "gender", "region", "tier"])),
                   ("nwactivation", "nwactivation", UNIFIED, dict(activation_allowed=True,
                                                                  exportable_to_members=["Contoso Media"])),
                   ("webvisitors", "contosoweb", UNIFIED, dict(activation_allowed=True)),
                   ("subscribers", "fabsubs", INSIGHT_LIST, {})],
         destinations=["Google Ads - UK Prospecting", "The Trade Desk - Contoso Seat"],
         churn_datasets=[("crm2026", "crm", 21)], churn_destinations=[("Amazon S3 - Audience Drops", 35)],
         events=2000, private_path=False, left={}),
    dict(name="Holiday Travel Audiences",
         description="Find Northwind shoppers who book long-haul holidays with Tailspin.",
         owner="Northwind Retail", age=95, closed=None,
         members={"Tailspin Travel": ALL, "Contoso Media": R(detailed_logs=True)},
         datasets=[("crm2026", "crm", UNIFIED, {}), ("flyers", "flyers", UNIFIED, {}),
                   ("bookings2025", "bookings", INSIGHT_LIST, {})],
         destinations=["Meta - Tailspin Flyers"], events=300, private_path=True, left={}),
    dict(name="Publisher Overlap Q1", description="One-off overlap study with Fabrikam titles.",
         owner="Northwind Retail", age=210, closed=40,
         members={"Fabrikam Publishing": R(contributor=True, operator=True)},
         datasets=[("orders", "orders", INSIGHT_LIST, {}), ("newsletter", "newsletter", INSIGHT_LIST, {})],
         destinations=[], events=150, private_path=False, left={}),
    dict(name="Loyalty x CTV Pilot", description="Pilot: reach of Contoso CTV among loyalty members.",
         owner="Northwind Retail", age=120, closed=None,
         members={"Contoso Media": R(contributor=True, operator=True),
                  "Fabrikam Publishing": R(contributor=True, detailed_logs=True)},
         datasets=[("loyalty", "loyalty", UNIFIED, {}), ("ctvviewers", "ctv", UNIFIED, {}),
                   ("subscribers", "subs", UNIFIED, {})],
         destinations=["The Trade Desk - Northwind Seat"], events=400, private_path=False,
         left={"Litware Data": (R(contributor=True, detailed_logs=True), 30, [("hhpanel", "panel")])}),
    dict(name="Cycling Enthusiasts Lookalikes", description="Lookalike audiences from Adventure Works club members.",
         owner="Northwind Retail", age=60, closed=None,
         members={"Adventure Works Cycles": ALL, "Litware Data": R(contributor=True, detailed_logs=True)},
         datasets=[("storevisits", "visits", UNIFIED, {}), ("cyclingclub", "cycling", UNIFIED, {}),
                   ("hhpanel", "panel", UNIFIED, {})],
         destinations=["Google Ads - Adventure Works"], events=200, private_path=False, left={}),
    dict(name="Contoso Audience Marketplace", description="Contoso's audiences available to advertisers.",
         owner="Contoso Media", age=75, closed=None,
         members={"Northwind Retail": R(detailed_logs=True, operator=True),
                  "Wide World Importers": R(contributor=True)},
         datasets=[("webvisitors", "web", UNIFIED, {}),
                   ("contosoids", "contosoids", ACTIVATION_LIST, dict(exportable_to_members=["Northwind Retail"])),
                   ("b2bbuyers", "b2b", UNIFIED, {})],
         destinations=["Amazon S3 - Contoso Exports"], events=250, private_path=False, left={}),
    dict(name="Fabrikam Readership Study", description="Which Northwind customers read Fabrikam titles?",
         owner="Fabrikam Publishing", age=70, closed=None,
         members={"Northwind Retail": R(contributor=True), "Tailspin Travel": R(detailed_logs=True, operator=True)},
         datasets=[("subscribers", "subscribers", UNIFIED, {}), ("crm2026", "nwcrm", UNIFIED, {})],
         destinations=[], events=120, private_path=False, left={}),
    dict(name="Archived 2025 Brand Lift", description="Brand lift measurement for the 2025 campaign.",
         owner="Northwind Retail", age=260, closed=100,
         members={"Contoso Media": ALL},
         datasets=[("loyalty", "loyalty", INSIGHT_LIST, {}), ("webvisitors", "web", INSIGHT_LIST, {})],
         destinations=[], events=100, private_path=False, left={}),
)

ADD_EVENT = {UNIFIED: "TYPE_DATASET_ADDED", INSIGHT_LIST: "TYPE_INSIGHT_DATASET_ADDED",
             ACTIVATION_LIST: "TYPE_ACTIVATION_DATASET_ADDED"}
REMOVE_EVENT = {UNIFIED: "TYPE_DATASET_REMOVED", INSIGHT_LIST: "TYPE_INSIGHT_DATASET_REMOVED",
                ACTIVATION_LIST: "TYPE_ACTIVATION_DATASET_REMOVED"}


def build_world(options: EmulatorOptions, clock: Clock) -> World:
    world = World(options, clock)
    rng = random.Random(f"infosum:{options.seed}")
    now = clock.now().replace(microsecond=0)
    _seed_companies(world)
    _seed_datasets(world, rng, now)
    _seed_destinations(world, rng, now)
    for spec in COLLABORATIONS:
        _seed_collaboration(world, rng, now, spec, max(1, int(options.scale)))
    return world


def _seed_companies(world: World) -> None:
    for name, key, users in COMPANIES:
        company = world.add_company(name)
        first = [world.add_user(company.id, user) for user in users][0]
        if key:
            world.keys[key] = first.id
    for type_id, name in DESTINATION_TYPES.items():
        world.destination_types[type_id] = name


def _users_of(world: World, company_id: str) -> list[str]:
    return [u.id for u in world.users.values() if u.company_id == company_id]


def _seed_datasets(world: World, rng: random.Random, now: datetime) -> None:
    for owner, public, private, kind, region, (lo, hi), keys, attrs, exports, description in DATASETS:
        company = world.company_by_name(owner)
        # the sandbox is each company's newest dataset (first in the default newest-first order)
        days = rng.randint(14, 30) if private == "sandbox" else rng.randint(250, 520)
        created = now - timedelta(days=days, seconds=rng.randint(0, 86_399))
        rows = rng.randint(lo, hi) // 1000 * 1000
        key_cols = [KeyColumn(KEY_BY_NAME[k], KEY_TYPES[KEY_BY_NAME[k]], round(rng.uniform(0.55, 0.99), 3),
                              round(rng.uniform(0.82, 0.99), 3), multi_value=k in ("maid", "ip"))
                    for k in keys]
        attributes = []
        for name in attrs:
            spec = ATTRIBUTES[name]
            reps = [Representation(f"{spec.attr_id}{n}", label, vtype, multi)
                    for n, (_suffix, label, vtype, multi) in enumerate(spec.representations, 1)]
            attributes.append(Attribute(spec.attr_id, name, spec.label, spec.category,
                                        round(rng.uniform(0.4, 0.97), 3), reps))
        ds = Dataset(id=f"{region}.{world.ids.token(12)}", private_id=private, public_name=public,
                     description=description, type=kind, region=region, owner_id=company.id,
                     created_by=_users_of(world, company.id)[0], created=created,
                     published=now - timedelta(days=rng.randint(3, min(60, days - 1)), seconds=rng.randint(0, 3_599)),
                     rows=rows, keys=key_cols, attributes=attributes, export_columns=list(exports),
                     stats_seed=rng.getrandbits(32))
        world.datasets[ds.id] = ds


def _seed_destinations(world: World, rng: random.Random, now: datetime) -> None:
    for owner, name, type_id in DESTINATIONS:
        company = world.company_by_name(owner)
        slug = company.display_name.split()[0].lower()
        created = now - timedelta(days=rng.randint(120, 400), seconds=rng.randint(0, 86_399))
        dest = Destination(id=f"DST.{world.ids.token(12)}", name=name, description=f"{DESTINATION_TYPES[type_id]} "
                           f"destination managed by {company.display_name}", type_id=type_id, owner_id=company.id,
                           creator_id=_users_of(world, company.id)[0], config=DESTINATION_CONFIGS[type_id](slug),
                           editable_paths=["/audience_name"] if type_id != "amazon_s3" else ["/prefix", "/filename"],
                           created=created, updated=created + timedelta(days=rng.randint(0, 90)))
        world.destinations[dest.id] = dest


def _dataset_by_private(world: World, private_id: str):
    return next(d for d in world.datasets.values() if d.private_id == private_id)


def _destination_by_name(world: World, name: str):
    return next(d for d in world.destinations.values() if d.name == name)


def _seed_collaboration(world: World, rng: random.Random, now: datetime, spec: dict, scale: int) -> None:
    names = {c.id: c.display_name for c in world.companies.values()}
    owner = world.company_by_name(spec["owner"])
    created = now - timedelta(days=spec["age"], seconds=rng.randint(0, 86_399))
    end = now - timedelta(days=spec["closed"]) if spec["closed"] is not None else now - timedelta(minutes=5)
    catalog = Catalog()
    log = EventLog(HistoryRenderer(names, catalog))
    members = {world.company_by_name(n).id: r for n, r in spec["members"].items()}
    collab = Collaboration(id=f"CLB.{world.ids.token(12)}", name=spec["name"], description=spec["description"],
                           status=STATUS_ACTIVE, owner_id=owner.id, owner_rights=Rights(True, True, True),
                           members=members, created=created, updated=created, last_activity=created, events=log,
                           private_path_enabled=spec["private_path"])
    structural: list = []

    def at(when: datetime) -> float:
        return float(int(when.timestamp()))

    structural.append((at(created), "TYPE_COLLABORATION_CREATED", owner.id,
                       messages.created(owner.display_name, owner.id, collab.name, len(members) + len(spec["left"]))))
    step = created
    for private_id, cname, via, options in spec["datasets"]:
        ds = _dataset_by_private(world, private_id)
        step += timedelta(hours=rng.randint(2, 60))
        opts = dict(options)
        if "exportable_to_members" in opts:
            opts["exportable_to_members"] = [world.company_by_name(n).id for n in opts["exportable_to_members"]]
        collab.datasets.append(DatasetPermission(via=via, dataset_id=ds.id, owner_id=ds.owner_id,
                                                 collaboration_dataset_name=cname, added=step, **opts))
        catalog.add((ds.id, cname, ds.owner_id), at(step), rows=ds.rows, identity=ds.type == IDENTITY)
        structural.append((at(step), ADD_EVENT[via], ds.owner_id,
                           messages.dataset_change(ADD_EVENT[via], names[ds.owner_id], ds.id, cname, ds.owner_id)))
    for dest_name in spec["destinations"]:
        dest = _destination_by_name(world, dest_name)
        step += timedelta(hours=rng.randint(2, 30))
        collab.destinations.append(DestinationLink(dest.id, dest.owner_id, step))
        catalog.add((dest.id, dest.name, dest.owner_id), at(step))
        structural.append((at(step), "TYPE_DESTINATION_ADDED", dest.owner_id,
                           messages.destination_change(True, names[dest.owner_id], dest.id, dest.name,
                                                       dest.owner_id, dest.type_id)))
    for private_id, cname, days in spec.get("churn_datasets", []):  # added, then removed again
        ds = _dataset_by_private(world, private_id)
        step += timedelta(hours=rng.randint(2, 30))
        removed = step + timedelta(days=days, seconds=rng.randint(0, 86_399))
        catalog.add((ds.id, cname, ds.owner_id), at(step), at(removed), rows=ds.rows,
                    identity=ds.type == IDENTITY)
        for event_type, when in (("TYPE_DATASET_ADDED", step), ("TYPE_DATASET_REMOVED", removed)):
            structural.append((at(when), event_type, ds.owner_id,
                               messages.dataset_change(event_type, names[ds.owner_id], ds.id, cname, ds.owner_id)))
    for dest_name, days in spec.get("churn_destinations", []):
        dest = _destination_by_name(world, dest_name)
        step += timedelta(hours=rng.randint(2, 30))
        removed = step + timedelta(days=days, seconds=rng.randint(0, 86_399))
        catalog.add((dest.id, dest.name, dest.owner_id), at(step), at(removed))
        for added, when in ((True, step), (False, removed)):
            structural.append((at(when), "TYPE_DESTINATION_ADDED" if added else "TYPE_DESTINATION_REMOVED",
                               dest.owner_id, messages.destination_change(added, names[dest.owner_id], dest.id,
                                                                          dest.name, dest.owner_id, dest.type_id)))
    left_at: dict[str, int] = {}
    for company_name, (_rights, days_ago, datasets) in spec["left"].items():
        company = world.company_by_name(company_name)
        when = now - timedelta(days=days_ago, seconds=rng.randint(0, 86_399))
        for private_id, cname in datasets:  # the leaver's datasets were in the collaboration until it left
            ds = _dataset_by_private(world, private_id)
            step += timedelta(hours=rng.randint(2, 30))
            catalog.add((ds.id, cname, ds.owner_id), at(step), at(when), rows=ds.rows,
                        identity=ds.type == IDENTITY)
            structural.append((at(step), "TYPE_DATASET_ADDED", company.id,
                               messages.dataset_change("TYPE_DATASET_ADDED", company.display_name, ds.id, cname,
                                                       company.id)))
        left_at[company.id] = int(when.timestamp())
        collab.left[company.id] = when
        structural.append((at(when), "TYPE_COLLABORATION_LEFT", company.id,
                           messages.left(company.display_name, company.id)))
    if spec["closed"] is not None:
        collab.status = STATUS_CLOSED
        end += timedelta(seconds=rng.randint(0, 3_599))
        structural.append((at(end), "TYPE_COLLABORATION_CLOSED", owner.id,
                           messages.closed(owner.display_name, owner.id)))

    everyone = {owner.id: collab.owner_rights, **members}
    for company_name, (rights, _d, _ds) in spec["left"].items():
        everyone[world.company_by_name(company_name).id] = rights
    operators = [c for c, r in everyone.items() if r.operator]
    dataset_owners = sorted({ref[2] for ref in catalog.datasets})
    count = max(0, spec["events"] * scale - len(structural))
    activity_start = int((step + timedelta(hours=6)).timestamp())
    activity_end = int(end.timestamp()) - 60
    rows = activity_rows(rng, count, activity_start, max(activity_start, activity_end), owner.id, operators,
                         dataset_owners, left_at, collab.private_path_enabled, bool(catalog.destinations))
    log.load(structural + rows)
    collab.updated = max(datetime.fromtimestamp(r[0], created.tzinfo) for r in structural)
    collab.last_activity = log.last_time or created
    world.collaborations[collab.id] = collab

"""Who the credentials belong to, for the header: the InfoSum company, the LiveRamp org.

LiveRamp has no "who am I" call: ``/users`` lists the org's users without naming the org, so the
org is taken as the owner of most of the rooms the API user sees (the API user belongs to the
org that owns its rooms; partner-owned rooms are the minority). Cached like every other read.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..core.session import Session

Identity = dict[str, str]


async def _liveramp_org(client: Any) -> Identity:
    rooms = await client.list_cleanrooms()
    owners = Counter(r.owner_organization for r in rooms if r.owner_organization)
    return {"name": owners.most_common(1)[0][0] if owners else "", "id": ""}


async def _infosum_company(client: Any) -> Identity:
    me = await client.me()
    return {"name": me.company.display_name or me.company.id, "id": me.company.id}


def _apply(session: Session, identity: Identity) -> None:
    session.org_name = identity.get("name") or session.org_name
    session.org_id = identity.get("id") or session.org_id


def apply_cached(session: Session) -> None:
    cached = session.repo.raw("identity", "")  # a plain dict: no models needed to show it
    if cached is not None and isinstance(cached.value, dict):
        _apply(session, cached.value)


async def identify(session: Session) -> str | None:
    apply_cached(session)
    call = _liveramp_org if session.platform == "liveramp" else _infosum_company
    try:
        fresh = await session.load("identity", "", call, Identity)
    except Exception:  # the header just keeps "…"; the screens show the real error in place
        return session.org_name
    _apply(session, fresh.value)
    return session.org_name

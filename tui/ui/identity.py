"""Who the credentials belong to, for the header: the InfoSum company, the LiveRamp org.

LiveRamp has no "who am I" call: ``/users`` lists the org's users without naming the org, so the
org is taken as the owner of most of the rooms the API user sees (the API user belongs to the
org that owns its rooms; partner-owned rooms are the minority). Cached like every other read.
"""

from __future__ import annotations

from ..core import infosum as isum
from ..core import liveramp as lr
from ..core.session import Session

Identity = dict[str, str]


def _apply(session: Session, identity: Identity) -> None:
    session.org_name = identity.get("name") or session.org_name
    session.org_id = identity.get("id") or session.org_id


def apply_cached(session: Session) -> None:
    read = lr.identity() if session.platform == "liveramp" else isum.identity()
    cached = session.repo.raw(read.kind, read.key)  # a plain dict: no models needed to show it
    if cached is not None and isinstance(cached.value, dict):
        _apply(session, cached.value)


async def identify(session: Session) -> str | None:
    apply_cached(session)
    read = lr.identity() if session.platform == "liveramp" else isum.identity()
    try:
        fresh = await session.load(read)
    except Exception:  # the header just keeps "…"; the screens show the real error in place
        return session.org_name
    _apply(session, fresh.value)
    return session.org_name

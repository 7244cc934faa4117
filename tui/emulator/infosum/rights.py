"""Who may do what in a collaboration (reference §8.5; enforcement details are GUESS).

- Seeing a collaboration at all: owner or current member. Anyone else — never a member, or a
  company that left — gets 404, so a leaver learns nothing (not even that it still exists).
- Close: owner only (403). Leave: anyone but the owner (403).
- Add/remove datasets and destinations: ``contributor`` (the owner uses its ``creator_rights``),
  and for removals the caller must own the asset (403).
- Stats: ``detailed_logs``. Events: every member; ``metadata`` stripped without ``detailed_logs``.
- Queries inside the collaboration: ``operator``.
- Mutations on a closed collaboration: 400 FAILED_PRECONDITION.
"""

from __future__ import annotations

from .errors import forbidden, not_found, precondition
from .model import STATUS_CLOSED, Collaboration, Rights
from .world import World


def visible_collaboration(world: World, company_id: str, collab_id: str) -> Collaboration:
    collab = world.collaborations.get(collab_id)
    if collab is None or not collab.is_member(company_id):
        raise not_found(f"collaboration {collab_id} not found")
    return collab


def rights(collab: Collaboration, company_id: str) -> Rights:
    return collab.rights_of(company_id) or Rights()


def require_right(collab: Collaboration, company_id: str, right: str, action: str) -> None:
    if not getattr(rights(collab, company_id), right):
        raise forbidden(f"{action} needs the {right} right in collaboration {collab.id}")


def require_owner(collab: Collaboration, company_id: str, action: str) -> None:
    if collab.owner_id != company_id:
        raise forbidden(f"only the owner of collaboration {collab.id} can {action}")


def require_active(collab: Collaboration, action: str) -> None:
    if collab.status == STATUS_CLOSED:
        raise precondition(f"collaboration {collab.id} is closed: cannot {action}")

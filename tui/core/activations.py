"""InfoSum activations to a collaboration's destinations (issue 20.3): what may be activated where,
the form's checks, and the two writes — each described for its confirmation, journaled, sent once.

The AD playbook's flow (reference §11.1): ``POST /api/v1/activations {query, campaign_name,
collaboration_id}`` queues an activation query; ``GET /api/v1/activations/{id}`` says when it has
completed (and lists its pushes); ``POST /api/v2/activations/queries/{id}/destinations/{did}/push
{push_config: {filename}}`` sends the result to a destination.

Where the collaboration's rights allow it (reference §8.2, §8.5): the company needs ``operator``
(the owner, its creator rights), the dataset must allow activation (``activation_allowed``, or an
``activation_datasets`` entry) and the destination — one added to the collaboration — must belong
to a member in the dataset's ``exportable_to_members`` ("empty ⇒ nothing exportable"). The form
lists every pair and says why a pair is not allowed; the platform has the last word (a 403 is shown).

A push whose answer was lost is reconciled by reading the activation's pushes (a push that was not
there before is the one sent); an activation whose answer was lost cannot be listed here, so the
journal keeps it and the operator is told to look before sending it again. No Textual.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .exports import ExportWrite
from .reads import Read

IQL_DEFAULT = "SELECT {name}.ID FROM {name}"
FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def models() -> Any:
    from ..api.infosum import activations as m

    return m


def activation(activation_id: str) -> Read[Any]:
    """An activation's summary and pushes (InfoSum has no status-read budget)."""
    return Read("activation", activation_id, lambda c: c.get_activation(activation_id), lambda: models().Activation)


# ---------------------------------------------------------------------------- what is allowed

@dataclass(frozen=True)
class Pair:
    """One dataset (by its collaboration name) and one collaboration destination, and whether the
    collaboration's rights let this company activate the one to the other."""

    dataset: str
    dataset_id: str
    destination: Any
    why_not: str | None

    @property
    def key(self) -> str:
        return f"{self.dataset_id}|{self.destination.id}"


def _rights(collab: Any, company_id: str | None) -> Any:
    return collab.rights_of(company_id) if collab is not None and company_id else None


def activatable(collab: Any) -> list[Any]:
    """The collaboration's dataset permissions activation is allowed on (unified or activation list)."""
    found = [p for p in collab.datasets if p.activation_allowed]
    found += [p for p in collab.activation_datasets if p.dataset_id not in {f.dataset_id for f in found}]
    return found


def pairs(collab: Any, destinations: Sequence[Any], company_id: str | None) -> list[Pair]:
    rights = _rights(collab, company_id)
    out = []
    for perm in activatable(collab):
        for d in destinations:
            why = None
            if collab.status != "STATUS_ACTIVE":
                why = "the collaboration is not active"
            elif rights is None or not rights.operator:
                why = "your company lacks the operator right in this collaboration"
            elif d.owner_id not in perm.exportable_to_members:
                why = "this destination's owner is not among the dataset's exportable_to_members"
            out.append(Pair(perm.collaboration_dataset_name or perm.dataset_id, perm.dataset_id, d, why))
    return out


def check(campaign: str, query: str, filename: str) -> str | None:
    """The form's first problem, or None."""
    if not campaign.strip():
        return "Give the campaign a name (InfoSum names the activation result after it)."
    if len(campaign) > 100 or any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in campaign):
        return "The campaign name is at most 100 printable characters."
    if not query.strip():
        return "The activation query is empty."
    if not FILENAME.match(filename):
        return "The file name is letters, digits, '.', '_' and '-' (e.g. spring_audience.csv), no '/'."
    return None


# ---------------------------------------------------------------------------- writes

def create(collaboration_id: str, campaign: str, query: str) -> ExportWrite:
    body = {"query": query, "campaign_name": campaign, "collaboration_id": collaboration_id}
    return ExportWrite(
        "POST", "/api/v1/activations", body, f"activation:{collaboration_id}",
        "The activation query runs on the platform; its result can then be pushed to the destination (p on "
        "the activation screen, with its own confirmation).",
        lambda c: c.create_activation(query, campaign, collaboration_id),
        ids=lambda answer: [answer.activation_id], root="/api")


def push(activation_id: str, destination: Any, filename: str) -> ExportWrite:
    body = {"push_config": {"filename": filename}}

    async def snapshot(client: Any) -> set[str]:
        return {p.push_id for p in (await client.get_activation(activation_id)).pushes}

    async def find(client: Any, before: set[str] | None, _started: Any) -> list[str]:
        if before is None:  # nothing to compare with: cannot tell, say so rather than guess
            raise RuntimeError("the pushes before sending could not be read")
        return [p.push_id for p in (await client.get_activation(activation_id)).pushes if p.push_id not in before]

    return ExportWrite(
        "POST", f"/api/v2/activations/queries/{activation_id}/destinations/{destination.id}/push", body,
        f"activation-push:{activation_id}:{destination.id}",
        "The activation's result is sent to the destination as this file.",
        lambda c: c.push_activation(activation_id, destination.id, {"filename": filename}),
        snapshot=snapshot, find=find, ids=lambda answer: [answer.push_id], root="/api")


__all__ = ["IQL_DEFAULT", "Pair", "activatable", "activation", "check", "create", "pairs", "push"]

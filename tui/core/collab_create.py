"""Creating an InfoSum collaboration (issue 20.4, the playbook's first owner task): the form's checks,
the exact request, and the write — journaled, sent once, a lost answer settled by listing.

``POST /api/v2/collaborations`` with ``CreateCollaborationRequest`` (reference §8.3.1, the CM
playbook): ``{name, description, creator_rights, collaborators: [{company_id, rights}]}``, rights
being ``{contributor, detailed_logs, operator}``; the answer is ``{collaboration_id}``. ``name`` and
``collaborators`` are required; the members are fixed at creation — **none can be added later**.

Company ids: the format is not published ("must be obtained from each partner", §6); the checks are
the ones that cannot be wrong — not empty, one token of letters, digits, ``.``, ``_``, ``-`` (no
spaces, no control or invisible characters: a pasted id with a stray character is refused, not
sent), not the creator's own company (its rights are ``creator_rights``), not listed twice. An id
not seen in any collaboration the company is in is allowed but flagged (:meth:`CollabForm.unknown`):
the platform answers 400 for an unknown company. No Textual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .journaled import Recovered, journaled, lost
from .reads import Write
from .sanitize import plain

PATH = "/api/v2/collaborations"
RIGHTS = ("operator", "contributor", "detailed_logs")
RIGHT_LABELS = {"operator": "operator", "contributor": "contributor", "detailed_logs": "detailed logs"}
#: a collaboration's name is free text; the emulator (GUESS) refuses more than this
MAX_NAME = 200
MAX_DESCRIPTION = 2000
_COMPANY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_CTRL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
TARGET = "collaboration:new"


def rights_of(names: Iterable[str]) -> dict[str, bool]:
    """``{"contributor": …, "detailed_logs": …, "operator": …}`` from the names of the rights given."""
    given = {n.strip().lower().replace(" ", "_").replace("-", "_") for n in names if n.strip()}
    given = {"detailed_logs" if n in ("logs", "detailed", "detailed_log") else n for n in given}
    unknown = given - set(RIGHTS)
    if unknown:
        raise ValueError(f"unknown right(s) {', '.join(sorted(unknown))}: use {', '.join(RIGHTS)}")
    return {r: r in given for r in sorted(RIGHTS)}


def rights_text(rights: dict[str, bool]) -> str:
    return ", ".join(RIGHT_LABELS[r] for r in RIGHTS if rights.get(r)) or "no rights"


def company_problem(company_id: str) -> str | None:
    if not company_id:
        return "a company id is required (ask the partner for it)"
    if _CTRL_RE.search(company_id):
        return f"{plain(company_id, 60)!r} holds control or invisible characters: paste the id again"
    if not _COMPANY_RE.fullmatch(company_id):
        return (f"{plain(company_id, 60)!r} is not a company id: one word of letters, digits, '.', '_' or '-' "
                "(e.g. CMP.a1b2c3d4e5f6)")
    return None


@dataclass
class Member:
    company_id: str = ""
    rights: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(sorted(RIGHTS), False))


@dataclass
class CollabForm:
    """What the owner fills in. ``own_id``: the creating company (it cannot be a member);
    ``known``: company id → display name, from the collaborations the company is already in."""

    name: str = ""
    description: str = ""
    creator_rights: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(sorted(RIGHTS), True))
    members: list[Member] = field(default_factory=list)
    own_id: str = ""
    known: dict[str, str] = field(default_factory=dict)

    def errors(self) -> dict[str, str]:
        """Problems by field: ``name``, ``description``, ``members``, ``member:<i>``."""
        errors: dict[str, str] = {}
        name = self.name.strip()
        if not name:
            errors["name"] = "Name: is required"
        elif _CTRL_RE.search(name):
            errors["name"] = "Name: must not contain control or invisible characters"
        elif len(name) > MAX_NAME:
            errors["name"] = f"Name: is too long ({len(name)} characters, at most {MAX_NAME})"
        if _CTRL_RE.search(self.description.replace("\n", " ")):
            errors["description"] = "Description: must not contain control or invisible characters"
        elif len(self.description) > MAX_DESCRIPTION:
            errors["description"] = f"Description: is too long (at most {MAX_DESCRIPTION} characters)"
        seen: set[str] = set()
        for i, m in enumerate(self.members):
            cid = m.company_id.strip()
            problem = company_problem(cid)
            if problem is None and self.own_id and cid == self.own_id:
                problem = "that is your own company: set its rights under “Your rights”"
            if problem is None and cid in seen:
                problem = f"{cid} is listed twice"
            if problem:
                errors[f"member:{i}"] = f"Member {i + 1}: {problem}"
            seen.add(cid)
        if not self.members:
            errors["members"] = "Members: add at least one partner company (members cannot be added later)"
        return errors

    def unknown(self) -> list[str]:
        """Member ids not seen in any collaboration the company is in (allowed; the platform decides)."""
        return [m.company_id.strip() for m in self.members if m.company_id.strip() not in self.known]

    def build_request(self) -> dict[str, Any]:
        """The exact ``CreateCollaborationRequest`` body (what ``InfoSumClient.create_collaboration`` posts)."""
        errors = self.errors()
        if errors:
            raise ValueError("; ".join(errors.values()))
        body: dict[str, Any] = {"name": self.name.strip(), "creator_rights": dict(self.creator_rights),
                                "collaborators": [{"company_id": m.company_id.strip(), "rights": dict(m.rights)}
                                                  for m in self.members]}
        if self.description.strip():
            body["description"] = self.description.strip()
        return body


def create(body: dict[str, Any]) -> Write[str]:
    """``POST /api/v2/collaborations`` (answers the new ``CLB.…`` id)."""
    collaborators = [(m["company_id"], m["rights"]) for m in body.get("collaborators", [])]
    return Write("POST", PATH, lambda c: c.create_collaboration(body["name"], collaborators, body["creator_rights"],
                                                                 body.get("description")), body=body)


def journal_create(session: Any, write: Write[str], existing: set[str]) -> Write[Any]:
    """``write`` journaled; a lost answer is settled by listing the collaborations: one of the same
    name, owned by this company, that was not there before, is the one it made (never a second POST)."""
    body = write.body or {}

    async def find(client: Any) -> str | None:
        own = getattr(session, "org_id", None)
        async for c in client.iter_collaborations():
            if c.id not in existing and c.name == body.get("name") and (not own or c.owner.id == own):
                return c.id
        return None

    return journaled(session, write, TARGET, object_id=lambda answer: str(answer or "") or None, find=find)


def created_id(answer: Any) -> str:
    """The new collaboration's id, whether it was answered or found by listing."""
    return answer.object_id if isinstance(answer, Recovered) else str(answer)


__all__ = ["MAX_NAME", "PATH", "RIGHTS", "CollabForm", "Member", "Recovered", "company_problem", "create",
           "created_id", "journal_create", "lost", "rights_of", "rights_text"]

""""Run again" for an InfoSum insight query: the compose form re-opens with the same request.

InfoSum cannot read a query's text back (the API returns status and results only), so the request
comes from the launch journal — the exact body this app sent (text, collaboration, sample). The
compose form then goes the usual way: "Review query" shows the exact request, the "again?" guard
names the earlier launch of the same text, and nothing is sent before the operator confirms.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from ...core.session import Session
from ..jump_index import Target
from .again import _refuse_readonly

NOT_KNOWN = ("This query's text is not known here (it was launched from another machine, or its journal "
             "entry is older than 30 days): compose it again from its collaboration.")


def collaboration_target(profile: str, query_target: Target | None, request: dict[str, Any],
                         jumps: Any = None) -> Target | None:
    """The collaboration the query ran in: the screen's own path when it names it, else the jump index's
    entry for the request's id, else a bare target for that id."""
    cid = str(request.get("collaboration_id") or "")
    known = next((t for t in (query_target.path if query_target is not None else ()) if t.kind == "collaboration"),
                 None)
    if known is not None and (not cid or known.id == cid):
        return known
    if not cid:
        return None
    found = jumps.get(profile, "collaboration", cid) if jumps is not None else None
    return found or Target("collaboration", cid, cid, profile)


def query_again(screen: Screen, session: Session, query_target: Target | None, query_id: str,
                request: dict[str, Any] | None = None) -> None:
    """Open the compose form pre-filled with ``query_id``'s request (``request`` when the caller has it)."""
    if _refuse_readonly(screen, session):
        return
    if request is None:
        request = screen.app.watching.launcher(session).launched_request(query_id)  # type: ignore[attr-defined]
    if not request or not str(request.get("query") or "").strip():
        screen.notify(NOT_KNOWN, title="Run again", markup=False)
        return
    from .query import QueryScreen

    collab = collaboration_target(session.name, query_target, request, getattr(screen.app, "jumps", None))
    path: tuple[Target, ...] = (*collab.path, collab) if collab is not None else ()
    target = Target("insight_query", "", "query again", session.name, path=path)
    # pushed, not opened: a query not yet sent has no id to put in the jump palette
    screen.app.push_screen(QueryScreen(session, target, prefill=request))


__all__ = ["NOT_KNOWN", "collaboration_target", "query_again"]

"""``cleanroom-tui collaborations [--json]`` and ``collaborations create …`` (issue 20.4).

Without an action: the InfoSum profile's collaborations (as ``rooms`` shows them; ``--json`` prints
the platform's summaries with ``profile`` and ``platform`` added).

``create --name N [--description D] --member COMPANY_ID[:RIGHTS]… [--my-rights RIGHTS] --yes``
creates one, owned by the API key's company. RIGHTS: comma-separated ``operator``, ``contributor``,
``detailed_logs`` (``logs`` for short; ``none`` for none); a member without ``:RIGHTS`` gets
``operator``; ``--my-rights`` defaults to all three. Members cannot be added later: the request is
printed (stderr) before it is sent, and it is sent only with ``--yes`` (or "y" at a terminal).
Company ids are checked first (exit 2: not one word, your own company, listed twice); ids not seen
in any of the company's collaborations are named (the platform refuses unknown companies). The POST
is journaled and sent once; a lost answer is settled by listing (exit 0 with ``recovered: true`` when
found, exit 3 when not). Prints the new collaboration (``collaboration_id``) on stdout.
"""

from __future__ import annotations

import json
from typing import Any

from ..core import collab_create as cc
from ..core import infosum as isum
from . import exitcodes
from .catalog import InfoSumCatalog
from .context import Context, UsageError
from .launch import ask, interactive
from .records import tagged
from .rooms import collaboration_columns


def _rights(text: str, where: str) -> dict[str, bool]:
    names = [] if text.strip().lower() == "none" else text.split(",")
    try:
        return cc.rights_of(names)
    except ValueError as exc:
        raise UsageError(f"{where}: {exc}") from None


def form_of(args: Any) -> cc.CollabForm:
    form = cc.CollabForm(name=args.name or "", description=args.description or "")
    if args.my_rights is not None:
        form.creator_rights = _rights(args.my_rights, "--my-rights")
    for item in args.member or []:
        company, sep, rights = item.partition(":")
        form.members.append(cc.Member(company.strip(), _rights(rights if sep else "operator", f"--member {item}")))
    return form


def _list(ctx: Context, profile: Any) -> int:
    found = InfoSumCatalog(ctx, profile).collaborations()
    records = [tagged(item, profile.name, profile.platform) for item in found]
    if ctx.out.machine:
        ctx.out.records(records, [])
    elif found:
        ctx.out.table(collaboration_columns(ctx, profile), found)
    else:
        ctx.out.note(f"no collaborations · {profile.name}")
    return exitcodes.OK


def _create(ctx: Context, profile: Any) -> int:
    form = form_of(ctx.args)
    if ctx.readonly or profile.read_only:
        raise UsageError(f"profile {profile.name!r} is read-only: creating a collaboration is refused")
    if not ctx.args.yes and not interactive():
        raise UsageError("create writes: confirm with --yes (stdin is not a terminal, so it cannot ask)")
    me = dict(ctx.fetch(profile, isum.identity()).value or {})
    existing = InfoSumCatalog(ctx, profile).collaborations()
    form.own_id = str(me.get("id") or "")
    for c in existing:
        for m in [c.get("owner") or {}, *(c.get("members") or [])]:
            if m.get("id") and m.get("id") != form.own_id:
                form.known[str(m["id"])] = str(m.get("display_name") or m["id"])
    errors = form.errors()
    if errors:
        raise UsageError("not created: " + "; ".join(errors.values()))
    body = form.build_request()
    write = cc.create(body)
    ctx.out.note(f"create a collaboration on profile {profile.name} (InfoSum), owned by "
                 f"{me.get('name') or 'this API key’s company'}:")
    ctx.out.note(f"  {write.describe()}  {json.dumps(body, ensure_ascii=False)}")
    ctx.out.note("  members cannot be added later: these are all the members it will ever have")
    for cid in form.unknown():
        ctx.out.warn(f"{cid} is not in any of your collaborations: check the id (the platform refuses unknown companies)")
    if not ctx.args.yes and not ask(ctx, "Create this collaboration?"):
        ctx.out.note("not created")
        return exitcodes.OK
    session = ctx.session(profile)
    sent = cc.journal_create(session, write, {str(c.get("id")) for c in existing})
    try:
        answer = ctx.engine.run(lambda: session.write(sent))
    except Exception as exc:
        ctx.report(exc, "create collaboration")
        if cc.lost(exc):
            ctx.out.note("the answer was lost and listing found nothing: it was not created (safe to try again)")
        return exitcodes.API_ERROR
    cid = cc.created_id(answer)
    recovered = isinstance(answer, cc.Recovered)
    if recovered:
        ctx.out.note(answer.note)
    record = {"collaboration_id": cid, "name": body["name"], "recovered": recovered, "request": body,
              "profile": profile.name, "platform": "infosum"}
    ctx.out.document(record, lambda: ctx.out.pairs([("Created", cid), ("Name", body["name"]),
                                                     ("Members", ", ".join(m["company_id"] for m in body["collaborators"]))]))
    return exitcodes.OK


def execute(ctx: Context) -> int:
    profile = ctx.one("infosum", "collaborations")
    if ctx.args.action == "create":
        return _create(ctx, profile)
    return _list(ctx, profile)


__all__ = ["execute", "form_of"]

"""Clean-room partners, invitations, roles and users (reference §4.5)."""

from __future__ import annotations

from .errors import bad_request, conflict, not_found
from .model import CleanRoom, Invitation, Person, RoomUser
from .routing import Api, Ctx
from .views import invitation_view, partner_view, role_view, user_view

api = Api()
PROTECTED_ROLES = {"Administrator", "Partner Administrator"}


def _partner(room: CleanRoom, partner_id: str):
    partner = next((p for p in room.partners if p.id == partner_id), None)
    if partner is None:
        raise not_found("Clean room partner", partner_id)
    return partner


def _role(room: CleanRoom, role_id: str, org_id: str | None = None):
    role = next((r for r in room.roles if r.id == role_id and (org_id is None or r.org_id == org_id)), None)
    if role is None:
        raise not_found("Clean room role", role_id)
    return role


def _user(room: CleanRoom, user_id: str, org_id: str | None = None) -> RoomUser:
    user = next((u for u in room.users if u.id == user_id and (org_id is None or u.person.org_id == org_id)), None)
    if user is None:
        raise not_found("Clean room user", user_id)
    return user


# ---- partners -----------------------------------------------------------------------------------------

@api.get("/cleanrooms/{cleanroomId}/partners")
async def list_partners(ctx: Ctx) -> list:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return [partner_view(ctx.world, room, p) for p in room.partners]


@api.post("/cleanrooms/{cleanroomId}/partners")
async def invite_partner(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    body = await ctx.json_object()
    email = body.get("partnerAdminEmail")
    if not isinstance(email, str) or "@" not in email:
        raise bad_request("'partnerAdminEmail' must be an e-mail address")
    domain = email.rsplit("@", 1)[1].lower()
    org = next((o for o in w.orgs.values() if o.domain == domain), None)
    inviter = w.clients[ctx.client_id].user.email if ctx.client_id in w.clients else ""
    inv = Invitation(w.ids.uuid(), room.id, room.owner_org_id, org.id if org else "",
                     str(body.get("invitationNote") or "You are invited to collaborate in a LiveRamp clean room."),
                     email, inviter, "PENDING", ctx.now)
    room.invitations.append(inv)
    return invitation_view(inv)


@api.get("/cleanrooms/{cleanroomId}/partners/{partnerId}")
async def get_partner(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return partner_view(ctx.world, room, _partner(room, ctx.path("partnerId")))


@api.delete("/cleanrooms/{cleanroomId}/partners/{partnerId}")
async def delete_partner(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    partner = _partner(room, ctx.path("partnerId"))
    room.partners.remove(partner)
    room.users = [u for u in room.users if u.person.org_id != partner.org_id]
    return {"success": True}


@api.get("/cleanrooms/{cleanroomId}/partners/{partnerId}/cleanRoomRoles")
async def partner_roles(ctx: Ctx) -> list:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    partner = _partner(room, ctx.path("partnerId"))
    return [role_view(r) for r in room.roles if r.org_id == partner.org_id]


@api.get("/cleanrooms/{cleanroomId}/partners/{partnerId}/cleanRoomRoles/{roleId}")
async def partner_role(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    partner = _partner(room, ctx.path("partnerId"))
    return role_view(_role(room, ctx.path("roleId"), partner.org_id))


@api.delete("/cleanrooms/{cleanroomId}/partners/{partnerId}/users/{userId}")
async def delete_partner_user(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    partner = _partner(room, ctx.path("partnerId"))
    room.users.remove(_user(room, ctx.path("userId"), partner.org_id))
    return {"success": True}


@api.put("/cleanrooms/{cleanroomId}/partners/{partnerId}/users/{userId}/cleanRoomRoles/{roleId}")
async def update_partner_user_role(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    partner = _partner(room, ctx.path("partnerId"))
    user = _user(room, ctx.path("userId"), partner.org_id)
    role = _role(room, ctx.path("roleId"), partner.org_id)
    current = _role(room, user.role_id)
    if role.name in PROTECTED_ROLES or current.name in PROTECTED_ROLES:
        raise bad_request("The Administrator and Partner Administrator roles cannot be changed through this endpoint")
    user.role_id = role.id
    return user_view(room, user)


# ---- invitations ---------------------------------------------------------------------------------------

@api.get("/cleanrooms/{cleanroomId}/invitations")
async def list_invitations(ctx: Ctx) -> list:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return [invitation_view(i) for i in room.invitations]


@api.delete("/cleanrooms/{cleanroomId}/invitations")
async def cancel_invitation_by_email(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    email = ctx.required_query("partnerEmail")
    inv = next((i for i in room.invitations if i.partner_email.lower() == email.lower() and i.status == "PENDING"),
               None)
    if inv is None:
        raise not_found("Pending invitation for", email)
    room.invitations.remove(inv)
    return invitation_view(inv)


@api.delete("/cleanrooms/{cleanroomId}/invitations/{invitationId}")
async def cancel_invitation(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    inv = next((i for i in room.invitations if i.id == ctx.path("invitationId")), None)
    if inv is None:
        raise not_found("Invitation", ctx.path("invitationId"))
    room.invitations.remove(inv)
    return invitation_view(inv)


# ---- roles and users -------------------------------------------------------------------------------------

@api.get("/cleanrooms/{cleanroomId}/cleanRoomRoles")
async def room_roles(ctx: Ctx) -> list:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return [role_view(r) for r in room.roles]


@api.get("/cleanrooms/{cleanroomId}/cleanRoomRoles/{roleId}")
async def room_role(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return role_view(_role(room, ctx.path("roleId")))


@api.get("/cleanrooms/{cleanroomId}/users")
async def list_users(ctx: Ctx) -> list:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    email = (ctx.query.get("cleanroomUserEmail") or "").lower()
    return [user_view(room, u) for u in room.users if not email or u.person.email.lower() == email]


@api.post("/cleanrooms/{cleanroomId}/users")
async def add_user(ctx: Ctx) -> dict:
    w = ctx.world
    room = w.admin_room(ctx.path("cleanroomId"))
    body = await ctx.json_object()
    email = body.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise bad_request("'email' must be an e-mail address")
    wanted = body.get("role") or body.get("roleId")
    role = next((r for r in room.roles if r.org_id == room.owner_org_id and wanted in (r.id, r.name)), None)
    if role is None:
        names = ", ".join(r.name for r in room.roles if r.org_id == room.owner_org_id)
        raise bad_request(f"'role' must name one of this clean room's roles ({names}); got {wanted!r}")
    if any(u.person.email.lower() == email.lower() for u in room.users):
        raise conflict(f"User {email} is already a member of clean room {room.display_id}")
    person = next((p for p in w.people.values() if p.email.lower() == email.lower()), None)
    if person is None:
        person = Person(w.ids.uuid(), email.split("@")[0].replace(".", " ").title(), email, room.owner_org_id)
        w.people[person.id] = person
    creator = w.clients[ctx.client_id].user.email if ctx.client_id in w.clients else ""
    user = RoomUser(w.ids.uuid(), room.id, person, role.id, ctx.now, creator)
    room.users.append(user)
    return user_view(room, user)


@api.get("/cleanrooms/{cleanroomId}/users/{userId}")
async def get_user(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    return user_view(room, _user(room, ctx.path("userId")))


@api.delete("/cleanrooms/{cleanroomId}/users/{userId}")
async def delete_user(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    room.users.remove(_user(room, ctx.path("userId")))
    return {"success": True}


@api.put("/cleanrooms/{cleanroomId}/users/{userId}/cleanRoomRoles/{roleId}")
async def update_user_role(ctx: Ctx) -> dict:
    room = ctx.world.admin_room(ctx.path("cleanroomId"))
    user = _user(room, ctx.path("userId"))
    user.role_id = _role(room, ctx.path("roleId"), user.person.org_id).id
    return user_view(room, user)

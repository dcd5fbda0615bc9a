"""Operators and the pelaksana roles they hold (``sop operator``), and the check that uses them.

With ``enforce_roles = true`` only an operator holding one of a step's
pelaksana roles may complete it; a refused attempt is journaled. One-person
offices leave it off and need no operators at all.

Every change of who holds which role is a journal entry (``roles``) written by
whoever made it; with ``enforce_roles`` only a holder of ``admin_role`` may make
one (until someone holds it, the first administrator is named by anyone).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sopcli.errors import DatabaseError, InputError, NotFoundError, NotPermitted
from sopcli.i18n import _
from sopcli.services.runtime import Runtime, operator_name


@dataclass
class OperatorView:
    name: str
    display_name: str | None
    roles: list[str]
    addresses: list[str] = field(default_factory=list)  # Apprise URLs: secrets, shown masked only

    def to_json(self) -> dict:
        from sopcli.config import masked_address

        shown = [masked_address(url) for url in self.addresses]
        return {"name": self.name, "display_name": self.display_name, "roles": self.roles, "notify": shown}


def roles_of(session, name: str) -> set[str]:
    from sopcli.store import operators

    operator = operators.named(session, name)
    return set(json.loads(operator.roles)) if operator else set()


def known_roles(session) -> dict[str, str]:
    """Role key → name, over the built-in SOPs and every SOP version cases have used."""
    from sopcli.definitions.loader import builtin_ids, load, load_text
    from sopcli.store import sop_versions

    definitions = [load(sop_id).definition for sop_id in builtin_ids()]
    definitions += [load_text(source, origin).definition for source, origin in sop_versions.all_texts(session)]
    return {role.key: role.nama for definition in definitions for role in definition.roles}


def _require_admin(rt: Runtime, session, actor: str) -> None:
    """With enforce_roles, refuse ``actor`` unless they hold ``admin_role`` (or nobody does yet).

    Raises:
        NotPermitted: enforce_roles is on and ``actor`` is not an administrator.
    """
    from sopcli.store import operators

    admin = rt.config.admin_role
    if not rt.config.enforce_roles or admin in roles_of(session, actor):
        return
    if not any(admin in json.loads(o.roles) for o in operators.everyone(session)):
        return  # the first administrator: someone must be able to name them
    raise NotPermitted(
        _("{name} may not change operators or their roles; it takes the role {role}").format(name=actor, role=admin),
        _("ask an operator with the role {role} (the administrator)").format(role=admin),
    )


def _journal_roles(rt: Runtime, session, actor: str, operator: str, before, after) -> None:
    from sopcli.domain import engine
    from sopcli.store import journal

    now = rt.now()  # under the journal lock, as every entry's moment
    journal.append(
        session, engine.roles_changed(at=now, actor=actor, operator=operator, before=before, after=after), now
    )


def add_operator(
    rt: Runtime,
    name: str,
    roles: list[str],
    display_name: str | None = None,
    sop_file: str | None = None,
    *,
    actor: str,
    addresses: list[str] | None = None,
    forget_addresses: bool = False,
    nip: str | None = None,
) -> OperatorView:
    """Register ``name``, or give an existing operator more roles; ``actor`` granting them is journaled.

    ``sop_file`` adds the roles of an office's own SOP that no complaint has used yet,
    so its staff can be registered before the first case.

    Raises:
        InputError: not a usable operator name, no role given, or a role no SOP knows.
        NotPermitted: enforce_roles is on and ``actor`` does not hold ``admin_role``.
    """
    from sopcli.store import journal, operators
    from sopcli.store.models import Operator

    name = operator_name(name, "NAME")
    wanted = [r.strip() for r in roles if r.strip()]
    addresses = [url.strip() for url in addresses or () if url.strip()]
    extra = {}
    if sop_file is not None:
        from sopcli.definitions.loader import load

        definition = load(sop_file).definition
        extra = {role.key: role.nama for role in definition.roles}
    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        _require_admin(rt, session, actor)
        known = {**known_roles(session), **extra, rt.config.admin_role: _("administrator")}
        unknown = [r for r in wanted if r not in known]
        if unknown:
            raise InputError(
                _("no SOP has the role {roles}").format(roles=", ".join(unknown)),
                _("known roles: {roles}; for an SOP file no complaint has used yet, add --sop FILE").format(
                    roles=", ".join(sorted(known))
                ),
            )
        operator = operators.named(session, name)
        if not wanted and (operator is None or not (addresses or forget_addresses or display_name or nip)):
            raise InputError(_("give at least one --role"), _("see 'sop sops show ID' for the pelaksana of an SOP"))
        if operator is None:
            operator = Operator(name=name, display_name=display_name, roles="[]", created_at=rt.now())
        kept = [] if forget_addresses else json.loads(operator.notify or "[]")
        operator.notify = json.dumps(list(dict.fromkeys([*kept, *addresses])))
        before = json.loads(operator.roles)
        held = sorted(set(before) | set(wanted))
        operator.roles = json.dumps(held)
        if display_name:
            operator.display_name = display_name
        if nip:
            operator.nip = checked_nip(nip)
        session.add(operator)
        if held != sorted(before):
            _journal_roles(rt, session, actor, name, before, held)
        return OperatorView(operator.name, operator.display_name, held, json.loads(operator.notify))


def checked_nip(text: str) -> str:
    """An NIP as written (18 digits, spaces allowed: 19800101 200501 1 001).

    Raises:
        InputError: not 18 digits.
    """
    from sopcli.config import nip_problem

    nip = " ".join(text.split())
    if nip_problem(nip):
        raise InputError(nip_problem(text) or "")  # the NIP as it was typed, as before
    return nip


def list_operators(rt: Runtime) -> list[OperatorView]:
    from sopcli.store import operators

    with rt.ready_database().transaction() as session:
        return [
            OperatorView(o.name, o.display_name, json.loads(o.roles), json.loads(o.notify))
            for o in operators.everyone(session)
        ]


def remove_operator(rt: Runtime, name: str, *, actor: str) -> str:
    """Remove ``name`` (``actor`` doing so is journaled); returns the name as removed (without surrounding whitespace).

    Raises:
        InputError: not a usable operator name.
        NotFoundError: no such operator.
        NotPermitted: enforce_roles is on and ``actor`` does not hold ``admin_role``.
    """
    from sopcli.store import journal, operators

    name = operator_name(name, "NAME")
    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        _require_admin(rt, session, actor)
        operator = operators.named(session, name)
        if operator is None:
            raise NotFoundError(_("no operator {name}").format(name=name), _("see 'sop operator list'"))
        _journal_roles(rt, session, actor, name, json.loads(operator.roles), None)
        session.delete(operator)
    return name


def grant_database_role(rt: Runtime, role: str) -> None:
    """Let the PostgreSQL ``role`` record and read, never change or remove a journal line (``db upgrade --grant``).

    Raises:
        InputError: not a usable role name.
        DatabaseError: a SQLite logbook (it has no roles), or the server refused (no such role; not the owner).
    """
    from sopcli.store.grants import grant_operator

    role = operator_name(role, "--grant")
    database = rt.ready_database()
    if database.is_sqlite:
        raise DatabaseError(
            _("--grant gives a PostgreSQL role its rights; a SQLite file has no roles"),
            _("protect the file with its permissions instead"),
        )
    with database.transaction(write=True) as session:
        grant_operator(session.connection(), role)


def cancel_refusal(definition, name: str, held: set[str]) -> str:
    """Why ``name`` may not cancel a complaint under ``definition``: it takes one of the SOP's pelaksana."""
    allowed = ", ".join(f"{role.key} ({role.nama})" for role in definition.roles)
    if not held:
        return _("{name} is not registered with any role; cancelling a {sop} complaint takes one of {allowed}").format(
            name=name, sop=definition.id, allowed=allowed
        )
    return _("{name} holds no role in {sop}; cancelling its complaints takes one of {allowed}").format(
        name=name, sop=definition.id, allowed=allowed
    )


def supervisor_refusal(definition, name: str, held: set[str], supervisors: tuple[str, ...]) -> str:
    """Why ``name`` may not correct a complaint: it takes a configured supervisor role, or one of the SOP's."""
    if supervisors:
        allowed = ", ".join(supervisors)
    else:
        allowed = ", ".join(f"{role.key} ({role.nama})" for role in definition.roles)
    return _("{name} may not correct, undo, reopen or move complaints; it takes one of {allowed}").format(
        name=name, allowed=allowed
    )


def refusal(definition, step, name: str, held: set[str]) -> str:
    """Why ``name`` may not complete ``step``: the roles allowed, by key and name."""
    allowed = ", ".join(f"{key} ({definition.role_name(key)})" for key in step.pelaksana)
    if not held:
        return _("{name} is not registered with any role; step {step} is for {allowed}").format(
            name=name, step=step.id, allowed=allowed
        )
    return _("{name} does not hold a role for step {step}: it is for {allowed}").format(
        name=name, step=step.id, allowed=allowed
    )

"""What an operator's own PostgreSQL role may do to the logbook (``sop db upgrade --grant ROLE``).

In a two-role deployment the schema's owner (who runs ``sop db upgrade``) is
kept by the administrator, and each operator logs in as a role that may add
to the journal and read it, never change or remove a line of it. Not being the
tables' owner, such a role cannot drop or disable the append-only triggers
either: only the owner and superusers can.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ProgrammingError

from sopcli.errors import DatabaseError
from sopcli.i18n import _

# Table → what an operator's commands need of it; re-granting first revokes everything else.
OPERATOR_PRIVILEGES = {
    "journal_entry": "SELECT, INSERT",  # never UPDATE, DELETE or TRUNCATE: the journal is append-only
    "complaint": "SELECT, INSERT, UPDATE",  # a case's state moves on; no complaint is ever deleted
    "sop_version": "SELECT, INSERT",
    "operator": "SELECT, INSERT, UPDATE, DELETE",  # sop operator add/remove, journaled
    "verified_head": "SELECT, INSERT",  # sop verify records the head it found intact; never changed
    "alembic_version": "SELECT",  # which schema the logbook is at
}


def grant_operator(connection: Connection, role: str) -> None:
    """Give the existing ``role`` exactly ``OPERATOR_PRIVILEGES`` on this schema's tables, and nothing more.

    Raises:
        DatabaseError: the server refused: no such role, or this connection's role does not own the tables.
    """
    quote = connection.dialect.identifier_preparer.quote
    schema = quote(connection.execute(text("SELECT current_schema()")).scalar_one())
    who = quote(role)
    try:
        connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {who}")
        for table, privileges in OPERATOR_PRIVILEGES.items():
            connection.exec_driver_sql(f"REVOKE ALL ON {schema}.{table} FROM {who}")
            connection.exec_driver_sql(f"GRANT {privileges} ON {schema}.{table} TO {who}")
        connection.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {who}")  # new complaint ids
    except ProgrammingError as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise DatabaseError(
            _("the server refused to grant {role}: {reason}").format(role=role, reason=reason),
            _("create the role first (CREATE ROLE … LOGIN) and run this as the owner of the logbook's tables"),
        ) from None

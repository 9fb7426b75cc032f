"""Page revisions: which cached pages a write makes stale.

A cached token page is keyed by the revision of what it shows. Before, that was the newest
change-log id, so every write anywhere (one branch checking in) made every page of the
organisation stale. Now each branch has its own counter (scope ``branch:<id>``: its page,
its members' pages, the ranks within it), and one counter ``all`` covers what every page
shows (the organisation, its points rules, an import). A page's key holds ``all`` and its
branch's counter, read in the one statement a repeat view runs.

How a write moves them, with no caller having to remember:

- every ORM object a transaction flushes names its scopes through the resolver its
  package registered (:func:`register`; ``profiles.page_scopes`` registers the domain's):
  a member its branch (both branches when it moves), an attendance row its meeting's
  branch, a points entry its member's branch, a committee or a points rule ``all``;
- a write made around the ORM names its scope itself (:func:`touch`);
- an object of a type nobody registered, and a logged write that named no scope (a bulk
  import), move ``all``: unknown means everything, never a stale page.

The counters move in the writing transaction, just before it commits, and only when it
logged a change (``core.changelog`` marks it): signing in or a job's progress moves
nothing. Scopes are written in sorted order, so two transactions never deadlock on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import BigInteger, String, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import db

ALL = "all"
_PENDING = "page_scopes"
_LOGGED = "page_logged"
Resolver = Callable[[Session, Any], Iterable[str]]
_RESOLVERS: dict[type, Resolver] = {}


class PageRevision(db.Model):  # type: ignore[name-defined,misc]
    """One counter per scope of pages: ``all``, ``branch:<id>``."""

    __tablename__ = "page_revision"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


def branch_scope(branch_id: int | None) -> str:
    """The scope of a branch's pages (``all`` for none: a member without a branch)."""
    return f"branch:{branch_id}" if branch_id is not None else ALL


def register(model: type, resolver: Resolver | None) -> None:
    """Say which scopes a flushed ``model`` object changes (None: no page shows it)."""
    _RESOLVERS[model] = resolver if resolver is not None else (lambda _s, _o: ())


def touch(*scopes: str, session: Session | None = None) -> None:
    """Name the scopes a write made around the ORM changes (in this transaction)."""
    target = session or db.session()
    target.info.setdefault(_PENDING, set()).update(scopes)


def mark_logged(session: Session | None = None) -> None:
    """This transaction logged a change (``core.changelog`` calls it)."""
    (session or db.session()).info[_LOGGED] = True


def _resolver(obj: Any) -> Resolver | None:
    for cls in type(obj).__mro__:
        if cls in _RESOLVERS:
            return _RESOLVERS[cls]
    return None


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    pending = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        resolver = _resolver(obj)
        if resolver is None:
            pending.add(ALL)
        else:
            pending.update(resolver(session, obj))


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    session.flush()  # the last objects name their scopes (and a log row its change) too
    if not session.info.get(_LOGGED):
        session.info.pop(_PENDING, None)
        return
    scopes = session.info.pop(_PENDING, None) or {ALL}
    session.info.pop(_LOGGED, None)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = PageRevision.__table__
    for scope in sorted(scopes):
        statement = insert(table).values(scope=scope, revision=1)
        session.execute(statement.on_conflict_do_update(
            index_elements=["scope"], set_={"revision": table.c.revision + 1}))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_LOGGED, None)


def revision_of(scope: Any) -> Any:
    """A scalar subquery: the counter of ``scope`` (a column or a string), 0 if none."""
    from sqlalchemy import func

    return func.coalesce(select(PageRevision.revision).where(
        PageRevision.scope == scope).scalar_subquery(), 0)

"""Plain card and poster values from the database: a fixed number of queries per run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, scoped_session

from print.cards import CardValues
from print.errors import PrintError
from print.poster import PosterValues
from profiles.collation import name_key
from profiles.enums import ENDED
from profiles.labels import label
from profiles.models import Branch, Committee, Member, MemberPhoto
from qr.links import card_url

AnySession = Session | scoped_session[Any]  # flask-sqlalchemy's db.session is scoped


def find_branch(session: AnySession, code: str) -> Branch:
    """The branch with ``code`` (case-insensitive), or a PrintError."""
    branch = session.scalar(select(Branch).where(Branch.code == code.strip().upper()))
    if branch is None:
        branch = session.scalar(select(Branch).where(Branch.code == code.strip()))
    if not isinstance(branch, Branch):
        raise PrintError(f"no branch with code {code!r}")
    return branch


def find_member_numbers(session: AnySession, numbers: Sequence[str]) -> list[str]:
    """The 党员编号 as stored (case-insensitive match), or a PrintError naming the unknown."""
    wanted = {n.strip().upper() for n in numbers}
    found = set(session.scalars(select(Member.number).where(Member.number.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise PrintError(f"no member with number {', '.join(missing)}")
    return sorted(found)


def _members(branch_id: int | None, numbers: Sequence[str] | None,
             include_transferred: bool) -> Select[Member, str, str]:
    query = (select(Member, Branch.name, Committee.name)
             .join(Branch, Member.branch_id == Branch.id)
             .join(Committee, Branch.committee_id == Committee.id))
    if branch_id is not None:
        query = query.where(Member.branch_id == branch_id)
    if numbers:
        # Named one by one (a replacement card, say): printed whatever their status.
        return query.where(Member.number.in_(numbers))
    if not include_transferred:
        query = query.where(Member.status.not_in(ENDED))
    return query


def card_values(session: AnySession, base_url: str, keys: Sequence[str], org_name: str | None,
                branch_id: int | None = None, include_transferred: bool = False,
                numbers: Sequence[str] | None = None) -> list[CardValues]:
    """Cards of a branch, of members named by number, or of everyone, sorted by branch
    code then name; two queries."""
    rows = list(session.execute(
        _members(branch_id, numbers, include_transferred).add_columns(Branch.code)).all())
    photo_query = (select(MemberPhoto.member_id, MemberPhoto.content_type, MemberPhoto.data)
                   .join(Member, MemberPhoto.member_id == Member.id))
    if branch_id is not None:
        photo_query = photo_query.where(Member.branch_id == branch_id)
    if numbers:
        photo_query = photo_query.where(Member.number.in_(numbers))
    photos = {mid: (kind, data) for mid, kind, data in session.execute(photo_query)}
    # Sorted here, not in SQL: SQLite and PostgreSQL collate Chinese differently, and
    # neither by pinyin, which is how a secretary hands the cards out.
    rows.sort(key=lambda row: (row[3], name_key(row[0].name), row[0].number))
    cards = []
    for member, branch_name, committee_name, _code in rows:
        kind, data = photos.get(member.id, ("image/jpeg", None))
        cards.append(CardValues(
            member_id=member.id, name=member.name, branch=branch_name,
            category=label(member.category), joined_on=member.joined_on,
            organisation=org_name or committee_name,
            url=card_url(base_url, list(keys), "member", member.id, member.card_generation),
            photo=data, photo_type=kind, generation=member.card_generation,
        ))
    return cards


def poster_values(session: AnySession, base_url: str, keys: Sequence[str], org_name: str | None,
                  branch: Branch) -> PosterValues:
    """The poster of ``branch``."""
    committee = session.get(Committee, branch.committee_id)
    organisation = org_name or (committee.name if committee else "")
    return PosterValues(
        branch_id=branch.id, branch=branch.name, organisation=organisation,
        url=card_url(base_url, list(keys), "branch", branch.id, branch.card_generation))

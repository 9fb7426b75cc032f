"""Console test helpers: accounts, logging in (flaskr-style ``auth``), CSRF tokens, and a
two-branch world for the permission matrix."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from accounts.models import Role
from accounts.service import GrantSpec, create_account
from core.db import db
from profiles.models import Branch, Member
from qr.tokens import make_token
from tests.helpers import factories

PASSWORD = "correct-horse-battery"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_account(username: str, role: Role, *branch_codes: str,
                 password: str = PASSWORD) -> None:
    """An account with one grant per branch (or one organisation-wide grant)."""
    specs = ([GrantSpec(role, code) for code in branch_codes] if role is Role.SECRETARY
             else [GrantSpec(role)])
    create_account("test", "test", username, specs, password=password)


class AuthActions:
    """Log in and out through the real forms, with their CSRF tokens."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def csrf(self) -> str:
        """A valid CSRF token for the client's current session."""
        page = self.client.get("/console/login")
        if page.status_code == 302:  # signed in: any console page carries the logout form
            page = self.client.get("/console/")
        found = _TOKEN.search(page.get_data(as_text=True))
        assert found, "no csrf_token on the page"
        return found.group(1)

    def login(self, username: str = "sec_a", password: str = PASSWORD,
              next_url: str | None = None) -> TestResponse:
        url = "/console/login" + (f"?next={next_url}" if next_url else "")
        return self.client.post(url, data={"username": username, "password": password,
                                           "csrf_token": self.csrf()})

    def logout(self) -> TestResponse:
        return self.client.post("/console/logout", data={"csrf_token": self.csrf()})

    def post(self, url: str, **data: str) -> TestResponse:
        """POST a console form the way a browser does, with the session's token."""
        return self.client.post(url, data={**data, "csrf_token": self.csrf()})


@dataclass
class Side:
    """One branch of the matrix world and what must not leak to the other side."""

    code: str
    name: str
    member_numbers: list[str] = field(default_factory=list)
    member_names: list[str] = field(default_factory=list)
    meeting_id: int = 0  # a meeting of the branch (the record-keeping screens)
    member_token: str = ""  # the card token of its first member (签到)
    applicant_id: int = 0  # an applicant (入党申请人) of the branch (发展党员)
    applicant_name: str = ""

    def secrets(self) -> list[str]:
        """Strings that identify this branch: none may appear to the other branch's
        secretary (its applicants not even by name)."""
        return [self.code, self.name, *self.member_names, *self.member_numbers,
                *([self.applicant_name] if self.applicant_name else [])]


@dataclass
class World:
    """Branch A ("this branch") and B ("another branch"), with an account per role."""

    a: Side
    b: Side
    accounts: dict[str, str]  # role name in the matrix -> username
    app: Flask  # to create more records of branch A for a new URL argument (a meeting...)
    job_id: str = ""  # a background job owned by sec_a
    cache: dict[str, str] = field(default_factory=dict)  # URL values made once per world

    def once(self, key: str, make: Callable[[], str]) -> str:
        """``make()`` the first time ``key`` is asked for (in an app context), then reuse."""
        if key not in self.cache:
            with self.app.app_context():
                self.cache[key] = make()
        return self.cache[key]


def build_world(app: Flask) -> World:
    """Two branches with members, and the accounts: sec_a, sec_b, supervisor, admin."""
    with app.app_context():
        a = Side("MXA01", "甲试点支部")
        b = Side("MXB02", "乙隐秘支部")
        for side, names in ((a, ("甲成员一", "甲成员二")), (b, ("乙秘密甲", "乙秘密乙"))):
            branch = factories.make_branch(code=side.code, name=side.name)
            for i, name in enumerate(names):
                member = factories.make_member(branch, name=name, number=f"{side.code}M{i}",
                                               phone="13812345678")
                side.member_numbers.append(member.number)
                side.member_names.append(member.name)
        for side in (a, b):
            branch = db.session.scalar(select(Branch).where(Branch.code == side.code))
            side.meeting_id = factories.make_meeting(branch).id
            first = db.session.scalar(select(Member).where(
                Member.number == side.member_numbers[0]))
            side.member_token = make_token(app.config["SIGNING_KEYS"], "member", first.id, 1)
            side.applicant_name = f"{side.name[0]}申请人"
            side.applicant_id = make_applicant_in(side.code, side.applicant_name).id
        make_account("sec_a", Role.SECRETARY, a.code)
        make_account("sec_b", Role.SECRETARY, b.code)
        make_account("super", Role.SUPERVISOR)
        make_account("admin", Role.ADMIN)
        from core.jobs import new_job

        job_id = new_job("print", "sec_a", f"{a.name} cards", {}).id
        db.session.commit()
    return World(a, b, {"sec_a": "sec_a", "sec_b": "sec_b", "supervisor": "super",
                        "admin": "admin"}, app, job_id)


# The member edit form as the console sends it for 甲成员一 (branch A's first member),
# to post with a field or two changed.
MEMBER_FORM: dict[str, str] = {
    "name": "甲成员一", "gender": "", "ethnicity": "汉族", "category": "full", "position": "",
    "status": "normal", "joined_on": "2010-07-01", "converted_on": "2011-07-01",
    "probation_extension_months": "", "dues_basis": "wage", "id_number": "", "phone": "",
    "address": "", "birth_date": "", "dues_base": ""}


def make_applicant_in(code: str, name: str = "申请人") -> Any:
    """An applicant (入党申请人) of branch ``code``, committed, with a private phone."""
    import datetime as dt

    from core.changelog import Actor
    from profiles.recruitment.operations import apply

    branch = db.session.scalar(select(Branch).where(Branch.code == code))
    applicant = apply(Actor("test", "test"), branch=branch, name=name,
                      applied_on=dt.date(2025, 1, 10), birth_date=dt.date(1999, 5, 1),
                      phone="13987654321")
    db.session.commit()
    return applicant

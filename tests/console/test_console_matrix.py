"""The permission matrix: every console route, as every role, GET and POST.

Routes are discovered from the URL map (every endpoint of a blueprint in
``console.CONSOLE_BLUEPRINTS``), so a new screen is walked without being listed here. A
route must declare its access with a decorator from ``accounts.access``; one that does
not fails :func:`test_every_console_route_declares_its_access`. A URL argument the matrix
cannot fill fails with a message saying to add it to ``URL_VALUES`` (in
``tests/helpers/console_routes.py``).

Expected answers, for a route about branch A:

==================  =============  ==========  ==========  ==========  =====
scope               nobody         sec. of A   sec. of B   supervisor  admin
==================  =============  ==========  ==========  ==========  =====
public (login)      answers        answers     answers     answers     answers
signed_in           → login        ok          ok          ok          ok
branch/member read  → login        ok          404         ok          ok
branch/member write → login        ok          404         403         ok
admin               → login        403         403         403         ok
==================  =============  ==========  ==========  ==========  =====

"ok" is any answer but 403, 404, 405 or a 5xx (an empty POST may well be a 400: the form
is incomplete). Whatever the answer, a branch secretary's page never names the other
branch, its code, or its members.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from flask.testing import FlaskClient

from accounts.access import AccessRule
from tests.helpers.console import PASSWORD, AuthActions, World
from tests.helpers.console_routes import build_url, console_routes

ROLES = ("nobody", "sec_a", "sec_b", "supervisor", "admin")
OK = "ok"
LOGIN = "login"


def expected(access: AccessRule, role: str) -> str | int:
    if access.scope == "public":
        return OK
    if role == "nobody":
        return LOGIN
    if access.scope == "signed_in":
        # write: any account that writes a branch (an import); a supervisor changes nothing
        return 403 if access.write and role == "supervisor" else OK
    if access.scope == "owner":  # a job: its owner (sec_a) and administrators, else unseen
        return OK if role in ("sec_a", "admin") else 404
    if access.scope == "admin":
        return OK if role == "admin" else 403
    # branch, member or another record of branch A
    if role == "sec_b":
        return 404
    if access.write and role == "supervisor":
        return 403
    return OK


def _clients(app: Flask, world: World) -> Iterator[tuple[str, AuthActions]]:
    for role in ROLES:
        auth = AuthActions(app.test_client())
        if role != "nobody":
            response = auth.login(world.accounts[role], PASSWORD)
            assert response.status_code == 302, (role, response.status_code)
        yield role, auth


def test_every_console_route_declares_its_access(app: Flask) -> None:
    routes = console_routes(app)
    assert len(routes) >= 10
    undeclared = [r.endpoint for r in routes if r.access is None]
    assert not undeclared, ("console routes without an access decorator "
                            f"(accounts.access): {undeclared}")


def test_permission_matrix(app: Flask, world: World) -> None:
    routes = console_routes(app)
    failures: list[str] = []
    walked = 0
    for role, auth in _clients(app, world):
        client: FlaskClient = auth.client
        foreign = world.b if role == "sec_a" else world.a if role == "sec_b" else None
        for route in routes:
            assert route.access is not None
            url = build_url(route.rule, world)
            want = expected(route.access, role)
            for method in route.methods:
                if route.endpoint == "accounts.logout" and method == "POST":
                    token = auth.csrf()
                    response = client.post(url, data={"csrf_token": token})
                elif method == "POST":
                    response = client.post(url, data={"csrf_token": auth.csrf()})
                else:
                    response = client.get(url)
                walked += 1
                status = response.status_code
                where = f"{role} {method} {url} → {status}, expected {want}"
                if want == LOGIN:
                    location = response.headers.get("Location", "")
                    if status != 302 or "/console/login" not in location:
                        failures.append(where)
                elif want == OK:
                    if status in (403, 404, 405) or status >= 500:
                        failures.append(where)
                elif status != want:
                    failures.append(where)
                assert response.headers.get("Cache-Control") == "no-store", where
                if foreign is not None:
                    body = response.get_data()  # bytes: a PDF is not text
                    leaked = [s for s in foreign.secrets() if s.encode() in body]
                    if leaked:
                        failures.append(f"{where}: shows the other branch: {leaked}")
    assert walked >= len(routes) * len(ROLES)
    assert not failures, "\n".join(failures)


def test_console_pages_get_the_console_policy_and_card_pages_keep_theirs(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    console_page = auth.client.get("/console/")
    assert console_page.status_code == 200
    csp = console_page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert console_page.headers["Cache-Control"] == "no-store"
    from qr.links import card_url

    url = card_url(app.config["BASE_URL"], app.config["SIGNING_KEYS"], "branch",
                   _branch_id(app, world.a.code), 1)
    for public in (auth.client.get("/"), auth.client.get("/" + url.split("/", 3)[3])):
        assert public.status_code == 200
        assert "script-src" not in public.headers["Content-Security-Policy"]
        assert "<script" not in public.get_data(as_text=True)
        assert "/console" not in public.get_data(as_text=True)


def _branch_id(app: Flask, code: str) -> int:
    from sqlalchemy import select

    from core.db import db
    from profiles.models import Branch

    with app.app_context():
        found = db.session.scalar(select(Branch.id).where(Branch.code == code))
        assert found is not None
        return int(found)

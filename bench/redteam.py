"""Red-team replay (issue 24): classes 1-9 of the red team's report, against gunicorn with
two workers on 127.0.0.1, as a ZB01 secretary, a supervisor and nobody.

    .venv/bin/python bench/redteam.py [--timeout 180]

Builds a fresh SQLite organisation in a temporary instance folder (two branches, ID
numbers, dues, three accounts), starts ``gunicorn -w 2`` in production mode (not debug,
not testing; no Redis: the embedded count must be shared by both workers), runs a
bounded number of requests per class (about 150 in all), and prints one line per check.
Exit status 1 and the list of findings if any check fails; 0 findings is the goal. Only
loopback is used; the whole run is bounded by ``--timeout``.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import free_port, wait_until_up  # noqa: E402

PASSWORD = "red-team-correct-horse"
B_ID = "11010519491231002X"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
JOB = re.compile(r"/console/jobs/([0-9a-f]{32})")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """A browser: its own cookies, no redirects followed, every answer returned."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        status, headers, body = self.request(path)
        return status, headers, body.decode("utf-8", "replace")

    def csrf(self, path: str = "/console/login") -> str:
        _, _, body = self.get(path)
        found = TOKEN.search(body)
        if found is None:
            _, _, body = self.get("/console/")
            found = TOKEN.search(body)
        return found.group(1) if found else ""

    def post(self, path: str, fields: dict[str, str], token_from: str = "/console/login",
             ) -> tuple[int, dict[str, str], str]:
        fields = {**fields, "csrf_token": self.csrf(token_from)}
        status, headers, body = self.request(path, urllib.parse.urlencode(fields).encode(),
                                             {"Content-Type":
                                              "application/x-www-form-urlencoded"})
        return status, headers, body.decode("utf-8", "replace")

    def upload(self, name: str, data: bytes) -> tuple[int, dict[str, str], str]:
        token = self.csrf("/console/import")
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        status, headers, raw = self.request("/console/import", body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        return status, headers, raw.decode("utf-8", "replace")

    def login(self, username: str, password: str = PASSWORD) -> int:
        return self.post("/console/login", {"username": username, "password": password})[0]


def build(instance: Path) -> Path:
    """A migrated SQLite organisation: ZB01 (ours) and ZB02 (theirs)."""
    database = instance / "partycard.sqlite3"
    env = dict(os.environ, PARTYCARD_DATABASE_URL=f"sqlite:///{database}")
    factory = f"app:create_app(instance_path='{instance}')"
    subprocess.run([sys.executable, "-m", "flask", "--app", factory, "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    script = f"""
import datetime as dt
from app import create_app
from core.db import db
from core.changelog import Actor
from accounts.models import Role
from accounts.service import GrantSpec, create_account
from profiles.models import Branch, Committee, PartyGroup, Member
from profiles.members.operations import create_member
from profiles.dues.operations import record_dues
app = create_app({{"DATABASE_URL": "sqlite:///{database}",
                  "BASE_URL": "http://127.0.0.1:5000"}}, instance_path="{instance}")
with app.app_context():
    c = Committee(name="红队测试党委"); db.session.add(c); db.session.flush()
    who = Actor("redteam", "bench")
    for code, name in (("ZB01", "我方支部"), ("ZB02", "他方隐秘支部")):
        b = Branch(code=code, name=name, committee_id=c.id, founded_on=dt.date(2000, 1, 1))
        db.session.add(b); db.session.flush()
        db.session.add(PartyGroup(branch_id=b.id, name=f"{{code}}秘密小组"))
        for i in range(4):
            m = create_member(who, branch=b, number=f"DY{{code}}{{i}}",
                              name=f"{{name[:2]}}成员{{i}}", category="full",
                              joined_on=dt.date(2010, 7, 1),
                              converted_on=dt.date(2011, 7, 1), dues_base_cents=612_300,
                              id_number="{B_ID}" if (code, i) == ("ZB02", 0) else None)
            record_dues(who, m, 202605, due_cents=12345, paid_cents=12345,
                        paid_on=dt.date(2026, 5, 20))
    create_account("bench", "bench", "sec_a", [GrantSpec(Role.SECRETARY, "ZB01")],
                   password="{PASSWORD}")
    create_account("bench", "bench", "super", [GrantSpec(Role.SUPERVISOR)], password="{PASSWORD}")
    create_account("bench", "bench", "admin", [GrantSpec(Role.ADMIN)], password="{PASSWORD}")
    create_account("bench", "bench", "victim", [GrantSpec(Role.SUPERVISOR)], password="{PASSWORD}")
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)
    return database


def roster(*rows: dict[str, str]) -> bytes:
    header = ["党员编号", "姓名", "入党日期", "转正日期", "人员类别", "支部编号", "所在支部",
              "党小组", "身份证号", "支部成立日期", "党小组成立日期"]
    lines = [",".join(header)]
    for row in rows:
        base = {"姓名": "张红队", "入党日期": "2019-07-01", "转正日期": "2020-07-01",
                "人员类别": "正式党员", **row}
        lines.append(",".join(base.get(h, "") for h in header))
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=int, default=180)
    args = parser.parse_args()
    signal.alarm(args.timeout)  # bounded, whatever happens
    started = time.monotonic()
    findings: list[str] = []
    checks = 0

    def check(ok: bool, what: str) -> None:
        nonlocal checks
        checks += 1
        print(("ok      " if ok else "FINDING ") + what, flush=True)
        if not ok:
            findings.append(what)

    with tempfile.TemporaryDirectory(prefix="partycard-redteam-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir(mode=0o700)
        database = build(instance)
        port = free_port()
        env = dict(os.environ, PARTYCARD_DATABASE_URL=f"sqlite:///{database}",
                   PARTYCARD_BASE_URL="http://127.0.0.1:5000",
                   PARTYCARD_LOGIN_ADDRESS="15 per 10 minutes")
        env.pop("PARTYCARD_TESTING", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", f"app:create_app(instance_path='{instance}')"],
            cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/")
            run(base, database, instance, check)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"# red team: {checks} checks, {len(findings)} findings, "
          f"{time.monotonic() - started:.1f} s")
    for finding in findings:
        print(f"  - {finding}")
    return 1 if findings else 0


def db_value(database: Path, sql: str, *params: Any) -> Any:
    with sqlite3.connect(database) as conn:
        row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def job_page(client: Client, response: tuple[int, dict[str, str], str]) -> str:
    found = JOB.search(response[1].get("Location", ""))
    if not found:
        return ""
    return client.get(f"/console/jobs/{found.group(1)}")[2]


def run(base: str, database: Path, instance: Path, check: Any) -> None:
    theirs = ["DYZB020", "DYZB021", "他方成员0", "他方隐秘支部", "ZB02秘密小组", B_ID]

    def leaks(page: str, typed: tuple[str, ...] = ()) -> list[str]:
        return [s for s in theirs if s in page and not any(s in t for t in typed)]

    sec = Client(base)
    check(sec.login("sec_a") == 302, "the secretary logs in")

    # 1. import scope on units' dates
    founded = db_value(database, "SELECT founded_on FROM branch WHERE code = 'ZB02'")
    groups = db_value(database, "SELECT count(*) FROM party_group")
    for row in ({"支部编号": "ZB02", "所在支部": "他方隐秘支部", "支部成立日期": "2001-02-03"},
                {"所在支部": "他方隐秘支部", "党小组": "ZB02秘密小组",
                 "党小组成立日期": "2002-03-04"},
                {"所在支部": "他方隐秘支部", "党小组": "新建小组"},
                {"党员编号": "DYZB020", "姓名": "他方成员0", "入党日期": "2010-07-01",
                 "转正日期": "2011-07-01", "所在支部": "他方隐秘支部",
                 "支部成立日期": "2001-02-03"},  # "no changes" to the member, but the unit
                {"支部编号": "ZB02", "所在支部": "我方支部", "支部成立日期": "2003-01-01"}):
        response = sec.upload("roster.csv", roster(row))
        page = job_page(sec, response)
        job = JOB.search(response[1].get("Location", ""))
        if job:
            sec.post(f"/console/jobs/{job.group(1)}/confirm", {},
                     token_from=f"/console/jobs/{job.group(1)}")
        check("/confirm" not in page, f"class 1: a row naming ZB02 ({list(row)}) is refused")
        typed = tuple(row.values())
        check(not leaks(page, typed),
              f"class 2: its refusal names nothing of ZB02 {leaks(page, typed)}")
    check(db_value(database, "SELECT founded_on FROM branch WHERE code = 'ZB02'") == founded
          and db_value(database, "SELECT count(*) FROM party_group") == groups,
          "class 1: ZB02's units are unchanged")

    # 2. refusals reveal nothing: another branch's ID number, member number, group
    for row in ({"所在支部": "我方支部", "身份证号": B_ID},
                {"所在支部": "我方支部", "党员编号": "DYZB020", "姓名": "他方成员0"},
                {"所在支部": "我方支部", "党小组": "ZB02秘密小组"}):
        page = job_page(sec, sec.upload("roster.csv", roster(row)))
        check(not leaks(page, tuple(row.values())),
              f"class 2: {list(row)[-1]} of another branch: nothing named")
    status, _, form = sec.get("/console/members/DYZB010/edit")
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))
    for name, body in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', form, re.S):
        options = re.findall(r"<option([^>]*)>", body)
        chosen = [o for o in options if "selected" in o] or options[:1]
        value = re.search(r'value="([^"]*)"', chosen[0]) if chosen else None
        fields[name] = value.group(1) if value else ""
    fields.pop("csrf_token", None)
    status, _, page = sec.post("/console/members/DYZB010/edit", {**fields, "id_number": B_ID},
                               token_from="/console/members/DYZB010/edit")
    check(status == 400 and not leaks(page, (B_ID,)), "class 2: the edit form names no holder")

    # 3. history by key prefix: a number with a space is refused everywhere
    page = job_page(sec, sec.upload("roster.csv", roster(
        {"所在支部": "我方支部", "党员编号": "DYZB020 ZB02"})))
    check("/confirm" not in page and not db_value(
        database, "SELECT count(*) FROM member WHERE number LIKE '% %'"),
        "class 3: a member number with a space is refused")
    try:
        with sqlite3.connect(database) as conn:
            conn.execute("UPDATE member SET number = 'DYZB010 ZB02' WHERE number = 'DYZB010'")
        check(False, "class 3: the database refuses a number with a space")
    except sqlite3.DatabaseError:
        check(True, "class 3: the database refuses a number with a space")

    # 4. dues amounts
    boss = Client(base)
    check(boss.login("super") == 302, "the supervisor logs in")
    status, _, page = boss.get("/console/branches/ZB01/dues?year=2026")
    check(status == 200 and "123.45" not in page and "61.23" not in page
          and "30.62" not in page, "class 4: the supervisor's dues grid shows no amount")
    status, _, page = boss.get("/console/branches/ZB01/history")
    check("12345" not in page and "123.45" not in page, "class 4: nor does the history")

    # 5. login timing: unknown names cost what a wrong password costs
    timer = Client(base)

    def timed(name: str) -> float:
        start = time.perf_counter()
        timer.login(name, "wrong-password")
        return time.perf_counter() - start

    known = [timed("victim") for _ in range(4)]
    unknown = [timed(f"nobody{i}") for i in range(4)]
    ratio = statistics.median(unknown) / statistics.median(known)
    check(0.6 < ratio < 1.6, f"class 5: unknown/known login time ratio {ratio:.2f}")

    # 6. throttling: one count across both workers; a script cannot lock out a known browser
    admin = Client(base)
    check(admin.login("admin") == 302, "the administrator logs in (a known browser)")
    admin.post("/console/logout", {}, token_from="/console/")
    attacker = Client(base)
    codes = [attacker.login("super", f"guess{i}") for i in range(5)]
    check(codes == [401] * 5 and attacker.login("super") == 429,
          f"class 6: 5 bad passwords over two workers, then 429 ({codes})")
    for i in range(15):
        attacker.login(f"spray{i}" if i % 3 else "admin", "guess")
    check(attacker.login("admin") == 429, "class 6: the spraying script is stopped")
    check(admin.login("admin") == 302, "class 6: the known browser still logs in")
    forged = Client(base)
    status, _, _ = forged.request("/console/login", headers={"X-Forwarded-For": "10.1.2.3"})
    check(forged.login("admin") == 429,
          "class 6: X-Forwarded-For is not trusted without PROXY_FIX")

    # 7. bombs under the caps
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        with package.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(300):
                part.write(b"\0" * (1 << 20))
        package.writestr("[Content_Types].xml", "<Types/>")
    start = time.perf_counter()
    response = sec.upload("bomb.xlsx", bomb.getvalue())
    took = time.perf_counter() - start
    check(response[0] == 302 and took < 3, f"class 7: a {len(bomb.getvalue()) // 1024} KB "
          f"file unpacking to 300 MB is not read in the request ({took:.2f} s)")
    start = time.perf_counter()
    status, _, _ = Client(base).get("/")
    check(status == 200 and time.perf_counter() - start < 2, "class 7: pages stay fast")
    refused_at = None
    for count in range(1, 36):  # the quota is 30 uploads and jobs an hour
        response = sec.upload("roster.csv", roster({"所在支部": "我方支部"}))
        location = response[1].get("Location", "")
        if location.endswith("/console/import"):
            refused_at = count
            break
    check(refused_at is not None, f"class 7: the account's quota stops a run of uploads "
          f"(after {refused_at} more)")
    check(all(not (p.stat().st_mode & 0o077) for p in instance.rglob("*") if p.is_file())
          and not (instance.stat().st_mode & 0o077), "class 12: instance/ is private")

    # 8. numbers that break pages
    for points in ("9223372036854775807", "-9223372036854775807", "99999999999999999999",
                   "10001"):
        status, _, _ = admin.post("/console/members/DYZB011/points",
                                  {"points": points, "reason": "x", "recorded_on": "2026-05-01"},
                                  token_from="/console/members/DYZB011/points")
        check(status == 400, f"class 8: points {points[:12]} refused ({status})")
    for path in ("/console/", "/console/members/DYZB011", "/console/branches/ZB01"):
        check(admin.get(path)[0] == 200, f"class 8: {path} still answers")

    # 9. 500s instead of messages; names in headers
    for value in ("NaN", "Infinity", "1e400", "99999999999"):
        status, _, _ = sec.post("/console/members/DYZB010/edit",
                                {**fields, "dues_base": value},
                                token_from="/console/members/DYZB010/edit")
        check(status == 400, f"class 9: dues base {value} is a message ({status})")
    status, headers, _ = sec.get("/console/members/DYZB010/card.pdf")
    disposition = headers.get("Content-Disposition", "")
    check(status == 200 and re.match(r'attachment; filename="[A-Za-z0-9._-]+"; filename\*=',
                                     disposition) is not None, "class 9: a safe card name")
    anonymous = Client(base)
    real, made_up = anonymous.get("/console/members")[0], anonymous.get("/console/nosuch")[0]
    check(real == made_up, "class 12: console routes cannot be listed anonymously")


if __name__ == "__main__":
    sys.exit(main())

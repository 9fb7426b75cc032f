"""签到 as a real room does it: racing requests record once, every refusal says why (and
names nobody the reader may not see), by name, by photo, by the in-page scanner, undo,
签退, before / during / after, and the rest marked in one step."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from accounts.models import Role
from core.changelog import Actor
from core.db import db
from profiles.cards import reissue_card
from profiles.enums import Attendance, MeetingKind
from profiles.models import AttendanceRecord, ChangeLog, Member, PartyGroup, PointsEntry
from tests.helpers import factories
from tests.helpers.app import make_app, release_db
from tests.helpers.cards import KEYS
from tests.helpers.console import AuthActions, make_account
from tests.helpers.pages import path
from tests.helpers.photos import card_png, photographed, png_bytes

HELD_ON = dt.date(2026, 11, 20)


@dataclass
class Room:
    meeting_id: int
    group_meeting_id: int
    numbers: list[str]
    names: list[str]
    ids: list[int]
    other_number: str
    other_id: int


@pytest.fixture
def keyed_app(sqlite_templates: dict[str, Path], tmp_path: Path) -> Iterator[Flask]:
    """The app signing with the test keys, so a card rendered once per module is valid; on
    SQLite only (reading pictures does not depend on the database; the races are tested
    on both)."""
    database = tmp_path / "keyed.sqlite3"
    shutil.copy(sqlite_templates["empty"], database)
    app = make_app(f"sqlite:///{database}", tmp_path / "instance", SIGNING_KEYS=KEYS)
    yield app
    release_db(app)


@pytest.fixture(scope="module")
def card_photos() -> dict[str, bytes]:
    """Member 1's real card (as a PNG), and a phone photo of it; built once."""
    card = card_png(1, "到会0")
    return {"png": png_bytes(card), "photo": photographed(card)}


def _room(app: Flask, size: int = 4) -> Room:
    with app.app_context():
        a = factories.make_branch(code="QDA01", name="签到甲支部")
        b = factories.make_branch(code="QDB02", name="签到乙支部")
        groups = sorted(db.session.scalars(select(PartyGroup).where(
            PartyGroup.branch_id == a.id)), key=lambda g: g.id)
        names = ["到会0", "张伟", "曾小明", "李娜", "王芳", "刘洋"][:size]
        people = [factories.make_member(a, name=n, group_id=groups[i % 2].id)
                  for i, n in enumerate(names)]
        other = factories.make_member(b, name="外支部人")
        meeting = factories.make_meeting(a, MeetingKind.THEME_DAY, HELD_ON, topic="学习")
        group_meeting = factories.make_meeting(a, MeetingKind.GROUP, HELD_ON,
                                               group_id=groups[0].id)
        make_account("sec_a", Role.SECRETARY, "QDA01")
        make_account("sec_a2", Role.SECRETARY, "QDA01")
        make_account("sec_b", Role.SECRETARY, "QDB02")
        db.session.commit()
        return Room(meeting.id, group_meeting.id, [m.number for m in people], names,
                    [m.id for m in people], other.number, other.id)


def _login(app: Flask, name: str = "sec_a") -> AuthActions:
    auth = AuthActions(app.test_client())
    auth.login(name)
    return auth


def _counts(app: Flask, member_id: int) -> tuple[int, int, int]:
    """(attendance rows, points entries, attendance log rows) of a member."""
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(AttendanceRecord).where(
            AttendanceRecord.member_id == member_id))
        points = db.session.scalar(select(func.count()).select_from(PointsEntry).where(
            PointsEntry.member_id == member_id))
        number = db.session.get_one(Member, member_id).number
        logged = db.session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name == "attendance", ChangeLog.record_key.startswith(number)))
        return int(rows or 0), int(points or 0), int(logged or 0)


def _race(calls: list[object]) -> list[object]:
    """Run the callables at the same moment, each in its own thread; their results."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: object) -> None:
        barrier.wait()
        try:
            results[i] = call()  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_racing_taps_phones_and_secretaries_record_once(app: Flask) -> None:
    room = _room(app)
    phones = [_login(app, "sec_a"), _login(app, "sec_a"), _login(app, "sec_a2"),
              _login(app, "sec_a2")]
    assert phones[0].post(f"/console/meetings/{room.meeting_id}/checkin/open").status_code \
        == 303
    token = path(app, "member", room.ids[0]).split("/")[-1]
    confirm = f"/console/meetings/{room.meeting_id}/checkin/{token}"
    forms = [{"csrf_token": p.csrf()} for p in phones]
    # A double tap on two phones and two secretaries' phones, all at once; and the same
    # member by name and by the scanner's code at the same moment.
    calls: list[object] = [
        (lambda p=p, f=f: p.client.post(confirm, data=f).status_code)
        for p, f in zip(phones, forms, strict=True)]
    assert _race(calls) == [303, 303, 303, 303]
    assert _counts(app, room.ids[0]) == (1, 1, 1)
    for p in phones:  # every phone is told it is in
        assert "已签到" in p.client.get(confirm).get_data(as_text=True)

    by_name = f"/console/meetings/{room.meeting_id}/checkin/by-name/{room.numbers[1]}"
    scan = f"/console/meetings/{room.meeting_id}/checkin/scan"
    token1 = path(app, "member", room.ids[1]).split("/")[-1]
    results = _race([
        lambda: phones[0].client.post(by_name, data=forms[0]).status_code,
        lambda: phones[1].client.post(by_name, data=forms[1]).status_code,
        lambda: phones[2].client.post(scan, data={**forms[2], "code": f"X/M/{token1}"})
        .get_json()["state"],
        lambda: phones[3].client.post(scan, data={**forms[3], "code": f"X/M/{token1}"})
        .get_json()["state"],
    ])
    assert results[:2] == [303, 303] and sorted(results[2:]) in (["done", "in"], ["in", "in"])
    assert _counts(app, room.ids[1]) == (1, 1, 1)


def _send(auth: AuthActions, url: str, fields: dict[str, object]) -> TestResponse:
    """A multipart POST as the page sends it, with the session's CSRF token."""
    return auth.client.post(url, data={**fields, "csrf_token": auth.csrf()},
                            content_type="multipart/form-data")


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_every_refusal_says_why_and_names_only_who_may_be_seen(app: Flask) -> None:
    room = _room(app)
    sec = _login(app)
    base = f"/console/meetings/{room.meeting_id}/checkin"

    def token(member_id: int, generation: int = 1) -> str:
        return path(app, "member", member_id, generation).split("/")[-1]

    # Before 签到 starts: "not started", not "closed".
    screen = _text(sec.client.get(base))
    assert "签到尚未开始" in screen and "签到已结束" not in screen
    early = sec.client.get(f"{base}/{token(room.ids[0])}")
    assert early.status_code == 409 and "签到尚未开始" in _text(early)

    assert sec.post(f"{base}/open").status_code == 303
    # Another branch's member: refused, and not named to this branch's secretary.
    foreign = sec.post(f"{base}/{token(room.other_id)}")
    assert foreign.status_code == 409
    assert "不是签到甲支部的党员" in _text(foreign) and "外支部人" not in _text(foreign)
    # By number, another branch's member is not found at all.
    assert sec.post(f"{base}/by-name/{room.other_number}").status_code == 404

    # At a 党小组会, a member of the other group.
    group_base = f"/console/meetings/{room.group_meeting_id}/checkin"
    assert sec.post(f"{group_base}/open").status_code == 303
    other_group = sec.post(f"{group_base}/{token(room.ids[1])}")
    assert other_group.status_code == 409 and "属于其他党小组" in _text(other_group)
    assert sec.post(f"{group_base}/{token(room.ids[0])}").status_code == 303  # own group

    # A replaced card names its member to their secretary and offers 签到 by name...
    with app.app_context():
        reissue_card(Actor("test", "test"), db.session.get_one(Member, room.ids[2]))
        db.session.commit()
    replaced = sec.client.get(f"{base}/{token(room.ids[2])}")
    assert replaced.status_code == 410
    assert "此卡已被换发" in _text(replaced) and "这是 曾小明 的旧卡" in _text(replaced)
    assert "按姓名为 曾小明 签到" in _text(replaced)
    # ... and to another branch's secretary it names nobody.
    other = _login(app, "sec_b")
    with app.app_context():
        b_meeting = factories.make_meeting(
            db.session.get_one(Member, room.other_id).branch, MeetingKind.GENERAL, HELD_ON,
            checkin_open=True)
        db.session.commit()
        b_id = b_meeting.id
    theirs = other.client.get(f"/console/meetings/{b_id}/checkin/{token(room.ids[2])}")
    assert theirs.status_code == 410 and "曾小明" not in _text(theirs)

    # Joined after the meeting's date: refused with the reason (was a 500).
    with app.app_context():
        branch = db.session.get_one(Member, room.ids[0]).branch
        late = factories.make_member(branch, name="新党员", joined_on=dt.date(2026, 11, 25),
                                     converted_on=None)
        db.session.commit()
        late_id = late.id
    newcomer = sec.post(f"{base}/{token(late_id)}")
    assert newcomer.status_code == 409 and "尚未入党" in _text(newcomer)

    # Already in: "已签到", one record.
    assert sec.post(f"{base}/{token(room.ids[0])}").status_code == 303
    again = sec.post(f"{base}/{token(room.ids[0])}")
    assert "已签到" in _text(sec.client.get(again.headers["Location"]))

    # Closed: says so.
    assert sec.post(f"{base}/close").status_code == 303
    closed = sec.post(f"{base}/{token(room.ids[3])}")
    assert closed.status_code == 409 and "签到已结束" in _text(closed)
    assert _counts(app, room.other_id)[0] == 0 and _counts(app, late_id)[0] == 0
    assert _counts(app, room.ids[3])[0] == 0


def test_by_name_or_pinyin_then_sign_out_then_the_rest_in_one_step(app: Flask) -> None:
    room = _room(app, size=6)
    sec = _login(app)
    base = f"/console/meetings/{room.meeting_id}/checkin"
    sec.post(f"{base}/open")
    found = _text(sec.client.get(f"{base}?q=zw"))  # 张伟 by initials
    listed = found.split('id="found"')[1].split("</ul>")[0]
    assert "张伟" in listed and "李娜" not in listed
    assert "曾小明" in _text(sec.client.get(f"{base}?q=zeng")).split('id="found"')[1]
    assert sec.post(f"{base}/by-name/{room.numbers[1]}").status_code == 303
    screen = _text(sec.client.get(base))
    assert "已到 1/6" in screen
    assert sec.post(f"{base}/out/{room.numbers[1]}").status_code == 303
    assert sec.post(f"{base}/out/{room.numbers[1]}").status_code == 303  # double tap
    with app.app_context():
        record = db.session.get_one(AttendanceRecord, (room.meeting_id, room.ids[1]))
        assert record.checked_in_at is not None and record.checked_out_at is not None
        out_logs = db.session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.changes.contains("checked_out_at")))
        assert out_logs == 1

    # While open, the rest cannot be marked; after closing, one step marks all five.
    sec.post(f"{base}/rest", status="absent")
    assert _counts(app, room.ids[2])[0] == 0
    sec.post(f"{base}/close")
    after = _text(sec.client.get(base))
    assert "签到已结束" in after and "其余全部请假" in after
    assert sec.post(f"{base}/rest", status="bogus").status_code == 303
    assert _counts(app, room.ids[2])[0] == 0
    assert sec.post(f"{base}/rest", status="excused").status_code == 303
    assert sec.post(f"{base}/rest", status="absent").status_code == 303  # no-op
    with app.app_context():
        statuses = dict(db.session.execute(select(AttendanceRecord.member_id,
                                                  AttendanceRecord.status).where(
            AttendanceRecord.meeting_id == room.meeting_id)).all())
    assert statuses[room.ids[1]] is Attendance.PRESENT
    assert [statuses[i] for i in room.ids if i != room.ids[1]] == [Attendance.EXCUSED] * 5
    # Someone else's secretary may not.
    assert _login(app, "sec_b").post(f"{base}/rest", status="absent") \
        .status_code == 404

    # 李娜 comes late: 签到 opened again, found by name among those marked, checked in.
    sec.post(f"{base}/open")
    late = _text(sec.client.get(f"{base}?q=lina")).split('id="found"')[1].split("</ul>")[0]
    assert "李娜" in late and "没有这个姓名" not in late
    marked = _text(sec.client.get(base)).split('id="marked"')[1].split("</ul>")[0]
    assert f"by-name/{room.numbers[3]}" in marked  # a 签到 button beside the mark
    assert sec.post(f"{base}/by-name/{room.numbers[3]}").status_code == 303
    assert sec.post(f"{base}/by-name/{room.numbers[3]}").status_code == 303  # double tap
    with app.app_context():
        record = db.session.get_one(AttendanceRecord, (room.meeting_id, room.ids[3]))
        assert record.status is Attendance.PRESENT
    assert "已到 2/6" in _text(sec.client.get(base))


def test_the_scanner_checks_in_at_once_and_undo_takes_it_back(keyed_app: Flask,
                                                             card_photos: dict[str, bytes]
                                                             ) -> None:
    room = _room(keyed_app)
    assert room.ids[0] == 1  # the card rendered once per module is member 1's
    sec = _login(keyed_app)
    base = f"/console/meetings/{room.meeting_id}/checkin"
    sec.post(f"{base}/open")
    camera = _text(sec.client.get(f"{base}/camera"))
    assert 'id="camera"' in camera and 'capture="environment"' in camera

    # A frame as the page posts it where the browser has no BarcodeDetector: ~640 px JPEG.
    frame = Image.open(io.BytesIO(card_photos["photo"]))
    frame.thumbnail((640, 640))
    body = io.BytesIO()
    frame.save(body, "JPEG", quality=80)
    result = _send(sec, f"{base}/scan", {"reply": "json", "frame": (
        io.BytesIO(body.getvalue()), "frame.jpg", "image/jpeg")}).get_json()
    assert result["ok"] and result["state"] == "done" and result["name"] == "到会0"
    assert (result["present"], result["expected"]) == (1, 4) and result["undo"]
    again = _send(sec, f"{base}/scan", {"reply": "json", "frame": (
        io.BytesIO(body.getvalue()), "frame.jpg", "image/jpeg")}).get_json()
    assert again["state"] == "in" and again["undo"] is None

    undone = sec.post(result["undo"], reply="json").get_json()
    assert undone["ok"] and undone["present"] == 0
    assert sec.post(result["undo"], reply="json").get_json()["ok"] is False
    with keyed_app.app_context():
        points = list(db.session.scalars(select(PointsEntry.points).where(
            PointsEntry.member_id == 1).order_by(PointsEntry.id)))
        assert points == [2, -2]  # the undo is a correcting entry, and logged
        assert db.session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name == "attendance", ChangeLog.action == "delete")) == 1

    # An empty frame: keep scanning, nothing said. A foreign code: named as such.
    blank = io.BytesIO()
    Image.new("RGB", (640, 480), "white").save(blank, "JPEG")
    none = _send(sec, f"{base}/scan", {"reply": "json", "frame": (
        io.BytesIO(blank.getvalue()), "f.jpg", "image/jpeg")}).get_json()
    assert none["state"] == "none"
    foreign = sec.post(f"{base}/scan", code="https://example.com/x").get_json()
    assert foreign["state"] == "foreign" and not foreign["ok"]


def test_a_phone_photo_without_javascript_checks_in(keyed_app: Flask,
                                                    card_photos: dict[str, bytes]) -> None:
    room = _room(keyed_app)
    sec = _login(keyed_app)
    base = f"/console/meetings/{room.meeting_id}/checkin"
    sec.post(f"{base}/open")
    assert 'accept="image/*" capture="environment"' in _text(sec.client.get(base))

    def send(data: bytes, name: str = "IMG_0001.jpg") -> object:
        return _send(sec, f"{base}/photo", {"photo": (io.BytesIO(data), name,
                                                       "image/jpeg")})

    sent = send(card_photos["photo"])  # 3000 px, perspective, blur, JPEG quality 60
    assert sent.status_code == 303  # type: ignore[attr-defined]
    done = sec.client.get(sent.headers["Location"])  # type: ignore[attr-defined]
    assert "✓ 到会0 已签到" in _text(done)
    assert _counts(keyed_app, 1) == (1, 1, 1)
    assert send(card_photos["photo"]).status_code == 303  # type: ignore[attr-defined]
    assert _counts(keyed_app, 1) == (1, 1, 1)

    blank = io.BytesIO()
    Image.new("RGB", (1200, 900), "gray").save(blank, "JPEG")
    nothing = send(blank.getvalue())
    assert nothing.status_code == 422 and "没有识别到二维码" in _text(nothing)  # type: ignore[attr-defined]
    junk = send(b"not a picture at all" * 10, "notes.txt")
    assert junk.status_code == 422 and "不是图片" in _text(junk)  # type: ignore[attr-defined]
    # A decompression bomb: a small PNG of 20000 x 20000 pixels.
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 200_000
    refused = send(bomb.getvalue(), "bomb.png")
    assert refused.status_code == 422 and "百万像素" in _text(refused)  # type: ignore[attr-defined]
    # Over the size cap: refused before it is read (sent from memory: the test client's own
    # multipart encoder would spool 21 MB to a temporary file it never closes).
    boundary, body = encode_multipart({"csrf_token": sec.csrf(), "photo": FileStorage(
        io.BytesIO(b"\xff\xd8" + b"0" * (21 * 1024 * 1024)), "big.jpg", "photo",
        "image/jpeg")})
    huge = sec.client.post(f"{base}/photo", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert huge.status_code == 413 and "MB" in _text(huge)  # type: ignore[attr-defined]
    assert card_photos["png"]

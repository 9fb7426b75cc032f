"""痕迹管理 in a real browser at 360 px: record a meeting with its minutes, attach two photos
and a PDF from files, see the thumbnails, print the 会议记录 and look at its pages; the
public branch page then says only that minutes and photos exist.

Screenshots go to ``$PARTYCARD_SHOTS`` (default: the test's tmp folder)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select
from werkzeug.serving import make_server

from accounts.models import Role
from core.db import db
from profiles.models import Branch
from qr.links import card_url
from tests.helpers.app import make_app, release_db
from tests.helpers.console import PASSWORD, make_account

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path, sqlite_templates: dict[str, Path]) -> Iterator[tuple[str, Flask]]:
    path = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_templates["demo"], path)
    app = make_app(f"sqlite:///{path}", tmp_path / "instance")
    with app.app_context():
        make_account("sec", Role.SECRETARY, "ZB01")
        db.session.commit()
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", app
    srv.shutdown()
    thread.join()
    srv.server_close()
    release_db(app)


def _photo(path: Path, colour: tuple[int, int, int], size: tuple[int, int]) -> Path:
    image = Image.new("RGB", size, colour)
    image.paste((250, 250, 250), (size[0] // 3, size[1] // 3, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0)}
    image.save(path, "JPEG", exif=exif)
    return path


def test_record_a_meeting_with_photos_and_print_its_record(browser: Any,
                                                           server: tuple[str, Flask],
                                                           tmp_path: Path) -> None:
    base, app = server
    shots = Path(os.environ.get("PARTYCARD_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 360, "height": 780},
                                  accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) else None)
    try:
        page.goto(f"{base}/console/login")
        page.fill("input[name=username]", "sec")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/console/")
        page.goto(f"{base}/console/branches/ZB01/meetings/new?kind=theme_day")
        page.fill("input[name=held_on]", "2026-11-18")
        page.fill("input[name=topic]", "重温入党誓词")
        page.fill("input[name=host]", "张书记")
        page.fill("input[name=recorder]", "李委员")
        page.fill("textarea[name=minutes]",
                  "一、全体党员重温入党誓词。\n\n二、书记传达上级精神，大家交流发言。\n发言人：王芳、陈静。")
        page.fill("textarea[name=resolutions]", "下月开展志愿服务活动。")
        page.click("form.stack button[type=submit]")
        page.wait_for_selector("#evidence")
        assert "/console/meetings/" in page.url
        page.set_input_files("input[name=photos]", [
            str(_photo(tmp_path / "IMG_0001.JPG", (180, 30, 30), (3000, 2000))),
            str(_photo(tmp_path / "IMG_0002.jpg", (30, 90, 180), (1600, 1200)))])
        pdf = tmp_path / "签到表.pdf"
        pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        page.set_input_files("input[name=documents]", str(pdf))
        page.click("#evidence form.stack button[type=submit]")
        page.wait_for_selector("ul.thumbs img")
        assert page.locator("ul.thumbs img").count() == 2
        assert page.locator("#evidence a", has_text="签到表.pdf").count() == 1
        # The thumbnails are loading="lazy": the page is there before they are, so wait
        # (up to 10 s) for both to be decoded instead of reading them at once; CI once read
        # them while they were still on their way and failed a working page.
        page.wait_for_function("Array.from(document.querySelectorAll('ul.thumbs img'))"
                               ".every(i => i.complete && i.naturalWidth > 0)",
                               timeout=10_000)  # the thumbnails came from the console
        page.screenshot(path=str(shots / "meeting-360.png"), full_page=True)
        wide = page.evaluate("Array.from(document.querySelectorAll('body *')).filter("
                             "e => e.getBoundingClientRect().right > 360).map(e => e.tagName"
                             " + '.' + e.className + ' ' + e.getBoundingClientRect().right)")
        assert wide == []
        with page.expect_download() as info:
            page.click("text=打印会议记录")
        record = tmp_path / "record.pdf"
        record.write_bytes(Path(info.value.path()).read_bytes())
        assert record.read_bytes().startswith(b"%PDF")
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(record),
                        str(shots / "meeting-record")], check=True)
        fonts = subprocess.run(["pdffonts", str(record)], capture_output=True, text=True,
                               check=True).stdout
        assert "CJK" in fonts and " yes " in fonts  # embedded
        text = subprocess.run(["pdftotext", str(record), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "重温入党誓词" in text and "张书记" in text and "志愿服务" in text
        images = subprocess.run(["pdfimages", "-list", str(record)], capture_output=True,
                                text=True, check=True).stdout
        assert len(images.strip().splitlines()) - 2 == 2  # the two photos
        # The public branch page: that minutes and photos exist, never the photos.
        with app.app_context():
            branch = db.session.scalar(select(Branch).where(Branch.code == "ZB01"))
            url = card_url(app.config["BASE_URL"], app.config["SIGNING_KEYS"], "branch",
                           branch.id, branch.card_generation)
        public = context.new_page()
        public.goto(base + url[len(app.config["BASE_URL"]):])
        body = public.inner_text("body")
        assert "2 张照片" in body and "有纪要" in body
        assert public.locator("img[src*='/files/']").count() == 0
        public.screenshot(path=str(shots / "branch-page-records.png"), full_page=True)
        assert foreign == []
    finally:
        context.close()



"""When a member's obligations begin here: a roster of new members imported into a
branch that already keeps its record owes nothing from before they came (issue 18)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.models import Branch, Committee, Member
from profiles.queries import branch_page
from tests.helpers.dates import TODAY
from tests.helpers.sheets import xlsx

NEW = [["姓名", "入党日期", "转正日期", "人员类别", "所在支部"],
       ["吴建国", "2000-07-01", "2001-07-01", "正式党员", "机关第二党支部"],
       ["郑丽", "2015-07-01", "2016-07-01", "正式党员", "机关第二党支部"],
       ["孙浩", "2025-06-01", "", "预备党员", "机关第二党支部"]]


def _cli(app: Flask, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def test_repro(app: Flask, tmp_path: Path) -> None:
    first = [["姓名", "入党日期", "转正日期", "人员类别", "所在支部", "支部编号", "上级党组织"],
             ["老党员", "2010-07-01", "2011-07-01", "正式党员", "机关第二党支部", "ZB02", "机关党委"]]
    _cli(app, "import", "members", str(xlsx(tmp_path / "a.xlsx", first)), "--create-branches")
    with app.app_context():
        db.session.execute(Committee.__table__.update().values(records_from=dt.date(2025, 1, 1)))
        db.session.commit()
    out = _cli(app, "import", "members", str(xlsx(tmp_path / "b.xlsx", NEW))).output
    print(out)
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == "ZB02"))
        page = branch_page(branch.id, TODAY)
        print(page.audit.arrears, page.audit.evaluation)

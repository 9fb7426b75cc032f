"""Every message of the organisation home, the reports and 三级考核 has a Chinese
translation (reports.po, or a catalog an earlier feature added)."""

from __future__ import annotations

import ast
import re

from babel.messages.pofile import read_po

from tests.helpers.paths import ROOT

SOURCES = ["console/organisation.py", "console/reports.py", "console/scores.py",
           *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "reports").rglob("*.py")),
           *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "profiles/scoring").rglob("*.py"))]
TEMPLATES = ["organisation", "reports", "report_long", "scores", "score_branch",
             "score_lines", "score_rules"]
POSITION = {"_": 0, "gettext": 0, "problem": 1, "refuse": 1}


def _msgids() -> set[str]:
    found = set()
    for source in SOURCES:
        for node in ast.walk(ast.parse((ROOT / source).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                    node.func, "id", "")
                at = POSITION.get(name)
                if at is not None and len(node.args) > at and isinstance(
                        node.args[at], ast.Constant) and isinstance(node.args[at].value, str):
                    found.add(node.args[at].value)
    for name in TEMPLATES:
        text = (ROOT / f"templates/console/{name}.html").read_text(encoding="utf-8")
        found |= set(re.findall(r'_\("((?:[^"\\]|\\.)*)"', text))
    return found


def test_every_message_is_translated() -> None:
    translated: set[str] = set()
    for path in sorted((ROOT / "translations/zh/LC_MESSAGES").glob("*.po")):
        with path.open("rb") as po:
            translated |= {m.id if isinstance(m.id, str) else m.id[0]
                           for m in read_po(po, locale="zh") if m.string}
    msgids = _msgids()
    assert len(msgids) > 80
    assert sorted(msgids - translated) == []

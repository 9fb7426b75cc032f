"""Every message the spreadsheet code can show has a Chinese translation (sheets.po, or the
catalog of the feature that added it, e.g. sheetsread.po for the reading layer)."""

from __future__ import annotations

import ast

from babel.messages.pofile import read_po

from tests.helpers.paths import ROOT

# Function name -> position of the English msgid among its arguments.
MESSAGE_ARGUMENT = {"problem": 1, "report": 1, "gettext": 0, "lazy_gettext": 0, "ngettext": 0,
                    "_parse": 3, "first_time": 4}


def _msgids() -> set[str]:
    found = set()
    for path in sorted((ROOT / "sheets").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            position = MESSAGE_ARGUMENT.get(name)
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            # A message chosen by a conditional expression: both branches are msgids.
            for candidate in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
                    found.add(candidate.value)
    return found


def test_every_sheets_message_is_translated() -> None:
    translated: set[str] = set()
    # sheets.po, and the catalogs of features that add messages to sheets/ (the app loads
    # every catalog as one).
    for path in sorted((ROOT / "translations/zh/LC_MESSAGES").glob("*.po")):
        with path.open("rb") as po:
            catalog = read_po(po, locale="zh")
        translated |= {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.string}
    msgids = _msgids()
    assert len(msgids) > 30
    assert sorted(msgids - translated) == []

"""Output files are written whole or not at all, private when asked (core/files.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.files import OutputError, output_path
from tests.helpers.paths import ROOT


def test_written_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "new" / "cards.pdf"  # missing folders are made
    old = os.umask(0o022)
    try:
        with output_path(target) as tmp:
            assert tmp.parent == target.parent and not target.exists()
            tmp.write_bytes(b"%PDF")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"%PDF"
    assert target.stat().st_mode & 0o777 == 0o644
    assert os.listdir(target.parent) == ["cards.pdf"]


def test_private_files_are_for_the_owner_only(tmp_path: Path) -> None:
    with output_path(tmp_path / "backup.zip", private=True) as tmp:
        tmp.write_bytes(b"keys")
    assert (tmp_path / "backup.zip").stat().st_mode & 0o777 == 0o600


def test_a_failed_run_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "export.xlsx"
    target.write_bytes(b"last week's export")
    with pytest.raises(RuntimeError), output_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed half-way")
    assert target.read_bytes() == b"last week's export"
    assert os.listdir(tmp_path) == ["export.xlsx"]


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write /proc/partycard.pdf"), \
            output_path(Path("/proc/partycard.pdf")) as tmp:
        tmp.write_bytes(b"never")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="cannot write"), \
            output_path(blocker / "cards.pdf") as tmp:
        tmp.write_bytes(b"never")


def test_files_left_by_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    import subprocess
    import sys

    target = tmp_path / "export.xlsx"
    # A writer killed with SIGKILL half-way cannot clean up after itself.
    script = ("import os, sys, time; from pathlib import Path; from core.files import output_path\n"
              "with output_path(Path(sys.argv[1]), private=True) as tmp:\n"
              "    tmp.write_bytes(b'ID numbers'); print(tmp, flush=True); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", script, str(target)],
                             stdout=subprocess.PIPE, text=True,
                             cwd=ROOT)
    assert child.stdout is not None
    left = Path(child.stdout.readline().strip())
    child.kill()
    child.wait()
    child.stdout.close()
    assert left.exists() and left.name.startswith(".export.xlsx.")
    dead = tmp_path / f".cards.pdf.{child.pid}.partial-x.pdf"  # another target, same dead run
    dead.write_bytes(b"")
    other = tmp_path / ".notes.txt.swp"  # not a partial file: not touched
    other.write_bytes(b"")
    with output_path(target) as tmp:
        # A run still writing (this process) keeps its file while another run sweeps.
        with output_path(target) as second:
            second.write_bytes(b"b")
            assert tmp.exists()
        tmp.write_bytes(b"a")
    assert not left.exists() and not dead.exists() and other.exists()
    assert sorted(os.listdir(tmp_path)) == [other.name, "export.xlsx"]

"""Writing output files: whole or not at all, and private when they hold private data."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import UserError


class OutputError(UserError):
    """The output file cannot be written; the message says which and why."""


_PARTIAL = re.compile(r"\..+\.(\d+)\.partial-[^/]*")


def _partial_prefix(target: Path, pid: int) -> str:
    # Hidden, named after the target and the writing process, so a later run can tell a
    # file left by a killed run (its process is gone) from one still being written.
    return f".{target.name}.{pid}.partial-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def sweep_partials(folder: Path) -> list[Path]:
    """Remove the temporary files that killed runs (SIGKILL, power loss) left in ``folder``.

    A run that fails or is interrupted removes its own file; one killed outright cannot,
    and would leave hidden files full of private data. Only our own files whose writing
    process is gone are removed, whatever target they were for. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(".*.partial-*"))
    except OSError:
        return removed
    for path in candidates:
        match = _PARTIAL.fullmatch(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _alive(pid):
            continue
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_uid == os.getuid():
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # not ours to clean, or already gone
    return removed


@contextmanager
def output_path(target: Path, *, private: bool = False) -> Iterator[Path]:
    """A temporary file beside ``target`` to write to, moved onto ``target`` on success.

    A failed or interrupted run never leaves half a file under the real name, and removes
    its temporary file; the files of runs killed outright are removed by the next run.
    ``private`` files (backups with the signing keys, exports with ID numbers and phones)
    are readable by their owner only; others get the usual umask.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_partials(target.parent)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=_partial_prefix(target, os.getpid()),
                                    suffix=target.suffix)  # mode 0600
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            tmp.chmod(0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)

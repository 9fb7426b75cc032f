"""Writing output files: whole or not at all, and private when they hold private data."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import UserError


class OutputError(UserError):
    """The output file cannot be written; the message says which and why."""


@contextmanager
def output_path(target: Path, *, private: bool = False) -> Iterator[Path]:
    """A temporary file beside ``target`` to write to, moved onto ``target`` on success.

    A failed or interrupted run never leaves half a file under the real name, and removes
    its temporary file. ``private`` files (backups with the signing keys, exports with ID
    numbers and phones) are readable by their owner only; others get the usual umask.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-",
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

"""What an importer reads: a file on disk, or the bytes of an upload (no temporary file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO, Protocol


class SheetFile(Protocol):
    """A named file's bytes; a ``pathlib.Path`` is one, and so is an :class:`Upload`."""

    @property
    def name(self) -> str: ...

    @property
    def suffix(self) -> str: ...

    def read_bytes(self) -> bytes: ...


@dataclass(frozen=True)
class Upload:
    """A file received in memory (a form upload): its name, for the type and the report."""

    name: str
    data: bytes

    @classmethod
    def from_stream(cls, name: str, stream: BinaryIO) -> Upload:
        """Read a stream (e.g. werkzeug's FileStorage.stream) to its end."""
        return cls(PurePath(name).name, stream.read())

    @property
    def suffix(self) -> str:
        """The extension, as ``Path.suffix`` gives it ('.xlsx')."""
        return PurePath(self.name).suffix

    def read_bytes(self) -> bytes:
        """The file's content."""
        return self.data

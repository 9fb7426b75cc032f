"""The only way WeasyPrint may load anything: our own ``partycard:`` URLs, from memory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

SCHEME = "partycard:"


class RefusedURL(ValueError):
    """A URL the print module never loads (file:, http:, data:, anything not ours)."""


class Resource:
    """Bytes (a photo) or a file the configuration named (a font), with its media type."""

    def __init__(self, mime_type: str, data: bytes | None = None, path: Path | None = None):
        self.mime_type = mime_type
        self._data = data
        self._path = path

    def read(self) -> bytes:
        """The resource's bytes."""
        if self._data is not None:
            return self._data
        assert self._path is not None
        return self._path.read_bytes()


class PrintFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``partycard:<name>`` from a fixed table and refuses every other URL.

    ``fail_on_errors`` makes a refused URL stop the rendering instead of leaving a hole.
    """

    def __init__(self, resources: Mapping[str, Resource] | None = None) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=True)
        self.resources = dict(resources or {})

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The resource named by ``url``, or RefusedURL."""
        if not url.startswith(SCHEME) or url[len(SCHEME):] not in self.resources:
            raise RefusedURL(f"the print module does not load {url[:80]!r}")
        resource = self.resources[url[len(SCHEME):]]
        return URLFetcherResponse(url, resource.read(), {"Content-Type": resource.mime_type})

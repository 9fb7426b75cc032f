"""Answers that download a file: named for the person saving it (names are Chinese).

A file name is built from whatever a branch name or member number holds, so the header
never carries it raw: the ``filename`` fallback is an ASCII slug (letters, digits, ``.``,
``-``, ``_``; anything else becomes ``_``), the real name goes only into RFC 5987's
``filename*`` percent-encoded (every byte outside the unreserved set), so no quote,
semicolon, CR/LF or non-Latin-1 character reaches the header (item 9 of issue 24)."""

from __future__ import annotations

import re
from urllib.parse import quote

from werkzeug.wrappers import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_slug(name: str, fallback: str = "download") -> str:
    """``name`` reduced to safe ASCII; ``fallback`` keeps the extension when nothing is left."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    slug = _UNSAFE.sub("_", stem).strip("._") or fallback
    ext = _UNSAFE.sub("", ext)[:10]
    return (slug[:100] + ("." + ext if ext else "")).lstrip(".")


def content_disposition(name: str) -> str:
    """The header value for a download called ``name`` (any characters)."""
    return (f'attachment; filename="{ascii_slug(name)}"; '
            f"filename*=UTF-8''{quote(name, safe='')}")


def attachment(data: bytes, name: str, mimetype: str) -> Response:
    """``data`` as a download called ``name``: an ASCII fallback and the UTF-8 name
    (RFC 6266), for browsers that know only one of them."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


def pdf(data: bytes, name: str) -> Response:
    return attachment(data, name, "application/pdf")


def xlsx(data: bytes, name: str) -> Response:
    return attachment(data, name, XLSX)

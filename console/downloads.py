"""Answers that download a file: named for the person saving it (names are Chinese)."""

from __future__ import annotations

from urllib.parse import quote

from werkzeug.wrappers import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data: bytes, name: str, mimetype: str) -> Response:
    """``data`` as a download called ``name``: an ASCII fallback and the UTF-8 name
    (RFC 6266), for browsers that know only one of them."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{name.encode('ascii', 'replace').decode()}\"; "
        f"filename*=UTF-8''{quote(name)}")
    return response


def pdf(data: bytes, name: str) -> Response:
    return attachment(data, name, "application/pdf")


def xlsx(data: bytes, name: str) -> Response:
    return attachment(data, name, XLSX)

"""The URL a code encodes: ``<BASE_URL>/<M|B>/<token>``, kept in the QR alphanumeric set."""

from __future__ import annotations

from urllib.parse import urlsplit

from qr.tokens import Kind, make_token

SHORT_KIND: dict[Kind, str] = {"member": "M", "branch": "B"}
KIND_BY_SHORT: dict[str, Kind] = {v: k for k, v in SHORT_KIND.items()}


def normalise_base_url(base_url: str) -> str:
    """Uppercase the scheme and host (case-insensitive by RFC 3986), keep the path as given."""
    parts = urlsplit(base_url.strip().rstrip("/"))
    if parts.scheme not in ("http", "https", "HTTP", "HTTPS") or not parts.netloc:
        raise ValueError(f"BASE_URL must look like https://host[/path], got {base_url!r}")
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}"


def card_url(base_url: str, keys: list[str], kind: Kind, record_id: int, generation: int) -> str:
    """The URL printed in the code for one record's current card."""
    token = make_token(keys, kind, record_id, generation)
    return f"{normalise_base_url(base_url)}/{SHORT_KIND[kind]}/{token}"

"""Start-up checks of settings that would otherwise fail later, on every request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import StartupError


class SettingsError(StartupError):
    """A setting is unusable; the message names it and says what it should look like."""


def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with a BASE_URL no card or code image could be made from."""
    from qr.links import normalise_base_url

    try:
        normalise_base_url(config["BASE_URL"])
    except ValueError as exc:
        raise SettingsError(
            f"{exc}. Set BASE_URL (config.py or PARTYCARD_BASE_URL) to the address phones "
            "open, e.g. https://pc.example.org, and start again.") from None

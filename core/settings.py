"""Start-up checks of settings that would otherwise fail later, on every request."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.errors import StartupError

# A setting's check: parses its value and raises ValueError (saying what is wrong) if the
# feature that reads it could not use it.
Check = Callable[[Any], object]


class SettingsError(StartupError):
    """A setting is unusable; the message names it and says what it should look like."""


def check_settings(config: Mapping[str, Any],
                   checks: Mapping[str, tuple[Check, str]]) -> None:
    """Refuse to start with a setting its feature cannot use.

    ``checks`` maps a setting's name to its check and what to do instead; each feature
    declares its own (core imports none of them) and ``app.py`` passes them in.
    """
    for name, (check, fix) in checks.items():
        try:
            check(config[name])
        except ValueError as exc:
            raise SettingsError(f"{exc}. {fix}") from None

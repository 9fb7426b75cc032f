"""Settings that would fail every request are refused at start-up, with a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from core.settings import SettingsError


@pytest.mark.parametrize("base_url", ["pc.example.org", "https://", "ftp://pc.example.org",
                                      "https://pc.example.org/?x=1", "https://pc.example.org#x",
                                      "https://pc example.org", "https://pc.example.org:99999",
                                      "https://pc.example.org:port", "https://u:pw@pc.example.org",
                                      "https://党.example.org", "https://pc.example.org/\x1b[2J"])
def test_an_invalid_base_url_stops_the_start(tmp_path: Path, base_url: str) -> None:
    with pytest.raises(SettingsError, match="BASE_URL") as refused:
        create_app({"TESTING": True, "BASE_URL": base_url}, instance_path=str(tmp_path))
    assert "https://pc.example.org" in str(refused.value)  # says what it should look like


@pytest.mark.parametrize("base_url", ["https://pc.example.org/pc/", "http://127.0.0.1:5000",
                                      "HTTPS://PC.EXAMPLE.ORG"])
def test_valid_base_urls_start(tmp_path: Path, base_url: str) -> None:
    app = create_app({"TESTING": True, "BASE_URL": base_url}, instance_path=str(tmp_path))
    assert app.config["BASE_URL"] == base_url

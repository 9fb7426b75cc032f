"""Settings that would fail every request are refused at start-up, with a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from core.settings import SettingsError
from tests.helpers.paths import ROOT


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


def test_start_up_errors_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = ROOT
    (tmp_path / "keys-folder" / "signing-keys").mkdir(parents=True)
    for instance, env in ((tmp_path / "a", {"PARTYCARD_BASE_URL": "pc.example.org"}),
                          (tmp_path / "keys-folder", {})):
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", f"app:create_app(instance_path='{instance}')",
             "routes"], cwd=root, env={**os.environ, **env}, capture_output=True, text=True,
            check=False)
        assert result.returncode == 1
        assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr

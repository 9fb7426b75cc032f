"""The front page in a real browser: fits a phone, fetches nothing from elsewhere."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_front_page_fits_and_stays_local(live_server: str, visit: Any, width: int) -> None:
    v = visit(live_server + "/", width=width, javascript=False)
    assert v.response.status == 200
    assert v.horizontal_overflow() <= 0
    assert v.page.locator("h1").is_visible()
    hosts = {urlsplit(url).netloc for url in v.requests}
    assert hosts == {urlsplit(live_server).netloc}

"""A token-protected server stays usable in a browser: the token becomes a login cookie."""

import pytest
from fastapi.testclient import TestClient

TOKEN = "s3cret-token"


@pytest.fixture
def client(tmp_path):
    from kerasprov.server.app import create_app
    return TestClient(create_app(str(tmp_path / "store"), token=TOKEN), follow_redirects=False,
                      base_url="http://127.0.0.1:8765")


def test_browser_is_sent_to_login_and_api_gets_the_envelope(client):
    page = client.get("/", headers={"accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert "password" in client.get("/login").text
    assert client.get("/static/ui.css").status_code == 200  # assets carry no data
    api = client.get("/.json")
    assert api.status_code == 401 and api.json()["ok"] is False


def test_wrong_token_sets_no_cookie(client):
    resp = client.post("/login", content="token=nope",
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 401 and "set-cookie" not in resp.headers
    assert client.get("/.json").status_code == 401


def test_right_token_opens_every_page(client):
    resp = client.post("/login", content=f"token={TOKEN}",
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 303
    cookie = resp.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert client.get("/.json").json()["ok"] is True  # the client keeps the cookie
    assert client.get("/", headers={"accept": "text/html"}).status_code == 200


def test_bearer_header_still_works(tmp_path):
    from kerasprov.server.app import create_app
    c = TestClient(create_app(str(tmp_path / "store"), token=TOKEN),
                   base_url="http://127.0.0.1:8765")
    assert c.get("/.json", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert c.get("/.json", headers={"authorization": "Bearer wrong"}).status_code == 401

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


# -- sign out ----------------------------------------------------------------------------------
FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_sign_out_revokes_the_session_and_is_same_origin_only(client):
    login = client.post("/login", content=f"token={TOKEN}", headers=FORM)
    old = login.cookies["kerasprov_session"]
    page = client.get("/", headers={"accept": "text/html"})
    assert 'action="/logout"' in page.text and "Sign out" in page.text
    # Another site cannot sign the user out, nor can a body that is not the form.
    evil = client.post("/logout", headers={**FORM, "Origin": "http://evil.example"})
    assert evil.status_code == 403 and client.get("/.json").status_code == 200
    assert client.post("/logout", content="{}", headers={
        "content-type": "application/json"}).status_code == 415
    out = client.post("/logout", headers={**FORM, "Sec-Fetch-Site": "same-origin"})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert "kerasprov_session=" in out.headers["set-cookie"] and \
        "max-age=0" in out.headers["set-cookie"].lower()
    assert client.get("/.json").status_code == 401  # the cookie is gone
    client.cookies.set("kerasprov_session", old)  # and a copy of it no longer works
    assert client.get("/.json").status_code == 401
    again = client.post("/login", content=f"token={TOKEN}", headers=FORM)
    assert again.status_code == 303 and client.get("/.json").status_code == 200
    # Signing out without a session (an expired one, say) just goes to the sign-in page.
    client.cookies.clear()
    assert client.post("/logout", headers=FORM).status_code == 303


def test_no_sign_out_control_without_a_session(tmp_path):
    from kerasprov.server.app import create_app
    viewer = TestClient(create_app(str(tmp_path / "store")), base_url="http://127.0.0.1:8765")
    assert "Sign out" not in viewer.get("/", headers={"accept": "text/html"}).text
    bearer = TestClient(create_app(str(tmp_path / "store"), token=TOKEN),
                        base_url="http://127.0.0.1:8765")
    text = bearer.get("/", headers={"accept": "text/html",
                                    "authorization": f"Bearer {TOKEN}"}).text
    assert 'id="json-twin"' in text  # the page itself was served
    assert "Sign out" not in text


def test_sign_in_and_out_in_chromium(page, tmp_path):
    """In a real browser: sign in with the token, see the runs and a Sign out button, sign
    out, and the next page asks for the token again; the old cookie opens nothing."""
    import httpx
    from test_web_security import TOKEN as SERVE_TOKEN
    from test_web_security import Proc, make_store
    srv = Proc("serve", make_store(tmp_path / "s"), token=True)
    try:
        page.goto(srv.url + "/")
        assert page.url.endswith("/login")
        page.fill("input[name=token]", SERVE_TOKEN)
        page.click("button[type=submit]")
        page.wait_for_url(srv.url + "/")
        page.wait_for_selector("table")
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        old = cookies["kerasprov_session"]
        sign_out = page.locator("#sign-out")
        assert sign_out.is_visible() and sign_out.inner_text() == "Sign out"
        page.goto(srv.url + "/dataflows")
        assert page.locator("#sign-out").is_visible()  # on every page
        page.click("#sign-out")
        page.wait_for_url(srv.url + "/login")
        assert page.locator("input[name=token]").is_visible()
        assert "kerasprov_session" not in {c["name"] for c in page.context.cookies()}
        page.goto(srv.url + "/")
        assert page.url.endswith("/login") and page.locator("input[name=token]").is_visible()
        resp = httpx.get(srv.url + "/.json", cookies={"kerasprov_session": old}, timeout=30)
        assert resp.status_code == 401, resp.text
        page.context.add_cookies([{"name": "kerasprov_session", "value": old,
                                   "url": srv.url + "/"}])
        page.goto(srv.url + "/")
        assert page.url.endswith("/login")
    finally:
        srv.stop()

"""The phone web app's files, without a browser: served under /app/ with a content security
policy that allows nothing from elsewhere (no CDN), every text key the page and its script use
is in both message catalogues, and the service worker keeps every file it names."""

from __future__ import annotations

import json
import re

import httpx
from fastapi import FastAPI

from dispatch.adapters.gateway import webapp

APP = webapp.WEBAPP_DIR
LANGS = ("zh_CN", "en")


def catalogue(lang: str) -> dict[str, str]:
    data = json.loads((APP / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def used_keys() -> set[str]:
    html = (APP / "index.html").read_text(encoding="utf-8")
    js = "\n".join((APP / f).read_text(encoding="utf-8") for f in ("app.js", "pick.js"))
    keys = set(re.findall(r'data-i18n(?:-placeholder)?="([^"]+)"', html))
    keys |= set(re.findall(r'\bt\("([a-z_]+\.[a-z_]+)"', js))
    # keys made from a prefix and a value: every status and action the API names
    for prefix in ("status", "action"):
        assert f"t(`{prefix}." in js
    return keys


def test_every_text_key_is_in_both_catalogues() -> None:
    zh, en = catalogue("zh_CN"), catalogue("en")
    assert set(zh) == set(en)
    keys = used_keys()
    assert len(keys) > 40
    assert not keys - set(zh), sorted(keys - set(zh))
    for status in ("reported", "registered", "dispatched", "acknowledged", "handling",
                   "responded", "verified", "parked", "closed", "cancelled"):
        assert f"status.{status}" in zh
    for action in ("acknowledge", "arrive", "handle", "respond", "verify", "return"):
        assert f"action.{action}" in zh
    assert zh["queue.badge"].format(n=2) == "2 待发送"
    untranslated = [k for k, v in zh.items() if not re.search(r"[\u4e00-\u9fff]", v)]
    assert untranslated == ["lang.other", "who.plain"]  # "English", "{name}"


def test_no_text_is_hard_coded_in_the_script() -> None:
    for name in ("app.js", "pick.js"):
        code = [line.split("//")[0] for line in
                (APP / name).read_text(encoding="utf-8").splitlines()]
        js = "\n".join(code)
        assert not re.search(r"[\u4e00-\u9fff]", js), f"Chinese text in {name}: use the catalogue"
        assert not re.search(r"\.textContent = \"[A-Za-z]", js)


def test_nothing_comes_from_elsewhere_and_the_worker_keeps_every_file() -> None:
    for f in APP.rglob("*"):
        if f.suffix in (".html", ".js", ".css", ".json"):
            text = f.read_text(encoding="utf-8")
            assert "http://" not in text, f.name
            assert "https://" not in text, f.name
    sw = (APP / "sw.js").read_text(encoding="utf-8")
    listed = re.search(r"const SHELL = \[(.*?)\];", sw, re.S)
    assert listed is not None
    shell = json.loads("[" + listed[1].replace("\n", "") + "]")
    for name in shell:
        if name.startswith("leaflet/"):  # served from the XStatic-Leaflet package
            assert (webapp.LEAFLET_DIR / name.removeprefix("leaflet/")).is_file(), name
        else:
            assert name == "./" or (APP / name).is_file(), name


def test_served_under_app_with_a_strict_policy() -> None:
    app = FastAPI()
    webapp.mount(app)
    transport = httpx.ASGITransport(app=app)

    async def run() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
            r = await http.get("/")
            assert r.status_code == 307
            assert r.headers["location"] == "/app/"
            page = await http.get("/app/")
            assert page.status_code == 200
            assert "text/html" in page.headers["content-type"]
            assert 'id="report-form"' in page.text
            csp = page.headers["content-security-policy"]
            assert "default-src 'self'" in csp
            assert "script-src 'self'" in csp
            assert page.headers["cache-control"] == "no-cache"
            zh = await http.get("/app/i18n/zh_CN.json")
            assert zh.json()["tab.report"] == "上报"
            sw = await http.get("/app/sw.js")
            assert "javascript" in sw.headers["content-type"]
            assert (await http.get("/app/../app.py")).status_code == 404
            leaflet = await http.get("/app/leaflet/leaflet.js")
            assert leaflet.status_code == 200
            assert "javascript" in leaflet.headers["content-type"]
            assert leaflet.headers["content-security-policy"] == csp
            assert (await http.get("/app/leaflet/leaflet.css")).status_code == 200

    import asyncio

    asyncio.run(run())

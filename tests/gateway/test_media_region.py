"""Photos are scoped by region like everything else the server serves: a grid worker reads the
photos of its region's incidents (and its unit's), not another community's; a remote
console's API key issued for a region reads only that region's photos. Refusals are
``403`` JSON errors."""

from __future__ import annotations

import uuid
from typing import Any

from dispatch.adapters.gateway.service import DEMO_OPEN311_KEY
from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.domain.roles import Role
from tests.gateway.conftest import RunningGateway, photo
from tests.gateway.test_field_api import point_in, report, unit_and_class


def test_a_photo_outside_the_region_is_refused(gateway: RunningGateway, catalogue: Any,
                                               demo_city: Any) -> None:
    rg = gateway
    unit, code = unit_and_class(rg, catalogue)
    mine = unit.home_grid[:12]
    other_grid = next(g.code for g in demo_city.grids() if not g.code.startswith(mine))
    author, password = rg.worker("gw-a", scope_of=unit)
    rg.backend.server.operators.add("gw-b", password, Role.FIELD_GATEWAY, other_grid[:12],
                                    "网格员B")
    http = rg.http()
    a = {"Authorization": f"Bearer {rg.login(http, author, password)}"}
    b = {"Authorization": f"Bearer {rg.login(http, 'gw-b', password)}"}
    lead = {"Authorization": f"Bearer {rg.login(http, 'lead', DEMO_PASSWORDS['lead'])}"}
    lon, lat = point_in(demo_city, unit.home_grid)
    made = report(http, a["Authorization"][7:], uuid.uuid4().hex, code, lon, lat, [photo()])
    assert made.status_code == 201, made.text
    media_id = made.json()["media"][0]["media_id"]

    for path in (f"/media/{media_id}", f"/media/{media_id}/thumb"):
        assert http.get(path, headers=a).status_code == 200
        assert http.get(path, headers=lead).status_code == 200  # a city-wide operator
        refused = http.get(path, headers=b)
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"
        assert "region" in refused.json()["message"]
        assert refused.headers["content-type"] == "application/json"

    # keys: the demo's (no region), one for the region, one for another region
    here = rg.gw.keys.issue("console-here", ("open311",), "citizen_app", region=mine[:9])
    there = rg.gw.keys.issue("console-there", ("open311",), "citizen_app",
                             region=other_grid[:12])
    for key, status in ((DEMO_OPEN311_KEY, 200), (here, 200), (there, 403)):
        r = http.get(f"/media/{media_id}", headers={"X-API-Key": key})
        assert r.status_code == status, (key, r.text)
        r = http.get(f"/media/{media_id}/thumb", params={"api_key": key})
        assert r.status_code == status, (key, r.text)
    # an unknown photo stays 404 for everybody
    assert http.get(f"/media/{'0' * 32}", headers=b).status_code == 404

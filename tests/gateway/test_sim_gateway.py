"""The simulator sends part of its field traffic through a live gateway: grid workers'
reports with a generated photo, Open311 requests with the demo key, a patrol phone's pings;
a console's mirror receives the reports with their photos, stored by the gateway."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from dispatch.adapters.gateway.ratelimit import Rate
from dispatch.sim import Simulator
from dispatch.sim.gateway_path import GatewayOptions
from tests.gateway.conftest import RunningGateway
from tests.integration.conftest import RunningServer
from tests.integration.test_sim_run import sim_config


def test_simulator_reports_with_photos_through_the_gateway(
        server_factory: Callable[..., RunningServer],
        gateway_factory: Callable[..., RunningGateway]) -> None:
    rs = server_factory(time_speed=2000)
    # each simulated phone logs in on its own; at 2000× time a phone sends many a second
    rg = gateway_factory(backend=rs, device_rate=Rate(100.0, 200.0))
    mirror = rs.mirror("lead")
    options = GatewayOptions(rg.url, report_share=1.0, open311_share=1.0, patrol_every_s=0.3,
                             photo_size=(320, 240), phones=4)
    sim = Simulator(sim_config(rs, seed=5, incidents_per_hour=40, pings_per_second=50,
                               duration_s=6.0, gateway=options))
    stats = sim.run()
    assert stats.gateway.get("grid_worker", 0) >= 2, stats.summary()
    assert stats.gateway.get("citizen_app", 0) >= 1, stats.summary()
    assert stats.gateway.get("photos", 0) == stats.gateway["grid_worker"]
    assert stats.gateway.get("pings", 0) >= 5, stats.summary()
    assert stats.gateway.get("failed", 0) == 0, stats.summary()
    assert rg.gw.media.count() >= 2  # the photos are in the gateway's media directory
    # every phone had its own login (and server session): 4 phones and the patrol phone
    assert stats.gateway["logins"] == 5, stats.summary()
    logins = [row for row in rs.client("lead").audit(operator="field").rows
              if row["action"] == "login"]
    phones = {json.loads(row["detail"]).get("device_id") for row in logins}
    assert phones >= {"sim-patrol", "sim-phone-01", "sim-phone-02", "sim-phone-03",
                      "sim-phone-04"}, logins
    assert len(rg.gw.devices) == 0  # all logged out when the simulator stopped

    # the console's mirror has the reports, the grid workers' with their photo
    server = rs.state_copy()
    with_photo = [i for i in server.incidents.values()
                  if i.source == "grid_worker" and i.media]
    open311 = [i for i in server.incidents.values() if i.external_ref.startswith("o311-")]
    assert len(with_photo) >= 2
    assert open311
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and mirror.state.seq < server.seq:
        mirror.run_once(100)
    seen = mirror.state.incidents
    for inc in with_photo:
        got = seen[inc.id]
        assert [m.media_id for m in got.media] == [m.media_id for m in inc.media]
        assert got.media[0].kind == "report"
        assert rg.gw.media.path(got.media[0].media_id) is not None
    # the direct path keeps the rest: other sources still arrive
    assert {i.source for i in server.incidents.values()} - {"grid_worker", "citizen_app"}


def test_no_gateway_keeps_the_direct_path(server_factory: Callable[..., RunningServer]) -> None:
    """A gateway that does not answer: the simulator logs it and sends everything directly."""
    rs = server_factory(time_speed=2000)
    options = GatewayOptions("http://127.0.0.1:9", timeout_s=1.0)
    stats = Simulator(sim_config(rs, seed=5, incidents_per_hour=40, pings_per_second=50,
                                 duration_s=3.0, gateway=options)).run()
    assert stats.gateway == {}
    assert stats.reports.get("grid_worker", 0) >= 1
    assert not any(i.media for i in rs.state_copy().incidents.values())



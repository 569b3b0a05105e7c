"""Access that outlives its grant, and the audit that records it: each attack of the "trust
edges" review replayed on real CURVE sockets against a running server (SQLite and PostgreSQL
where the operator table or the audit trail is involved)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dispatch.adapters.client import ClientCurve
from dispatch.adapters.security.keys import (
    allow_client,
    allow_feed_client,
    ensure_client_keys,
    revoke_client,
    server_public_key,
)
from dispatch.adapters.security.operators import DEMO_PASSWORDS, OperatorDirectory
from dispatch.domain import commands as cmd
from dispatch.domain.errors import Conflict, DispatchError, Forbidden, Unavailable
from tests.integration.conftest import RunningServer
from tests.integration.test_server_commands import a_class, point_in, report
from tests.security.trust_helpers import (
    RawSub,
    audit_actions,
    client_on,
    wait_until,
    workstation_keys,
)

Start = Callable[..., RunningServer]


@pytest.fixture
def secure(store_url: str, server_factory: Start) -> RunningServer:
    """A CURVE server (Ironhouse) on SQLite and on PostgreSQL."""
    return server_factory(store_url, insecure=False)


def refused(fn: Callable[[], Any]) -> DispatchError:
    try:
        fn()
    except DispatchError as err:
        return err
    raise AssertionError("the request was not refused")


# ------------------------------------------------------------------- keys, revocation


def test_revoked_key_loses_commands_feed_and_login_within_a_second(secure: RunningServer
                                                                   ) -> None:
    rs = secure
    ws = workstation_keys(rs, "ws-rev")
    c = client_on(rs, ws, "lead")
    report(rs, c)  # works while enrolled
    sub = RawSub(rs, ws, b"")
    wait_until(lambda: (sub.pump(), sub.heartbeats())[1], what="feed while enrolled")
    revoke_client(rs.settings.data_dir, "ws-rev")
    wait_until(lambda: audit_actions(rs, "key_revoked"), 3, "revocation noticed")
    err = refused(lambda: report(rs, c))
    assert isinstance(err, Forbidden)
    assert "not (or no longer) enrolled" in err.message
    with pytest.raises(DispatchError):
        c.login("lead", DEMO_PASSWORDS["lead"], "ws-rev")
    # its subscription was dropped; a reconnect fails the handshake: nothing more arrives
    wait_until(lambda: (sub.pump(20), rs.server.stats.feed_resets >= 1)[1], what="feed reset")
    sub.pump(100)
    seen = len(sub.keys)
    lead = rs.client("lead")
    report(rs, lead)
    sub.pump(int(3 * rs.settings.hugz_interval_s * 1000))
    assert len(sub.keys) == seen
    sub.close()
    rows = audit_actions(rs, "key_revoked")
    assert rows[-1].workstation == "ws-rev"
    assert '"sessions_closed": 1' in rows[-1].detail


def test_enrolment_takes_effect_without_restart(secure: RunningServer) -> None:
    rs = secure
    ws = workstation_keys(rs, "ws-new", enrol=False)
    c = client_on(rs, ws, None, timeout_s=0.5)
    with pytest.raises(Unavailable):  # not enrolled: the handshake fails, no answer at all
        c.login("lead", DEMO_PASSWORDS["lead"], "x")
    from dispatch.adapters.security.keys import allow_client

    allow_client(rs.settings.data_dir, ws.public, "ws-new")
    wait_until(lambda: audit_actions(rs, "key_enrolled"), 3, "enrolment noticed")
    c2 = client_on(rs, ws, "lead")
    assert c2.login_info is not None
    assert c2.login_info.workstation == "ws-new"


def test_disabled_operator_loses_its_session_within_a_second(secure: RunningServer) -> None:
    rs = secure
    c = rs.client("disp")
    report(rs, c, prefix=c.login_info.scope if c.login_info else "")
    assert rs.server.store is not None
    OperatorDirectory(rs.server.store.engine).disable("disp", actor="cli:test")
    wait_until(lambda: audit_actions(rs, "session_closed"), 3, "session closed")
    c._credentials = None  # no automatic re-login: show the refusal itself
    err = refused(lambda: report(rs, c))
    assert "log in again" in err.message
    with pytest.raises(Forbidden):
        c.login("disp", DEMO_PASSWORDS["disp"], "ws")


def test_scope_change_closes_sessions(secure: RunningServer) -> None:
    rs = secure
    c = rs.client("disp")
    assert rs.server.store is not None
    from sqlalchemy import update

    from dispatch.adapters.store.security_schema import operators

    districts = sorted({g.code[:6] for g in rs.server.engine.city.grids()})
    with rs.server.store.engine.begin() as conn:
        conn.execute(update(operators).where(operators.c.username == "disp")
                     .values(scope=districts[-1], updated_at=1e10))
    wait_until(lambda: audit_actions(rs, "session_closed"), 3, "session closed")
    me = c.query("whoami")  # logs in again by itself and gets the new scope
    assert me["scope"] == districts[-1]


# ------------------------------------------------------------------------ sessions, feed


def test_token_is_bound_to_the_key_that_opened_it(secure: RunningServer) -> None:
    rs = secure
    lead = rs.client("lead")
    other = client_on(rs, workstation_keys(rs, "ws-thief"), None)
    other.session = lead.session  # a stolen token
    err = refused(lambda: other.query("whoami"))
    assert "log in again" in err.message
    rows = audit_actions(rs, "refused")
    assert rows
    assert rows[-1].workstation == "ws-thief"


def test_workstation_is_the_enrolled_name_not_the_claim(secure: RunningServer) -> None:
    rs = secure
    c = client_on(rs, workstation_keys(rs, "ws-real"), "lead", workstation="ws-fake")
    assert c.login_info is not None
    assert c.login_info.workstation == "ws-real"
    iid = report(rs, c)
    inc_events = [e for e in c.history(incident_id=iid)]
    assert {e["workstation"] for e in inc_events} == {"ws-real"}
    logins = audit_actions(rs, "login")
    assert logins[-1].workstation == "ws-real"


def test_feed_follows_the_session_open_now(secure: RunningServer) -> None:
    rs = secure
    ws = workstation_keys(rs, "ws-feed")
    c = client_on(rs, ws, "lead")
    sub = RawSub(rs, ws, b"/", b"HUGZ")
    lead2 = rs.client("lead")
    wait_until(lambda: (report(rs, lead2), sub.pump(100), sub.data_keys())[2],
               what="city-wide updates while the lead session is open")
    c.logout()
    wait_until(lambda: rs.server.stats.feed_resets >= 1, what="feed reset at logout")
    # the SUB reconnects and subscribes again: refused now (no session on this key)
    wait_until(lambda: (sub.pump(20), rs.server.stats.feed_refused >= 1)[1],
               what="resubscription refused")
    sub.pump(100)
    seen = len(sub.data_keys())
    report(rs, lead2)
    sub.pump(int(3 * rs.settings.hugz_interval_s * 1000))
    assert len(sub.data_keys()) == seen
    # a district dispatcher on the same key now gets its district only
    c.login("disp", DEMO_PASSWORDS["disp"], "")
    assert c.login_info is not None
    district = c.login_info.subtree.encode()
    sub2 = RawSub(rs, ws, b"/", district)
    scope = c.login_info.scope
    wait_until(lambda: (report(rs, lead2, prefix=scope), sub2.pump(100),
                        sub2.data_keys())[2], what="district updates")
    report(rs, lead2, prefix=next(g.code for g in rs.server.engine.city.grids()
                                  if not g.code.startswith(scope)))
    report(rs, lead2, prefix=scope)
    sub2.pump(int(2 * rs.settings.hugz_interval_s * 1000))
    assert sub2.data_keys()
    assert all(k.startswith(district) for k in sub2.data_keys())
    sub.close()
    sub2.close()


def test_session_lifetime_is_configurable(store_url: str, server_factory: Start) -> None:
    rs = server_factory(store_url, insecure=False, session_ttl_h=1.0 / 3600)  # one second
    c = rs.client("lead")
    c._credentials = None
    wait_until(lambda: audit_actions(rs, "session_expired"), 5, "session expired")
    err = refused(lambda: c.query("whoami"))
    assert "log in again" in err.message


def test_feed_key_reads_its_region_without_login(secure: RunningServer) -> None:
    rs = secure
    import zmq

    from dispatch.adapters.client import ClientCurve
    from dispatch.adapters.security.keys import ensure_client_keys, server_public_key

    districts = sorted({g.code[:6] for g in rs.server.engine.city.grids()})
    data = rs.settings.data_dir / "ws" / "wall-ext"
    pub, sec = ensure_client_keys(data, "wall-ext")
    allow_feed_client(rs.settings.data_dir, pub, "wall-ext", districts[0])
    wait_until(lambda: audit_actions(rs, "key_enrolled"), 3, "feed key enrolled")
    curve = ClientCurve(pub, sec, server_public_key(rs.settings.data_dir))
    ctx = zmq.Context()
    dealer = ctx.socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 0)
    curve.apply(dealer)
    dealer.connect(rs.endpoints.snapshot)

    def snapshot(subtree: bytes) -> list[list[bytes]]:
        dealer.send_multipart([b"ICANHAZ?", subtree])  # RFC 12: no token frame
        got: list[list[bytes]] = []
        while dealer.poll(5000):
            frames = dealer.recv_multipart()
            got.append(frames)
            if frames[0] == b"KTHXBAI":
                return got
        raise AssertionError("no KTHXBAI")

    mine = snapshot(f"/{districts[0]}/".encode())
    keys = [f[0] for f in mine if b"/unit/" in f[0] or b"/inc/" in f[0]]
    assert keys
    assert all(k.startswith(f"/{districts[0]}/".encode()) for k in keys)
    city = snapshot(b"")
    assert not [f for f in city if b"/unit/" in f[0] or b"/inc/" in f[0]]
    # updates: its district, never the city
    district = f"/{districts[0]}/".encode()
    sub = RawSub(rs, curve, district, b"HUGZ")
    city_sub = RawSub(rs, curve, b"/")
    lead = rs.client("lead")
    wait_until(lambda: (report(rs, lead, prefix=districts[0]), sub.pump(100),
                        sub.data_keys())[2], what="the feed key's district updates")
    wait_until(lambda: rs.server.stats.feed_refused >= 1, what="city subscription refused")
    report(rs, lead, prefix=districts[-1])
    report(rs, lead, prefix=districts[0])
    sub.pump(int(2 * rs.settings.hugz_interval_s * 1000))
    city_sub.pump(100)
    assert all(k.startswith(district) for k in sub.data_keys())
    assert not city_sub.data_keys()
    c = client_on(rs, curve, None)
    with pytest.raises(Forbidden):  # a feed key cannot log in, so sends no command
        c.login("lead", DEMO_PASSWORDS["lead"], "")
    for s_ in (sub, city_sub):
        s_.close()
    dealer.close()
    ctx.term()


# ------------------------------------------------------------------------ replies, audit


def test_reply_cache_is_per_operator_and_checks_content(secure: RunningServer) -> None:
    rs = secure
    lead, disp = rs.client("lead"), rs.client("disp")
    lon, lat, _ = point_in(rs)
    command = cmd.ReportIncident("hotline", a_class(rs), lon, lat, "路灯不亮")
    cid = uuid.uuid4().hex
    first = lead.execute(command, command_id=cid)
    again = lead.execute(command, command_id=cid)  # a retry: the same answer
    assert again.result == first.result
    err = refused(lambda: disp.execute(command, command_id=cid))  # someone else's id
    assert isinstance(err, Conflict)
    changed = cmd.ReportIncident("hotline", a_class(rs), lon, lat, "另一件事")
    err = refused(lambda: lead.execute(changed, command_id=cid))  # same id, other content
    assert isinstance(err, Conflict)
    bogus = client_on(rs, rs.curve(), None)
    bogus.session = "not-a-session"
    err = refused(lambda: bogus.execute(command, command_id=cid))
    assert "log in again" in err.message
    assert len([i for i in rs.state.incidents.values() if i.description == "另一件事"]) == 0


def test_every_refusal_is_audited_and_a_full_audit_refuses(secure: RunningServer) -> None:
    rs = secure
    c = rs.client("wall")
    lon, lat, _ = point_in(rs)
    err = refused(lambda: c.execute(cmd.ReportIncident("hotline", a_class(rs), lon, lat, "x")))
    assert isinstance(err, Forbidden)
    rows = audit_actions(rs, "refused")
    assert rows[-1].operator == "wall"
    assert '"error": "forbidden"' in rows[-1].detail
    rs.server.audit.max_pending = 0  # saturated
    err = refused(lambda: c.execute(cmd.ReportIncident("hotline", a_class(rs), lon, lat, "y")))
    assert isinstance(err, Unavailable)
    with pytest.raises(Unavailable):
        rs.client("lead")
    rs.server.audit.max_pending = 1000
    assert rs.client("lead").login_info is not None


# ------------------------------------------------------------------------------- abuse


def test_login_throttle_delays_then_locks_and_is_audited(store_url: str,
                                                         server_factory: Start) -> None:
    # a delay long enough that the next attempt surely comes within it, whatever the load
    # (with 0.05 s a slow round trip outlived it and the refusal was never a delay)
    rs = server_factory(store_url, insecure=False, login_free_failures=1,
                        login_lockout_failures=3, login_delay_s=1.0)
    c = client_on(rs, rs.curve(), None)
    messages: list[str] = []

    def attempt() -> bool:
        err = refused(lambda: c.login("disp", "wrong-password", ""))
        messages.append(err.message)
        return "locked" in err.message

    wait_until(attempt, 10, "locked after repeated failures")  # delays, then the lockout
    assert any("slowed down" in m and "try again in" in m for m in messages)
    # locked now: even the right password is refused for a while
    err = refused(lambda: c.login("disp", DEMO_PASSWORDS["disp"], ""))
    assert "locked" in err.message or "slowed" in err.message
    assert audit_actions(rs, "login_failed")
    assert audit_actions(rs, "login_throttled")
    assert audit_actions(rs, "login_locked")
    # another account on another workstation is not locked out
    other = client_on(rs, workstation_keys(rs, "ws-other"), "lead")
    assert other.login_info is not None


def test_a_relay_keys_failed_logins_lock_only_that_device(store_url: str,
                                                         server_factory: Start) -> None:
    """The field gateway logs in for every phone through one key, enrolled as a relay: the
    throttle counts a device's failures under the device it names, so a guesser behind one
    address locks that address out, never the other phones; a workstation key naming a device
    gets no such split."""
    rs = server_factory(store_url, insecure=False, login_free_failures=1,
                        login_lockout_failures=3, login_delay_s=0.05)
    data = Path(rs.settings.data_dir) / "ws" / "relay"
    public, secret = ensure_client_keys(data, "relay")
    allow_client(rs.settings.data_dir, public, "relay", relay=True)
    auth = rs.server.authenticator
    wait_until(lambda: auth.entry(public) is not None, 3, "relay enrolled")
    relay = client_on(rs, ClientCurve(public, secret, server_public_key(rs.settings.data_dir)),
                      None)

    def login(user: str, password: str, device: str) -> DispatchError | None:
        try:
            relay.request("login", {"user": user, "password": password, "workstation": "",
                                    "device": device})
        except DispatchError as err:
            return err
        return None

    def guess() -> bool:  # other accounts each time: only the device's count can lock
        err = login(f"nobody{len(tries)}", "wrong-password", "10.0.0.66")
        tries.append(err)
        return err is not None and "locked" in err.message

    tries: list[DispatchError | None] = []
    wait_until(guess, 10, "the guessing device locked")
    assert login("disp", DEMO_PASSWORDS["disp"], "10.0.0.66") is not None  # still locked
    assert login("disp", DEMO_PASSWORDS["disp"], "10.0.0.7") is None  # another phone: fine
    relay.request("login", {"user": "disp", "password": DEMO_PASSWORDS["disp"],
                            "workstation": "", "device": "10.0.0.8", "device_id": "phone-8"})
    # the audit names the device each login was for (its address, its own name)
    named = [json.loads(e.detail) for e in audit_actions(rs, "login")]
    assert {"device": "10.0.0.7", "device_id": ""}.items() <= named[-2].items()
    assert {"device": "10.0.0.8", "device_id": "phone-8"}.items() <= named[-1].items()
    locked = audit_actions(rs, "login_locked")
    assert locked
    assert '"subject": "key"' in locked[-1].detail

    # a workstation key's 'device' is ignored: its failures add up on the key
    ws = client_on(rs, workstation_keys(rs, "ws-devices"), None)

    guesses = iter(range(1000))

    def ws_guess() -> bool:  # a new account and a new 'device' each time
        i = next(guesses)
        try:
            ws.request("login", {"user": f"nobody-ws{i}", "password": "wrong-password",
                                 "workstation": "", "device": f"10.0.1.{i}"})
        except DispatchError as err:
            return "locked" in err.message
        return False

    wait_until(ws_guess, 10, "the workstation key locked")
    err = refused(lambda: ws.login("lead", DEMO_PASSWORDS["lead"], ""))  # never failed itself
    assert "locked" in err.message or "slowed" in err.message


def test_one_keys_login_flood_does_not_shut_others_out(secure: RunningServer) -> None:
    rs = secure
    import zmq

    from dispatch.adapters.protocol.messages import Request

    flood_curve = workstation_keys(rs, "ws-flood")
    ctx = zmq.Context()
    dealer = ctx.socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 0)
    flood_curve.apply(dealer)
    dealer.connect(rs.endpoints.command)
    for i in range(300):  # fire and forget: 300 logins with wrong passwords
        req = Request(id=f"flood-{i}", type="login", session="",
                      args={"user": f"user{i}", "password": "wrong-password",
                            "workstation": ""})
        dealer.send_multipart([b"", req.to_json()])
    ok = client_on(rs, workstation_keys(rs, "ws-calm"), "lead", timeout_s=5.0)
    assert ok.login_info is not None
    dealer.close()
    ctx.term()


def test_subscription_topics_are_bounded(secure: RunningServer) -> None:
    rs = secure
    ws = workstation_keys(rs, "ws-subs")
    client_on(rs, ws, "lead")
    before = rs.server.stats.feed_refused
    sub = RawSub(rs, ws, b"/" + b"x" * 300, b"HUGZ")
    wait_until(lambda: rs.server.stats.feed_refused > before, what="long topic refused")
    many = RawSub(rs, ws, *[f"/{i:06d}/".encode() for i in range(80)])
    wait_until(lambda: rs.server.stats.feed_refused >= before + 1 + 80 - 64,
               what="subscriptions beyond the per-key limit refused")
    huge = RawSub(rs, ws, b"/" + b"y" * 100_000)  # over MAXMSGSIZE: the peer is dropped
    huge.pump(200)
    assert rs.server.access.subscribe(b"/" + b"z" * 10, None).allowed is False
    for s in (sub, many, huge):
        s.close()

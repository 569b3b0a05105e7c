"""The administrator's tools on a running server: enrol/revoke keys with the clients CLI (the
server notices within a second) and prune the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import zmq.auth

from dispatch.adapters.security.keys import client_entries, clients_dir, ensure_client_keys
from dispatch.adapters.security.operators import DEMO_PASSWORDS, audit, read_audit
from dispatch.domain.errors import DispatchError
from dispatch.entrypoints import clients as clients_cli
from dispatch.entrypoints import operators as operators_cli
from tests.integration.conftest import RunningServer
from tests.security.trust_helpers import audit_actions, client_on, wait_until

Start = Callable[..., RunningServer]


def test_clients_cli_enrols_lists_and_revokes_on_a_running_server(
        server_factory: Start, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rs = server_factory(insecure=False)
    data = rs.settings.data_dir
    pub, sec = ensure_client_keys(tmp_path / "ws-cli", "ws-cli")
    cert = tmp_path / "ws-cli" / "keys" / "ws-cli.key"
    assert clients_cli.main(["--data-dir", str(data), "enrol", "ws-cli", str(cert)]) == 0
    wallpub, _ = zmq.curve_keypair()
    assert clients_cli.main(["--data-dir", str(data), "enrol-feed", "wall-e",
                             wallpub.decode(), "--scope", "320508"]) == 0
    entries = client_entries(clients_dir(data))
    assert entries["ws-cli"].key == pub
    assert not entries["ws-cli"].feed_only
    assert entries["wall-e"].feed_only
    assert entries["wall-e"].scope == "320508"
    capsys.readouterr()
    assert clients_cli.main(["--data-dir", str(data), "list"]) == 0
    listing = capsys.readouterr().out
    assert "ws-cli" in listing
    assert "wall-e" in listing
    assert "320508" in listing
    from dispatch.adapters.client import ClientCurve
    from dispatch.adapters.security.keys import server_public_key

    curve = ClientCurve(pub, sec, server_public_key(data))
    auth = rs.server.authenticator
    wait_until(lambda: auth.entry(pub) is not None, 3, "enrolment noticed")
    c = client_on(rs, curve, "lead")
    assert c.login_info is not None
    assert c.login_info.workstation == "ws-cli"
    assert clients_cli.main(["--data-dir", str(data), "revoke", "ws-cli"]) == 0
    wait_until(lambda: auth.entry(pub) is None, 3, "revocation noticed")
    with pytest.raises(DispatchError):
        c.query("whoami")
    assert clients_cli.main(["--data-dir", str(data), "revoke", "ws-cli"]) == 1
    assert clients_cli.main(["--data-dir", str(data), "enrol", "bad/name", str(cert)]) == 1
    assert clients_cli.main(["--data-dir", str(data), "enrol-feed", "w2", wallpub.decode(),
                             "--scope", "12"]) == 1
    assert [r.workstation for r in audit_actions(rs, "key_revoked")] == ["ws-cli"]


def test_a_malformed_certificate_keeps_the_old_allow_list(server_factory: Start) -> None:
    rs = server_factory(insecure=False)
    (clients_dir(rs.settings.data_dir) / "junk.key").write_text("not a certificate\n")
    wait_until(lambda: audit_actions(rs, "allow_list_invalid"), 3, "bad file noticed")
    c = rs.client("lead")  # the console key still works
    assert c.login_info is not None


def test_prune_audit_keeps_recent_lines_and_audits_itself(store_url: str) -> None:
    from dispatch.adapters.store.event_store import EventStore

    store = EventStore(store_url)
    try:
        audit(store.engine, "old", "ws", "login", "", ts=1.0)
        audit(store.engine, "new", "ws", "login", "")
        assert operators_cli.main(["--db", store_url, "prune-audit", "--keep-days", "0.5"]) == 1
        assert operators_cli.main(["--db", store_url, "prune-audit", "--keep-days", "30"]) == 0
        rows = read_audit(store.engine)
        assert [r.operator for r in rows if r.action == "login"] == ["new"]
        assert [r.action for r in rows][-1] == "audit_pruned"
        assert '"deleted": 1' in rows[-1].detail
    finally:
        store.close()


def test_demo_passwords_are_not_accepted_after_disable_from_the_cli(
        server_factory: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    rs = server_factory(insecure=False)
    c = rs.client("disp")
    assert rs.server.store is not None
    url = rs.settings.database_url
    assert operators_cli.main(["--db", url, "disable", "disp"]) == 0
    wait_until(lambda: audit_actions(rs, "session_closed"), 3, "session closed")
    c._credentials = None
    with pytest.raises(DispatchError):
        c.query("whoami")
    with pytest.raises(DispatchError):
        c.login("disp", DEMO_PASSWORDS["disp"], "")

"""The device sessions' journal (``<data dir>/gateway/sessions.jsonl``) without a server: what
a restarted gateway reads back, that no token is in it, that a logout and an idle session stay
ended, that a line cut short by a crash is skipped and the journal compacted."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from dispatch.adapters.gateway.auth import DeviceSessions
from dispatch.adapters.gateway.errors import ApiError

LOGIN: dict[str, object] = {"operator": "gw01", "display_name": "网格员", "role": "field_gateway",
                            "scope": "320508001001"}


def test_sessions_are_read_back_and_logouts_stay(tmp_path: Path) -> None:
    d = tmp_path / "gateway"
    first = DeviceSessions(d)
    tokens = [first.open(f"server-{n}", LOGIN, "U-1", device_id=f"phone-{n}")[0]
              for n in range(5)]
    first.get(tokens[1])
    assert first.drop(tokens[0]) is not None
    first.flush()
    text = (d / "sessions.jsonl").read_text(encoding="utf-8")
    assert not any(t in text for t in tokens)
    assert (d / "sessions.jsonl").stat().st_mode & 0o077 == 0
    again = DeviceSessions(d)
    assert len(again) == 4
    dev = again.get(tokens[1])
    assert (dev.session, dev.operator, dev.unit_id, dev.device_id) == ("server-1", "gw01",
                                                                      "U-1", "phone-1")
    with pytest.raises(ApiError) as info:
        again.get(tokens[0])
    assert info.value.code == "unauthorized"


def test_idle_sessions_end_across_a_restart(tmp_path: Path) -> None:
    d = tmp_path / "gateway"
    token, _ = DeviceSessions(d, idle_ttl_s=60).open("s", LOGIN, "")
    # as if the gateway had stopped two minutes after the session's last request
    [line] = (d / "sessions.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    record["open"]["last_seen"] = time.time() - 120
    (d / "sessions.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert len(DeviceSessions(d, idle_ttl_s=3600)) == 1
    idle = DeviceSessions(d, idle_ttl_s=60)
    assert len(idle) == 0
    with pytest.raises(ApiError):
        idle.get(token)


def test_a_line_cut_short_is_skipped_and_the_journal_compacted(tmp_path: Path) -> None:
    d = tmp_path / "gateway"
    first = DeviceSessions(d)
    token, _ = first.open("s", LOGIN, "")
    with (d / "sessions.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"open": {"key": "abc", "sess')  # the gateway died while writing
    again = DeviceSessions(d)
    assert len(again) == 1
    assert again.get(token).operator == "gw01"
    other, _ = again.open("s2", LOGIN, "")
    third = DeviceSessions(d)
    assert len(third) == 2
    assert third.get(other).session == "s2"

"""The state at an instant as ``state_at`` carries it (dispatch.domain.state_wire) and its
bounded rebuild (dispatch.services.rebuild): states recorded live through a scenario of every
event kind come back equal, whole or limited to a region; a reader with other record fields
reads the rows by name; a rebuild over its bounds is refused saying why."""

from __future__ import annotations

import base64
import zlib

import orjson
import pytest

from dispatch.domain.errors import Unavailable
from dispatch.domain.state import DispatchState
from dispatch.domain.state_wire import decode_state, encode_state, scoped_copy
from dispatch.services import rebuild as rebuild_module
from dispatch.services.rebuild import rebuild
from tests.domain.replay_scenario import Recorded, recorded_fixture

recorded = recorded_fixture("state_wire")


def test_states_of_every_event_kind_come_back_equal(recorded: Recorded) -> None:
    seqs = sorted(recorded.live)
    for seq in [*seqs[:: max(1, len(seqs) // 12)], seqs[-1]]:
        live = recorded.live[seq]
        answer = encode_state(scoped_copy(live, ""))
        got = decode_state(orjson.loads(orjson.dumps(answer)))  # through JSON, as on the wire
        assert got == live
        assert (answer["ev"], answer["count"]) == (seq, len(live.incidents) + len(live.units))
        assert got.contacts == {}  # callers' numbers never travel


def test_a_region_gets_its_records_only(recorded: Recorded) -> None:
    live = recorded.live[recorded.last_seq]
    scope = sorted(i.grid for i in live.incidents.values())[0][:9]  # a street with incidents
    got = decode_state(encode_state(scoped_copy(live, scope)))
    assert got.incidents
    assert got.incidents == {k: v for k, v in live.incidents.items() if v.grid.startswith(scope)}
    assert got.units == {k: v for k, v in live.units.items() if v.home_grid.startswith(scope)}
    assert all(h.grid.startswith(scope) for h in got.hazards.values())
    assert got.run_cards == live.run_cards
    assert len(got.incidents) < len(live.incidents)


def test_rows_are_read_by_name_when_the_fields_differ(recorded: Recorded) -> None:
    """A newer server's records with a field this reader does not know, and without one it
    has (an older server's): unknown ones ignored, missing ones take their defaults."""
    live = recorded.live[recorded.last_seq]
    answer = encode_state(scoped_copy(live, ""))
    block = orjson.loads(zlib.decompress(base64.b64decode(answer["records_z"])))
    names = block["incidents_fields"]
    drop = names.index("reopen_count")
    block["incidents_fields"] = [n for n in names if n != "reopen_count"] + ["next_year"]
    block["incidents"] = [[v for i, v in enumerate(row) if i != drop] + ["?"]
                          for row in block["incidents"]]
    answer["records_z"] = base64.b64encode(zlib.compress(orjson.dumps(block))).decode()
    got = decode_state(answer)
    assert got.incidents.keys() == live.incidents.keys()
    assert all(i.reopen_count == 0 for i in got.incidents.values())
    assert got.units == live.units


@pytest.mark.parametrize("broken", [
    {"encoding": "gzip"}, {"records_z": "not base64 at all!"},
    {"records_z": base64.b64encode(b"not zlib").decode()},
    {"records_z": base64.b64encode(zlib.compress(b'{"incidents": [[1, 2]], '
                                                 b'"incidents_fields": ["id"]}')).decode()},
])
def test_a_malformed_answer_is_a_value_error(broken: dict[str, str]) -> None:
    answer = {**encode_state(DispatchState()), **broken}
    with pytest.raises(ValueError, match="state_at"):
        decode_state(answer)


def test_rebuild_from_the_nearest_snapshot_and_its_bounds(
        recorded: Recorded, monkeypatch: pytest.MonkeyPatch) -> None:
    store = recorded.store
    snaps = store.snapshot_seqs()
    assert len(snaps) >= 2
    target = min(s for s in recorded.live if s > snaps[1] + 3)  # after a whole command
    n = target - snaps[1]
    got = rebuild(store, seq=target)
    assert (got.snapshot_seq, got.applied) == (snaps[1], n)
    assert got.state == recorded.live[target]
    assert rebuild(store, seq=target, max_events=n).state == recorded.live[target]
    with pytest.raises(Unavailable, match=f"{n:,} events after the nearest stored snapshot "
                                          f"\\(event {snaps[1]:,}\\)"):
        rebuild(store, seq=target, max_events=n - 1)
    monkeypatch.setattr(rebuild_module, "CHECK_EVERY", 1)
    with pytest.raises(Unavailable, match=f"rebuilding the state at event {target:,} took "
                                          "longer than 0 s"):
        rebuild(store, seq=target, max_seconds=0.0)

"""The server's audit writer on real SQLite and PostgreSQL: batches, a bounded queue that
refuses instead of dropping, and a row the database refuses never blocks the rest."""

from __future__ import annotations

from dispatch.adapters.security.operators import read_audit
from dispatch.adapters.server.audit_log import AuditWriter, row
from dispatch.adapters.store.event_store import EventStore


def test_rows_are_stored_and_a_poison_row_is_sanitized(store_url: str) -> None:
    store = EventStore(store_url)
    writer = AuditWriter(store.engine)
    writer.start()
    try:
        assert writer.write(row("a", "ws-1", "login", {"k": "井盖"}, incident_id="E000001"),
                            row("b\ud800", "ws-1", "refused", "bad text"),  # unencodable
                            row("c", "ws-1", "logout", "nul\x00inside",
                                incident_id="x" * 100))
        assert writer.flush(10)
        rows = read_audit(store.engine)
        assert [r.action for r in rows] == ["login", "refused", "logout"]
        assert rows[0].detail == '{"k": "井盖"}'
        assert rows[1].operator == "b?"  # stored, the unencodable character replaced
        assert "\x00" not in rows[2].detail
    finally:
        writer.stop()
        store.close()


def test_a_full_queue_refuses_whole_writes(store_url: str) -> None:
    store = EventStore(store_url)
    writer = AuditWriter(store.engine, max_pending=2)  # not started: nothing drains
    try:
        assert writer.room(2)
        assert not writer.room(3)
        assert writer.write(row("a", "w", "x"), row("b", "w", "y"))
        assert not writer.write(row("c", "w", "z"))
        assert writer.refused == 1
        assert writer.pending == 2
        writer.start()
        assert writer.flush(10)
        assert [r.operator for r in read_audit(store.engine)] == ["a", "b"]
    finally:
        writer.stop()
        store.close()

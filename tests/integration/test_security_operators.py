"""Operator accounts, password hashes, the audit trail and migration 0002 on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from dispatch.adapters.security.operators import (
    DEMO_PASSWORDS,
    LOGIN_FAILED,
    Operator,
    OperatorDirectory,
    audit,
    hash_password,
    read_audit,
    verify_password,
)
from dispatch.adapters.store import EventStore
from dispatch.adapters.store.migrations import upgrade
from dispatch.domain.errors import Forbidden
from dispatch.domain.roles import Role
from dispatch.entrypoints import operators as operators_cli

DISTRICTS = ["320508", "320505"]


@pytest.fixture
def store(store_url: str) -> Iterator[EventStore]:
    s = EventStore(store_url)
    yield s
    s.close()


@pytest.fixture
def directory(store: EventStore) -> OperatorDirectory:
    return OperatorDirectory(store.engine)


# ------------------------------------------------------------------------------- passwords

def test_password_hash_round_trip() -> None:
    stored = hash_password("correct horse 电池")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2 ** 14), "8", "1")
    assert len(salt) == 24
    assert len(digest) == 44
    assert verify_password("correct horse 电池", stored)
    assert not verify_password("correct horse 电池 ", stored)
    assert not verify_password("Correct horse 电池", stored)
    assert hash_password("correct horse 电池") != stored  # a fresh salt every time


def test_password_is_unicode_normalized() -> None:
    stored = hash_password("caf\u00e9-password")          # é precomposed
    assert verify_password("cafe\u0301-password", stored)  # e + combining accent


@pytest.mark.parametrize("stored", [
    "", "plain", "scrypt$16384$8$1$AAAA", "bcrypt$16384$8$1$AAAA$AAAA",
    "scrypt$16385$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",      # n not a power of two
    "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # n far too large
    "scrypt$16384$8$1$!!!$AAAA",
])
def test_malformed_stored_hash_never_verifies(stored: str) -> None:
    assert verify_password("anything-at-all", stored) is False


# ------------------------------------------------------------------------------- directory

def test_add_and_authenticate(directory: OperatorDirectory) -> None:
    op = directory.add("Zhang.Wei", "s3cret-pass", "dispatcher", "320508001", "张伟")
    assert op == Operator(user="zhang.wei", display_name="张伟", role=Role.DISPATCHER,
                          scope="320508001", disabled=False)
    assert directory.authenticate("zhang.wei", "s3cret-pass") == op
    assert directory.authenticate("  ZHANG.WEI ", "s3cret-pass") == op  # names ignore case
    assert directory.get("zhang.wei") == op
    assert directory.list() == [op]


def test_same_error_for_unknown_user_wrong_password_and_disabled(
        directory: OperatorDirectory) -> None:
    directory.add("lead1", "right-password", Role.SHIFT_LEAD)
    messages = []
    for user, password in [("nobody", "right-password"), ("lead1", "wrong-password"),
                           ("lead1", ""), ("x", "right-password"), ("", "")]:
        with pytest.raises(Forbidden) as info:
            directory.authenticate(user, password)
        messages.append(info.value.message)
    directory.disable("lead1")
    with pytest.raises(Forbidden) as info:
        directory.authenticate("lead1", "right-password")
    messages.append(info.value.message)
    assert set(messages) == {LOGIN_FAILED}
    assert info.value.code == "forbidden"
    lead1 = directory.get("lead1")
    assert lead1 is not None
    assert lead1.disabled
    directory.enable("lead1")
    assert directory.authenticate("lead1", "right-password").user == "lead1"


def test_unknown_user_costs_a_hash_check(directory: OperatorDirectory) -> None:
    directory.add("lead1", "right-password", Role.SHIFT_LEAD)

    def timed(user: str) -> float:
        t0 = time.perf_counter()
        with pytest.raises(Forbidden):
            directory.authenticate(user, "wrong-password")
        return time.perf_counter() - t0

    timed("nobody")  # warm the dummy hash
    unknown = min(timed("nobody") for _ in range(3))
    known = min(timed("lead1") for _ in range(3))
    assert unknown > 0.3 * known  # both run scrypt; no fast path that reveals user names


def test_set_password(directory: OperatorDirectory) -> None:
    directory.add("disp1", "first-password", Role.DISPATCHER, "320508")
    directory.set_password("disp1", "second-password")
    with pytest.raises(Forbidden):
        directory.authenticate("disp1", "first-password")
    assert directory.authenticate("disp1", "second-password").scope == "320508"
    with pytest.raises(ValueError, match="no operator"):
        directory.set_password("ghost", "whatever-long")
    with pytest.raises(ValueError, match="at least 8"):
        directory.set_password("disp1", "short")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"user": "1abc"}, "user name"),
    ({"user": "a"}, "user name"),
    ({"user": "has space"}, "user name"),
    ({"user": "张伟"}, "user name"),
    ({"user": "x" * 33}, "user name"),
    ({"password": "short"}, "at least 8"),
    ({"password": "x" * 1025}, "at most 1024"),
    ({"role": "superuser"}, "unknown role"),
    ({"role": "system"}, "system role"),
    ({"scope": "32050"}, "scope"),
    ({"scope": "3205080011"}, "scope"),
    ({"scope": "32050800a"}, "scope"),
    ({"scope": "３２０５０８"}, "scope"),  # full-width digits are not ASCII digits
    ({"scope": "320500"}, "city code"),
    ({"role": "dispatcher", "scope": ""}, "dispatcher is limited to a region"),
])
def test_add_validation(directory: OperatorDirectory, kwargs: dict[str, str],
                        message: str) -> None:
    args = {"user": "valid.user", "password": "long-enough", "role": "shift_lead",
            "scope": "320508"} | kwargs
    with pytest.raises(ValueError, match=message):
        directory.add(args["user"], args["password"], args["role"], args["scope"])
    assert directory.list() == []


def test_scopes_of_every_level_and_duplicate_user(directory: OperatorDirectory) -> None:
    for i, scope in enumerate(["", "320508", "320508001", "320508001002", "320508001002003"]):
        assert directory.add(f"lead{i}", "long-enough", Role.SHIFT_LEAD, scope).scope == scope
    with pytest.raises(ValueError, match="already exists"):
        directory.add("LEAD0", "long-enough", Role.WALL)
    assert [o.user for o in directory.list()] == [f"lead{i}" for i in range(5)]


def test_ensure_defaults_creates_demo_operators_once(directory: OperatorDirectory) -> None:
    created = directory.ensure_defaults(DISTRICTS)
    assert created == DEMO_PASSWORDS
    by_user = {o.user: o for o in directory.list()}
    assert {u: (o.role, o.scope) for u, o in by_user.items()} == {
        "admin": (Role.ADMIN, ""),
        "disp": (Role.DISPATCHER, "320508"),
        "field": (Role.FIELD_GATEWAY, ""),
        "lead": (Role.SHIFT_LEAD, ""),
        "wall": (Role.WALL, ""),
    }
    for user, password in created.items():
        assert directory.authenticate(user, password).user == user
    assert directory.ensure_defaults(DISTRICTS) == {}  # never again, never reveals anything
    assert [e.action for e in read_audit(directory.engine)] == ["demo_operators_added"]


def test_ensure_defaults_password_choices(store_url: str) -> None:
    store = EventStore(store_url)
    try:
        d = OperatorDirectory(store.engine)
        created = d.ensure_defaults(DISTRICTS, {"admin": "from-settings"},
                                    random_passwords=True)
        assert created["admin"] == "from-settings"
        others = [p for u, p in created.items() if u != "admin"]
        assert len(set(others)) == 4
        assert not set(others) & set(DEMO_PASSWORDS.values())
        assert d.authenticate("wall", created["wall"]).role is Role.WALL
    finally:
        store.close()


def test_ensure_defaults_checks_inputs(directory: OperatorDirectory) -> None:
    with pytest.raises(ValueError, match="district codes"):
        directory.ensure_defaults([])
    with pytest.raises(ValueError, match="at least 8"):
        directory.ensure_defaults(DISTRICTS, {"lead": "short"})
    assert directory.list() == []


def test_ensure_defaults_skips_a_directory_in_use(directory: OperatorDirectory) -> None:
    directory.add("someone", "long-enough", Role.ADMIN)
    assert directory.ensure_defaults(DISTRICTS) == {}
    assert [o.user for o in directory.list()] == ["someone"]


# ----------------------------------------------------------------------------------- audit

def test_audit_trail(directory: OperatorDirectory) -> None:
    engine = directory.engine
    directory.add("disp1", "long-enough", Role.DISPATCHER, "320508", actor="cli:root",
                  workstation="console-1")
    audit(engine, "disp1", "ws-03", "login", "")
    audit(engine, "nobody", "ws-03", "login_failed", {"reason": "unknown user or wrong password"})
    audit(engine, "disp1", "ws-03", "query", {"kind": "replay", "from": 1, "to": 99,
                                              "region": "320508"})
    directory.disable("disp1", actor="admin")
    entries = read_audit(engine)
    assert [(e.operator, e.workstation, e.action) for e in entries] == [
        ("cli:root", "console-1", "operator_added"),
        ("disp1", "ws-03", "login"),
        ("nobody", "ws-03", "login_failed"),
        ("disp1", "ws-03", "query"),
        ("admin", "", "operator_disabled"),
    ]
    assert entries[0].detail == '{"role": "dispatcher", "scope": "320508", "user": "disp1"}'
    assert "long-enough" not in "".join(e.detail for e in entries)  # no password ever logged
    assert [e.action for e in read_audit(engine, operator="disp1")] == ["login", "query"]
    assert [e.action for e in read_audit(engine, action="query")] == ["query"]
    assert [e.action for e in read_audit(engine, limit=2)] == ["query", "operator_disabled"]
    assert entries == sorted(entries, key=lambda e: e.id)


# ------------------------------------------------------------------------------- migration

def test_event_store_migrates_to_head(store: EventStore) -> None:
    insp = inspect(store.engine)
    assert {"events", "snapshots", "cities", "meta", "operators", "audit"} <= \
        set(insp.get_table_names())
    assert {c["name"] for c in insp.get_columns("operators")} == {
        "username", "display_name", "role", "scope", "password_hash", "disabled",
        "created_at", "updated_at"}
    assert {c["name"] for c in insp.get_columns("audit")} == {
        "id", "ts", "operator", "workstation", "action", "detail", "incident_id"}
    assert {i["name"] for i in insp.get_indexes("audit")} == {
        "ix_audit_ts", "ix_audit_operator", "ix_audit_incident"}
    from alembic.script import ScriptDirectory

    from dispatch.adapters.store.migrations import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with store.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar_one() == \
            head


def test_a_0001_database_upgrades_and_downgrades(store_url: str) -> None:
    from alembic import command

    from dispatch.adapters.store.migrations import alembic_config

    engine = create_engine(store_url)
    try:
        upgrade(engine, "0001")
        assert "operators" not in inspect(engine).get_table_names()
        EventStore(store_url).close()  # an existing database is brought to head on open
        assert {"operators", "audit"} <= set(inspect(engine).get_table_names())
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        names = set(inspect(engine).get_table_names())
        assert "operators" not in names
        assert "audit" not in names
        assert "events" in names
    finally:
        engine.dispose()


def test_0003_adds_the_audit_incident_column_and_keeps_old_lines(store_url: str) -> None:
    from alembic import command

    from dispatch.adapters.store.migrations import alembic_config

    engine = create_engine(store_url)
    cfg = alembic_config()
    try:
        upgrade(engine, "0002")
        with engine.begin() as conn:
            conn.execute(text("insert into audit (ts, operator, workstation, action, detail) "
                              "values (1.5, 'lead', 'ws-1', 'query', "
                              "'{\"args\": {\"incident_id\": \"E000007\"}}')"))
        upgrade(engine, "0003")
        insp = inspect(engine)
        assert "incident_id" in {c["name"] for c in insp.get_columns("audit")}
        assert "ix_audit_incident" in {i["name"] for i in insp.get_indexes("audit")}
        audit(engine, "lead", "ws-1", "note", "", incident_id="E000007")
        with engine.connect() as conn:
            assert conn.execute(text("select operator, incident_id from audit order by id")
                                ).all() == [("lead", None), ("lead", "E000007")]
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0002")
        insp = inspect(engine)
        assert "incident_id" not in {c["name"] for c in insp.get_columns("audit")}
        assert {i["name"] for i in insp.get_indexes("audit")} == {"ix_audit_ts",
                                                                  "ix_audit_operator"}
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from audit")).scalar_one() == 2
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------- CLI

def test_cli_add_list_passwd_disable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"

    def run(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return operators_cli.main(["--db", url, *argv])

    assert run("add", "wang", "--role", "dispatcher", "--scope", "320508001",
               "--name", "王芳", stdin="pass-from-stdin\n") == 0
    assert "added wang (dispatcher, scope 320508001)" in capsys.readouterr().out
    assert run("add", "lead", "--role", "shift_lead", stdin="another-pass\n") == 0
    assert run("add", "wang", "--role", "wall", stdin="whatever-pass\n") == 1
    assert "already exists" in capsys.readouterr().err
    assert run("add", "disp9", "--role", "dispatcher", stdin="whatever-pass\n") == 1
    assert "limited to a region" in capsys.readouterr().err
    assert run("list") == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in listing] == [["lead", "shift_lead", "-"],
                                                       ["wang", "dispatcher", "320508001"]]
    assert run("passwd", "wang", stdin="changed-pass\n") == 0
    assert run("disable", "lead") == 0
    capsys.readouterr()

    store = EventStore(url)
    try:
        d = OperatorDirectory(store.engine)
        assert d.authenticate("wang", "changed-pass").display_name == "王芳"
        with pytest.raises(Forbidden):
            d.authenticate("lead", "another-pass")
        actions = [(e.operator.split(":")[0], e.action) for e in read_audit(store.engine)]
        assert actions == [("cli", "operator_added"), ("cli", "operator_added"),
                           ("cli", "password_changed"), ("cli", "operator_disabled")]
    finally:
        store.close()

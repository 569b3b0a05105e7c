"""Operator accounts: scrypt password hashes, roles with region scope, the audit trail.

An operator logs in at a workstation with a user name and a password; the server checks them
here and then works with a :class:`dispatch.domain.roles.Actor` (see :mod:`dispatch.adapters.security.sessions`).
Unknown user and wrong password fail with the same message, and take the same time.

Demo operators
--------------
:meth:`OperatorDirectory.ensure_defaults` fills an *empty* directory with one operator per role
(``lead``, ``disp``, ``wall``, ``field``, ``admin``) for the embedded single-machine demo. Their
passwords are :data:`DEMO_PASSWORDS` unless others are passed (or ``random_passwords=True``);
they are returned once so the application can print them, and are never stored in clear.
A production deployment does not call ``ensure_defaults``; it adds operators with
(:mod:`dispatch.entrypoints.operators`)::

    python -m dispatch.entrypoints.operators --db URL add USER --role ROLE [--scope CODE] [--name NAME]
    python -m dispatch.entrypoints.operators --db URL list
    python -m dispatch.entrypoints.operators --db URL passwd USER
    python -m dispatch.entrypoints.operators --db URL disable USER
    python -m dispatch.entrypoints.operators --db URL prune-audit --keep-days 365

(the password is asked twice on a terminal, or read as one line from standard input; the
database URL may also come from ``GRIDLINE_DB_URL``; without either, the embedded SQLite file).
"""

from __future__ import annotations

import base64
import builtins
import functools
import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from dispatch.adapters.security.audit_rows import row
from dispatch.adapters.store.security_schema import audit as audit_table
from dispatch.adapters.store.security_schema import operators as operators_table
from dispatch.domain.errors import Forbidden
from dispatch.domain.roles import Role

# ------------------------------------------------------------------------------ passwords

SCRYPT_N = 2 ** 14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_MAX_N = 2 ** 20  # refuse stored parameters that would cost more than ~1 GiB


def _password_bytes(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(_password_bytes(password), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=128 * r * n + 1024 * 1024 * 64)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt_b64$hash_b64`` with a fresh random 16-byte salt."""
    if not isinstance(password, str):
        raise ValueError("a password must be text")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches ``stored``; False also for a malformed ``stored``."""
    try:
        scheme, n_s, r_s, p_s, salt_b64, hash_b64 = stored.split("$")
        n, r, p = int(n_s), int(r_s), int(p_s)
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(hash_b64, validate=True)
    except (AttributeError, ValueError):
        return False
    if scheme != "scrypt" or not (1 < n <= _MAX_N) or n & (n - 1) or not (0 < r <= 32) \
            or not (0 < p <= 16) or not expected:
        return False
    try:
        actual = _scrypt(password, salt, n, r, p, len(expected))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, checked when the user does not exist so that an unknown
    user costs the same time as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))

# ------------------------------------------------------------------------------ operators

USER_PATTERN = re.compile(r"[a-z][a-z0-9_.-]{1,31}")
SCOPE_LENGTHS = (0, 6, 9, 12, 15)
LOGIN_FAILED = "unknown user or wrong password"

DEMO_PASSWORDS: dict[str, str] = {
    "lead": "lead-demo",
    "disp": "disp-demo",
    "wall": "wall-demo",
    "field": "field-demo",
    "admin": "admin-demo",
}
"""Documented passwords of the embedded demo's operators; never use them in a deployment."""

_DEMO_OPERATORS: tuple[tuple[str, Role, str, bool], ...] = (
    # user, role, display name, limited to the first district
    ("lead", Role.SHIFT_LEAD, "Shift lead (demo)", False),
    ("disp", Role.DISPATCHER, "Dispatcher (demo)", True),
    ("wall", Role.WALL, "Wall screen (demo)", False),
    ("field", Role.FIELD_GATEWAY, "Field gateway (demo)", False),
    ("admin", Role.ADMIN, "Administrator (demo)", False),
)


@dataclass(frozen=True, slots=True)
class Operator:
    """A person (or a gateway) who may log in: role and region scope ("" = whole city)."""

    user: str
    display_name: str
    role: Role
    scope: str
    disabled: bool


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit trail."""

    id: int
    ts: float
    operator: str
    workstation: str
    action: str
    detail: str


def normalize_user(user: str) -> str:
    return user.strip().lower() if isinstance(user, str) else ""


def check_user(user: str) -> str:
    """The normalized user name, or ValueError saying what a user name may be."""
    u = normalize_user(user)
    if not USER_PATTERN.fullmatch(u):
        raise ValueError(f"user name {user!r} must be 2-32 characters: a letter, then letters, "
                         "digits, '_', '.' or '-' (case does not matter)")
    return u


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValueError(f"a password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"a password may have at most {MAX_PASSWORD} characters")
    return password


def check_role(role: Role | str) -> Role:
    try:
        r = Role(role.strip().lower() if isinstance(role, str) else role)
    except ValueError:
        known = ", ".join(x.value for x in Role if x is not Role.SYSTEM)
        raise ValueError(f"unknown role {role!r}; expected one of {known}") from None
    if r is Role.SYSTEM:
        raise ValueError("the system role belongs to the server itself, not to an operator")
    return r


def check_scope(scope: str, role: Role) -> str:
    """A region code prefix: "" (whole city) or a 6/9/12/15-digit district/street/… code."""
    s = scope.strip() if isinstance(scope, str) else scope
    if not isinstance(s, str) or len(s) not in SCOPE_LENGTHS or (s and not (s.isascii()
                                                                          and s.isdigit())):
        raise ValueError(f"scope {scope!r} must be empty (whole city) or a region code of "
                         "6 (district), 9 (street), 12 (community) or 15 (grid) digits")
    if len(s) == 6 and s.endswith("00"):
        raise ValueError(f"scope {s!r} is a city code; grid codes start with a district code, "
                         "so use an empty scope for the whole city")
    if role is Role.DISPATCHER and not s:
        raise ValueError("a dispatcher is limited to a region: give a district, street, "
                         "community or grid code as scope (a shift lead works city-wide)")
    return s


def _row_operator(row: Any) -> Operator:
    return Operator(user=row.username, display_name=row.display_name, role=Role(row.role),
                    scope=row.scope, disabled=bool(row.disabled))


def audit(engine: Engine, operator: str, workstation: str, action: str,
          detail: str | Mapping[str, Any] = "", *, ts: float | None = None,
          incident_id: str | None = None) -> None:
    """Append a line to the audit trail (logins, failed logins, queries, account changes).

    ``detail`` is free text or a mapping stored as JSON; ``incident_id`` is the incident the
    line concerns, if any (the audit can be read by incident).
    """
    line = row(operator, workstation, action, detail, incident_id=incident_id, ts=ts)
    with engine.begin() as conn:
        conn.execute(insert(audit_table).values(line.values()))


def read_audit(engine: Engine, *, operator: str | None = None, action: str | None = None,
               since_ts: float | None = None, limit: int = 1000) -> list[AuditEntry]:
    """The newest ``limit`` audit lines matching the filters, oldest first."""
    q = select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)
    if operator is not None:
        q = q.where(audit_table.c.operator == operator)
    if action is not None:
        q = q.where(audit_table.c.action == action)
    if since_ts is not None:
        q = q.where(audit_table.c.ts >= since_ts)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [AuditEntry(id=int(r.id), ts=r.ts, operator=r.operator, workstation=r.workstation,
                       action=r.action, detail=r.detail) for r in reversed(rows)]


def prune_audit(engine: Engine, *, keep_days: float, actor: str = "admin",
                workstation: str = "") -> int:
    """Delete audit lines older than ``keep_days`` (at least one day); the pruning itself is
    audited. Returns how many lines went."""
    if not keep_days >= 1:
        raise ValueError("keep at least one day of audit lines")
    before = time.time() - keep_days * 86400.0
    with engine.begin() as conn:
        gone = conn.execute(delete(audit_table).where(audit_table.c.ts < before)).rowcount
    audit(engine, actor, workstation, "audit_pruned",
          {"keep_days": keep_days, "deleted": int(gone or 0)})
    return int(gone or 0)


class OperatorDirectory:
    """Operator accounts in the event store's database (table ``operators``).

    Account changes are written to the audit trail with the ``actor`` and ``workstation``
    given (the CLI passes the local system user). :meth:`authenticate` writes nothing: the
    server audits logins with :func:`audit`, where it knows the workstation.
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self._clock = clock

    def add(self, user: str, password: str, role: Role | str, scope: str = "",
            display_name: str = "", *, actor: str = "admin", workstation: str = "") -> Operator:
        """Create an operator; ValueError for a bad name, password, role or scope, or a
        user that already exists."""
        u = check_user(user)
        check_password(password)
        r = check_role(role)
        s = check_scope(scope, r)
        name = (display_name or u).strip()[:64]
        now = self._clock()
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(operators_table).values(
                    username=u, display_name=name, role=r.value, scope=s,
                    password_hash=hash_password(password), disabled=False,
                    created_at=now, updated_at=now))
        except IntegrityError:
            raise ValueError(f"operator {u!r} already exists") from None
        audit(self.engine, actor, workstation, "operator_added",
              {"user": u, "role": r.value, "scope": s}, ts=now)
        return Operator(user=u, display_name=name, role=r, scope=s, disabled=False)

    def get(self, user: str) -> Operator | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(operators_table).where(
                operators_table.c.username == normalize_user(user))).first()
        return None if row is None else _row_operator(row)

    def authenticate(self, user: str, password: str) -> Operator:
        """The operator if the password is right and the account enabled.

        Raises Forbidden with the same message for an unknown user, a wrong password and a
        disabled account, so a caller cannot tell which.
        """
        u = normalize_user(user)
        row = None
        if USER_PATTERN.fullmatch(u) and isinstance(password, str) \
                and len(password) <= MAX_PASSWORD:
            with self.engine.connect() as conn:
                row = conn.execute(select(operators_table).where(
                    operators_table.c.username == u)).first()
        pw = password if isinstance(password, str) else ""
        ok = verify_password(pw, row.password_hash if row is not None else _dummy_hash())
        if row is None or not ok or row.disabled:
            raise Forbidden(LOGIN_FAILED)
        return _row_operator(row)

    def set_password(self, user: str, password: str, *, actor: str = "admin",
                     workstation: str = "") -> None:
        check_password(password)
        u = self._require(user)
        now = self._clock()
        with self.engine.begin() as conn:
            conn.execute(update(operators_table).where(operators_table.c.username == u)
                         .values(password_hash=hash_password(password), updated_at=now))
        audit(self.engine, actor, workstation, "password_changed", {"user": u}, ts=now)

    def disable(self, user: str, *, actor: str = "admin", workstation: str = "") -> None:
        """Refuse further logins; the server must also close the operator's open sessions."""
        self._set_disabled(user, True, actor, workstation)

    def enable(self, user: str, *, actor: str = "admin", workstation: str = "") -> None:
        self._set_disabled(user, False, actor, workstation)

    def list(self) -> builtins.list[Operator]:
        """Every operator, disabled ones included, by user name."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(operators_table)
                                .order_by(operators_table.c.username)).all()
        return [_row_operator(r) for r in rows]

    def ensure_defaults(self, district_codes: Sequence[str],
                        passwords: Mapping[str, str] | None = None, *,
                        random_passwords: bool = False) -> dict[str, str]:
        """Create the demo operators if the directory is empty; returns {user: password}.

        ``disp`` is a dispatcher limited to the first district, the others are city-wide.
        Passwords come from ``passwords`` (per user), else random ones if
        ``random_passwords``, else :data:`DEMO_PASSWORDS`. Returns {} when operators already
        exist: the passwords are known only to whoever created them.
        """
        if not district_codes:
            raise ValueError("ensure_defaults needs the district codes (the demo dispatcher "
                             "is limited to the first district)")
        if self._count() > 0:
            return {}
        chosen: dict[str, str] = {}
        for user, _role, _name, _limited in _DEMO_OPERATORS:
            if passwords and user in passwords:
                chosen[user] = passwords[user]
            elif random_passwords:
                chosen[user] = secrets.token_urlsafe(12)
            else:
                chosen[user] = DEMO_PASSWORDS[user]
            check_password(chosen[user])
        scope = check_scope(district_codes[0], Role.DISPATCHER)
        now = self._clock()
        rows = [{"username": user, "display_name": name, "role": role.value,
                 "scope": scope if limited else "", "password_hash": hash_password(chosen[user]),
                 "disabled": False, "created_at": now, "updated_at": now}
                for user, role, name, limited in _DEMO_OPERATORS]
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(operators_table), rows)
        except IntegrityError:  # another process filled the directory first
            return {}
        audit(self.engine, "system", "", "demo_operators_added",
              {"users": [r["username"] for r in rows], "dispatcher_scope": scope}, ts=now)
        return chosen

    # ------------------------------------------------------------------------- helpers

    def _count(self) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(operators_table.c.username).limit(1)).all())

    def _require(self, user: str) -> str:
        u = normalize_user(user)
        if self.get(u) is None:
            raise ValueError(f"no operator named {user!r}")
        return u

    def _set_disabled(self, user: str, disabled: bool, actor: str, workstation: str) -> None:
        u = self._require(user)
        now = self._clock()
        with self.engine.begin() as conn:
            conn.execute(update(operators_table).where(operators_table.c.username == u)
                         .values(disabled=disabled, updated_at=now))
        audit(self.engine, actor, workstation,
              "operator_disabled" if disabled else "operator_enabled", {"user": u}, ts=now)

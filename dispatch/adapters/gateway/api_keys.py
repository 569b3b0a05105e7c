"""API keys of the systems that talk to the gateway (Open311 clients, the 12345 and 110
systems, IoT platforms): issued and revoked by an administrator with
``python main.py gateway keys issue|revoke|list``.

The keys live in ``<data dir>/gateway/api_keys.json`` (directory 0700, file 0600), *hashed*:
the file holds each key's SHA-256 (keys are 192-bit random tokens, so a plain hash is enough;
the embedded demo's ``open311-demo`` is the one guessable key, and only the demo issues it),
its name, what it may use (``scopes``: ``open311``, ``tickets``) and the ``source`` its
reports carry. The key itself is shown once, when it is issued. A running gateway notices a
change of the file within a second: a revoked key is refused from then on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from dispatch.adapters.private_files import FILE_MODE, ensure_private_dir
from dispatch.domain.status import Source
from dispatch.domain.validation import id_problem

SCOPES = ("open311", "tickets")
KEY_FILE = "api_keys.json"
RELOAD_EVERY_S = 0.5
REGION = re.compile(r"[0-9]{1,15}")


@dataclass(frozen=True, slots=True)
class ApiKey:
    name: str
    key_sha256: str
    scopes: tuple[str, ...]
    source: str
    created: float
    revoked: float | None = None
    region: str = ""  # region code prefix whose incidents' photos it may read; "" = all

    @property
    def active(self) -> bool:
        return self.revoked is None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _check_name(name: str) -> str:
    problem = id_problem(name)
    if problem is not None or len(name) > 32 or ":" in name:
        raise ValueError(f"key name {name!r}: 1 to 32 letters, digits or punctuation, without "
                         "spaces, ':' or '/'")
    return name


class ApiKeyStore:
    """The key file of a data directory; safe to use from several threads."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = Path(data_dir) / "gateway"
        self.path = self.dir / KEY_FILE
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._keys: dict[str, ApiKey] = {}
        self._by_hash: dict[str, ApiKey] = {}

    # ------------------------------------------------------------------ reading

    def _load(self) -> None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._keys, self._by_hash = None, {}, {}
            return
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return
        raw = json.loads(self.path.read_text(encoding="utf-8"))
        keys = {d["name"]: ApiKey(d["name"], d["key_sha256"], tuple(d["scopes"]), d["source"],
                                  float(d["created"]), d.get("revoked"),
                                  str(d.get("region") or ""))
                for d in raw.get("keys", [])}
        self._keys = keys
        self._by_hash = {k.key_sha256: k for k in keys.values() if k.active}
        self._stamp = stamp

    def _fresh(self) -> None:
        now = time.monotonic()
        if now - self._checked >= RELOAD_EVERY_S:
            self._checked = now
            self._load()

    def find(self, key: str) -> ApiKey | None:
        """The active key with this secret, or None (unknown or revoked)."""
        with self._lock:
            self._fresh()
            return self._by_hash.get(key_hash(key))

    def entries(self) -> list[ApiKey]:
        with self._lock:
            self._load()
            return sorted(self._keys.values(), key=lambda k: k.name)

    # ------------------------------------------------------------------ writing

    def _save(self, keys: dict[str, ApiKey]) -> None:
        ensure_private_dir(self.dir)
        body = json.dumps({"keys": [asdict(k) for k in sorted(keys.values(),
                                                               key=lambda k: k.name)]},
                          ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._stamp = None
        self._checked = 0.0

    def issue(self, name: str, scopes: tuple[str, ...], source: str, *,
              key: str | None = None, region: str = "") -> str:
        """Issue a key (replacing one of the same name); returns the key, shown only now.
        ``key`` chooses it (the demo's ``open311-demo``); otherwise a random one. ``region``
        (a region code prefix, e.g. a district's 6 digits) limits the photos it may read to
        those of incidents in that region (a remote console's key: its operators' region)."""
        _check_name(name)
        if region and not REGION.fullmatch(region):
            raise ValueError(f"region must be a region code (digits), got {region!r}")
        bad = [s for s in scopes if s not in SCOPES]
        if not scopes or bad:
            raise ValueError(f"scopes must be some of {', '.join(SCOPES)}, got "
                             f"{', '.join(scopes) or 'none'}")
        try:
            Source(source)
        except ValueError:
            raise ValueError(f"source must be one of {', '.join(s.value for s in Source)}, "
                             f"got {source!r}") from None
        secret = key or f"glk_{secrets.token_urlsafe(24)}"
        with self._lock:
            self._load()
            keys = dict(self._keys)
            keys[name] = ApiKey(name, key_hash(secret), tuple(scopes), source, time.time(),
                                region=region)
            self._save(keys)
        return secret

    def ensure(self, name: str, scopes: tuple[str, ...], source: str, key: str) -> None:
        """Issue ``key`` under ``name`` unless that very key is already active (the demo)."""
        found = self.find(key)
        if found is None or found.name != name:
            self.issue(name, scopes, source, key=key)

    def revoke(self, name: str) -> bool:
        """Revoke a key; False if no active key has that name."""
        with self._lock:
            self._load()
            k = self._keys.get(name)
            if k is None or not k.active:
                return False
            keys = dict(self._keys)
            keys[name] = ApiKey(k.name, k.key_sha256, k.scopes, k.source, k.created,
                                time.time(), k.region)
            self._save(keys)
        return True

"""Security of the dispatch service: CurveZMQ keys, operator accounts, login sessions.

- :mod:`dispatch.adapters.security.keys`: CURVE key pairs, the allow-list of client certificates and the
  ZAP authenticator ("Ironhouse": encrypted, both ends authenticated).
- :mod:`dispatch.adapters.security.operators`: operator accounts with scrypt password hashes, roles and
  region scope, the audit trail, and the ``python -m dispatch.adapters.security.operators`` admin tool.
- :mod:`dispatch.adapters.security.sessions`: tokens that map a logged-in workstation to an
  :class:`dispatch.domain.roles.Actor`, which the server's handlers check on every command.

The names below are imported lazily, so running a submodule with ``python -m`` does not
import it twice.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dispatch.adapters.security.keys import (
        AllowListAuthenticator,
        LocalTrust,
        ServerKeys,
        allow_client,
        apply_client_curve,
        apply_server_curve,
        ensure_client_keys,
        ensure_local_trust,
        ensure_server_keys,
        reload,
        revoke_client,
        server_public_key,
        start_authenticator,
    )
    from dispatch.adapters.security.operators import (
        Operator,
        OperatorDirectory,
        audit,
        hash_password,
        verify_password,
    )
    from dispatch.adapters.security.sessions import SessionTable

_MODULE_OF = {
    **dict.fromkeys(
        ("AllowListAuthenticator", "LocalTrust", "ServerKeys", "allow_client",
         "apply_client_curve", "apply_server_curve", "ensure_client_keys", "ensure_local_trust",
         "ensure_server_keys", "reload", "revoke_client", "server_public_key",
         "start_authenticator"), "keys"),
    **dict.fromkeys(
        ("Operator", "OperatorDirectory", "audit", "hash_password", "verify_password"),
        "operators"),
    "SessionTable": "sessions",
}

__all__ = [
    "AllowListAuthenticator",
    "LocalTrust",
    "Operator",
    "OperatorDirectory",
    "ServerKeys",
    "SessionTable",
    "allow_client",
    "apply_client_curve",
    "apply_server_curve",
    "audit",
    "ensure_client_keys",
    "ensure_local_trust",
    "ensure_server_keys",
    "hash_password",
    "reload",
    "revoke_client",
    "server_public_key",
    "start_authenticator",
    "verify_password",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)

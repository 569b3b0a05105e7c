"""The feed's hot path compiled with mypyc, used only while it matches the source.

``python -m tools.compile`` (run by set-up and by ``make``) compiles :data:`MODULES` with
mypyc into ``build/compiled/`` and writes a manifest holding a digest of every source file
of this package as it was compiled. At ``import dispatch`` :func:`install` compares that
digest with the sources now: if they match, a finder at the head of ``sys.meta_path`` loads
those modules from the compiled extensions; if any source changed since (or the build is
missing, or made for another interpreter), nothing is installed and the modules run as
Python, with a warning naming the changed files. A stale build can never run old code.

The whole package is digested, not only the compiled modules: mypyc compiles against the
types (and ``Final`` constants) of everything they import. ``GRIDLINE_COMPILED=0`` turns
the compiled modules off.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
import sysconfig
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

log = logging.getLogger("gridline.compiled")

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
BUILD_DIR = ROOT / "build" / "compiled"
MANIFEST = "manifest.json"
ENV_SWITCH = "GRIDLINE_COMPILED"

# The state feed's path through both processes: the server's publisher and the record
# encoders it calls, the request/reply codec, and the client's mirror.
MODULES = (
    "dispatch.server.feed",
    "dispatch.records",
    "dispatch.protocol.messages",
    "dispatch.client.mirror",
)

# What install() found: "compiled", "off", "not built", "stale: …", "unusable: …".
status = "not installed"


def source_digests(package_dir: Path = PACKAGE_DIR) -> dict[str, str]:
    """sha256 of every ``.py`` file under ``package_dir``, by path relative to its parent."""
    root = package_dir.parent
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(package_dir.rglob("*.py"))}


def ext_suffix() -> str:
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


class CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the listed module names as extension files (and nothing else)."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def check(build_dir: Path = BUILD_DIR,
          package_dir: Path = PACKAGE_DIR) -> tuple[str, dict[str, Path]]:
    """(status, extension file by module name); the files only when they can be used."""
    try:
        manifest = json.loads((build_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not built", {}
    except (OSError, ValueError) as exc:
        return f"unusable: cannot read {build_dir / MANIFEST}: {exc}", {}
    if not isinstance(manifest, dict) or not isinstance(manifest.get("sources"), dict) \
            or not isinstance(manifest.get("extensions"), dict):
        return f"unusable: {build_dir / MANIFEST} is not a Gridline build manifest", {}
    if manifest.get("ext_suffix") != ext_suffix():
        return (f"unusable: built for {manifest.get('ext_suffix')}, "
                f"this interpreter loads {ext_suffix()}"), {}
    built: dict[str, str] = manifest["sources"]
    now = source_digests(package_dir)
    changed = sorted(p for p in built.keys() | now.keys() if built.get(p) != now.get(p))
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5
                                          else "")
        return f"stale: {shown} changed since the build", {}
    files = {name: build_dir / rel for name, rel in manifest["extensions"].items()}
    missing = [str(f) for f in files.values() if not f.is_file()]
    if missing:
        return f"unusable: missing {', '.join(missing)}", {}
    return "compiled", files


def install() -> str:
    """Put the compiled modules in use if they match the source; returns the status."""
    global status
    if any(isinstance(f, CompiledFinder) for f in sys.meta_path):
        return status
    if os.environ.get(ENV_SWITCH, "1").strip().lower() in ("0", "no", "off", "false"):
        status = "off"
        return status
    status, files = check()
    if files:
        sys.meta_path.insert(0, CompiledFinder(files))
    elif status != "not built":
        log.warning("compiled feed modules not used (%s); running them as Python. "
                    "Rebuild with: python -m tools.compile", status)
    return status

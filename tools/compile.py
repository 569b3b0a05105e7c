"""Compile the feed's hot path (``dispatch.compiled.MODULES``) with mypyc into
``build/compiled/`` and record the source digest it was built from (see
``dispatch/compiled.py`` for how and when the build is used).

    python -m tools.compile          # build when the sources changed since the last build
    python -m tools.compile --force  # build anyway
    python -m tools.compile --status # whether the build matches the sources now

Needs a C compiler and the interpreter's headers (set-up installs gcc); mypy (with mypyc)
and setuptools come with the ``dev`` extra. When the build fails the modules run as Python.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checker reads the sources from this checkout: make sure `dispatch` is this one.
sys.path.insert(0, str(ROOT))
os.environ["GRIDLINE_COMPILED"] = "0"  # never load an old build while making a new one

from dispatch import compiled  # noqa: E402


def build(out: Path = compiled.BUILD_DIR) -> dict[str, str]:
    """Build every module of the list into ``out`` (replaced whole); returns the manifest's
    extensions, module name → path relative to ``out``."""
    from mypyc.build import mypycify
    from setuptools import setup

    digests = compiled.source_digests()  # before compiling: a later edit makes it stale
    sources = [name.replace(".", "/") + ".py" for name in compiled.MODULES]
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mypyc-", dir=out.parent) as tmp:
        work = Path(tmp)
        lib = work / "lib"
        cwd = os.getcwd()
        os.chdir(ROOT)  # mypyc names modules by their path from here
        try:
            extensions = mypycify(sources, opt_level="3", target_dir=str(work / "c"))
            os.chdir(work)  # not the project's pyproject.toml: only these extensions
            setup(name="gridline-compiled", ext_modules=extensions, script_name="setup.py",
                  script_args=["-q", "build_ext", "--build-lib", str(lib),
                               "--build-temp", str(work / "o"), "--parallel", "2"])
        finally:
            os.chdir(cwd)
        suffix = compiled.ext_suffix()
        rels = [p.relative_to(lib).as_posix() for p in lib.rglob(f"*{suffix}")]
        files = {rel[:-len(suffix)].replace("/", "."): rel for rel in rels}
        expected = set(compiled.MODULES)
        if not expected <= files.keys():
            raise SystemExit(f"compile: mypyc did not produce {sorted(expected - files.keys())}")
        manifest = {"ext_suffix": suffix, "extensions": files, "sources": digests}
        (lib / compiled.MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(out, ignore_errors=True)
        lib.rename(out)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.compile", description=__doc__.split("\n")[0])
    ap.add_argument("--force", action="store_true", help="build even if the build is current")
    ap.add_argument("--status", action="store_true", help="only report the build's state")
    args = ap.parse_args(argv)
    state, _ = compiled.check()
    if args.status:
        print(state)
        return 0 if state == "compiled" else 1
    if state == "compiled" and not args.force:
        (compiled.BUILD_DIR / compiled.MANIFEST).touch()  # newer than its sources, for make
        print(f"compile: {compiled.BUILD_DIR.relative_to(ROOT)} is current")
        return 0
    files = build()
    print(f"compile: {len(files)} extension(s) in {compiled.BUILD_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The compiled feed modules are used only while they match the source (dispatch/compiled.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dispatch import compiled

ROOT = Path(__file__).resolve().parents[2]


def _package(tmp_path: Path) -> Path:
    pkg = tmp_path / "src" / "dispatch"
    (pkg / "server").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""pkg"""\n')
    (pkg / "server" / "feed.py").write_text("RATE = 1\n")
    return pkg


def _build(tmp_path: Path, pkg: Path, **overrides: object) -> Path:
    """A build directory whose manifest matches ``pkg`` (one extension file, empty)."""
    out = tmp_path / "build"
    ext = f"dispatch/server/feed{compiled.ext_suffix()}"
    (out / ext).parent.mkdir(parents=True)
    (out / ext).write_bytes(b"")
    manifest = {"ext_suffix": compiled.ext_suffix(),
                "extensions": {"dispatch.server.feed": ext},
                "sources": compiled.source_digests(pkg)}
    manifest.update(overrides)
    (out / compiled.MANIFEST).write_text(json.dumps(manifest))
    return out


def test_a_build_that_matches_the_source_is_used(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    out = _build(tmp_path, pkg)
    status, files = compiled.check(out, pkg)
    assert status == "compiled"
    assert files == {"dispatch.server.feed": out / f"dispatch/server/feed{compiled.ext_suffix()}"}


def test_no_build_means_python_without_a_warning(tmp_path: Path) -> None:
    assert compiled.check(tmp_path / "nothing", _package(tmp_path)) == ("not built", {})


def test_an_edited_source_makes_the_build_stale_and_names_the_file(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    out = _build(tmp_path, pkg)
    (pkg / "server" / "feed.py").write_text("RATE = 2\n")
    status, files = compiled.check(out, pkg)
    assert status == "stale: dispatch/server/feed.py changed since the build"
    assert files == {}


def test_an_added_or_removed_source_makes_the_build_stale(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    out = _build(tmp_path, pkg)
    (pkg / "kpi.py").write_text("X = 1\n")
    (pkg / "__init__.py").unlink()
    status, files = compiled.check(out, pkg)
    assert status == "stale: dispatch/__init__.py, dispatch/kpi.py changed since the build"
    assert files == {}


def test_a_build_for_another_interpreter_is_not_loaded(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    out = _build(tmp_path, pkg, ext_suffix=".cpython-312-x86_64-linux-gnu.so")
    status, files = compiled.check(out, pkg)
    assert status.startswith("unusable: built for .cpython-312-x86_64-linux-gnu.so")
    assert files == {}


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"sources": {}}'])
def test_a_damaged_manifest_is_reported_not_raised(tmp_path: Path, text: str) -> None:
    pkg = _package(tmp_path)
    out = _build(tmp_path, pkg)
    (out / compiled.MANIFEST).write_text(text)
    status, files = compiled.check(out, pkg)
    assert status.startswith("unusable: ")
    assert str(out / compiled.MANIFEST) in status
    assert files == {}


def test_a_missing_extension_file_is_reported(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    out = _build(tmp_path, pkg)
    (out / f"dispatch/server/feed{compiled.ext_suffix()}").unlink()
    status, files = compiled.check(out, pkg)
    assert status.startswith("unusable: missing ") and status.endswith(
        f"feed{compiled.ext_suffix()}")
    assert files == {}


def test_the_finder_answers_only_for_its_modules(tmp_path: Path) -> None:
    file = tmp_path / f"feed{compiled.ext_suffix()}"
    finder = compiled.CompiledFinder({"dispatch.server.feed": file})
    assert finder.find_spec("dispatch.server.server") is None
    spec = finder.find_spec("dispatch.server.feed")
    assert spec is not None and spec.origin == str(file)
    assert spec.loader is not None and type(spec.loader).__name__ == "ExtensionFileLoader"


def test_this_checkout_uses_its_build_when_it_is_current() -> None:
    """Set-up and ``make`` build the modules; when the build matches they come from it."""
    if compiled.status in ("not built", "off") or compiled.status.startswith("stale"):
        pytest.skip(f"compiled modules {compiled.status} (python -m tools.compile)")
    assert compiled.status == "compiled"
    for name in compiled.MODULES:
        module = sys.modules.get(name) or __import__(name, fromlist=["_"])
        assert Path(module.__file__ or "").is_relative_to(compiled.BUILD_DIR), name
        assert (module.__file__ or "").endswith(compiled.ext_suffix()), name


def test_the_feed_modules_pass_their_tests_as_python_too() -> None:
    """The suite runs on the compiled modules; these tests cover the Python they fall back to."""
    env = dict(os.environ, GRIDLINE_COMPILED="0")
    code = ("import sys, pytest; import dispatch.records as r; "
            "assert r.__file__.endswith('.py'), r.__file__; "
            "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', "
            "'tests/domain/test_records.py', 'tests/domain/test_snapshot_codec.py']))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

"""Qt translations: ``update`` extracts strings into resources/i18n/*.ts (pyside6-lupdate);
``compile`` builds the .qm files the console loads (pyside6-lrelease; run during set-up)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("zh_CN", "en")
SOURCES = ("console", "widgets", "maps")


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"translations: {name} not found (it comes with PySide6)")
    return found


def update() -> None:
    files = sorted(str(p.relative_to(ROOT)) for d in SOURCES for p in (ROOT / d).rglob("*.py"))
    for lang in LANGUAGES:
        ts = I18N / f"gridline_{lang}.ts"
        subprocess.run([_tool("pyside6-lupdate"), *files, "-no-obsolete", "-ts",
                        str(ts.relative_to(ROOT))], cwd=ROOT, check=True)


def compile_all() -> None:
    for ts in sorted(I18N.glob("*.ts")):
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm",
                        str(ts.with_suffix(".qm"))], cwd=ROOT, check=True)


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "compile"
    {"update": update, "compile": compile_all}[action]()

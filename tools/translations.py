"""Qt translations: ``update`` extracts strings into resources/i18n/*.ts (pyside6-lupdate);
``compile`` builds the .qm files the console loads (pyside6-lrelease; run during set-up).

lupdate finds only literal ``translate("Context", "text")``/``tr("text")`` calls; strings
passed through a module's own helper (``_t(text)``) or marked in tables are entered by hand.
``update`` keeps every translated message lupdate did not find, so it never drops those.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
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


def _messages(root: ET.Element) -> dict[tuple[str, str, str], ET.Element]:
    """Messages by (context, source, disambiguating comment)."""
    out: dict[tuple[str, str, str], ET.Element] = {}
    for context in root.findall("context"):
        name = context.findtext("name") or ""
        for m in context.findall("message"):
            out[(name, m.findtext("source") or "", m.findtext("comment") or "")] = m
    return out


def _keep_translated(ts: Path, before: bytes) -> int:
    """Put back into ``ts`` the translated messages of ``before`` that lupdate dropped;
    returns how many."""
    old = _messages(ET.fromstring(before))
    tree = ET.parse(ts)
    root = tree.getroot()
    now = _messages(root)
    contexts = {c.findtext("name") or "": c for c in root.findall("context")}
    kept = 0
    for key, m in old.items():
        name, t = key[0], m.find("translation")
        if key in now or t is None or not t.text or t.get("type"):
            continue
        context = contexts.get(name)
        if context is None:
            context = contexts[name] = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = name
        context.append(m)
        kept += 1
    if kept:
        ET.indent(root, space="    ")
        ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                      + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return kept


def update() -> None:
    files = sorted(str(p.relative_to(ROOT)) for d in SOURCES for p in (ROOT / d).rglob("*.py"))
    for lang in LANGUAGES:
        ts = I18N / f"gridline_{lang}.ts"
        before = ts.read_bytes() if ts.exists() else b""
        subprocess.run([_tool("pyside6-lupdate"), *files, "-no-obsolete", "-ts",
                        str(ts.relative_to(ROOT))], cwd=ROOT, check=True)
        if before:
            kept = _keep_translated(ts, before)
            print(f"{ts.name}: kept {kept} translated message(s) lupdate does not extract")


def compile_all() -> None:
    for ts in sorted(I18N.glob("*.ts")):
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm",
                        str(ts.with_suffix(".qm"))], cwd=ROOT, check=True)


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "compile"
    {"update": update, "compile": compile_all}[action]()

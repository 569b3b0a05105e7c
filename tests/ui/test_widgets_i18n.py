"""The Chinese translation of the widgets: complete for their strings, loaded through Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt

from tests.ui.widget_fixtures import *  # noqa: F403
from widgets import i18n, labels
from widgets.actions import ConsoleActions
from widgets.incident_cells import Column
from widgets.incident_model import IncidentTableModel
from widgets.queue_panel import QueuePanel

pytestmark = pytest.mark.ui

TS = Path(i18n.I18N_DIR) / "gridline_zh_CN.ts"
WIDGET_CONTEXTS = {"ActionForm", "Actions", "AddressSearch", "AuditTableModel", "AuditWindow", "BookmarkTable",
                   "ClassPicker", "CommandLine", "CommandLineHelp", "IncidentDetail", "Roles",
                   "IncidentTableModel", "IntakeDialog", "KpiStrip", "Labels", "PartCard",
                   "QueuePanel", "UnitBoard", "UnitTreeModel", "Whistle"}


def test_every_widget_string_is_translated() -> None:
    root = ET.parse(TS).getroot()
    seen = set()
    for ctx in root.findall("context"):
        name = ctx.findtext("name")
        if name not in WIDGET_CONTEXTS:
            continue
        seen.add(name)
        for msg in ctx.findall("message"):
            tr = msg.find("translation")
            assert tr is not None, (name, msg.findtext("source"))
            assert (tr.text or "").strip(), (name, msg.findtext("source"))
            assert tr.get("type") not in ("unfinished", "vanished", "obsolete"), \
                (name, msg.findtext("source"))
            # placeholders survive translation
            src = msg.findtext("source") or ""
            for ph in ("%1", "%2", "%3", "%4"):
                assert (ph in src) == (ph in (tr.text or "")), (name, src, tr.text)
    assert seen == WIDGET_CONTEXTS


@pytest.fixture
def chinese(qapp: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    """The Chinese translation compiled from the .ts and installed for one test."""
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent /
                                                       "pyside6-lrelease")
    qm = tmp_path / "gridline_zh_CN.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(qm)], check=True, capture_output=True)
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    assert i18n.install_translator(qapp, "zh")
    yield
    i18n.remove_translators(qapp)


def test_install_translator_without_a_compiled_file(qapp: Any, tmp_path: Path,
                                                    monkeypatch: Any) -> None:
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    assert not i18n.install_translator(qapp, "zh")
    assert i18n.install_translator(qapp, "en")
    assert labels.incident_status("reported") == "Reported"


def test_chinese_labels_and_panels(chinese: Any, console: Any, busy_engine: Any,
                                   qtbot: Any) -> None:
    assert labels.incident_status("reported") == "已上报"
    assert labels.unit_status("en_route") == "在途"
    assert labels.priority("urgent") == "紧急"
    assert labels.countdown(-3 * 3600 - 300) == "-3时05分"
    console.language = "zh"
    actions = ConsoleActions(console)
    assert actions.action("register").text() == "立案"
    assert actions.action("escalate").text() == "提级…"
    table = IncidentTableModel(console)
    q = QueuePanel(console, actions, table)
    qtbot.addWidget(q)
    assert table.headerData(Column.COUNTDOWN, Qt.Orientation.Horizontal) == "剩余时间"
    row = table.row_of("E000001")
    assert row is not None
    inc = busy_engine.state.incidents["E000001"]
    assert table.index(row, Column.CLASS).data() == \
        busy_engine.catalogue.minor_of(inc.class_code).name_zh
    assert q.open_only.text() == "仅在办"
    assert q.shown.text().startswith("显示 ")

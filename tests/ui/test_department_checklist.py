"""The departments' check list of the escalate and whistle forms: every name shown whole in its
cell (a uniform item size once elided all but the shortest names to one character), checked
and set by code."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pytest
from PySide6.QtCore import Qt

from dispatch.adapters.catalogue_loader import default_catalogue
from tests.ui.widget_fixtures import shown
from widgets.action_forms.department_checklist import DepartmentChecklist

pytestmark = pytest.mark.ui


class Names:
    catalogue = default_catalogue()

    def department_name(self, code: str) -> str:
        return self.catalogue.departments[code].name_zh


def test_names_are_whole_and_checks_go_by_code(qtbot: Any) -> None:
    names = Names()
    box = shown(DepartmentChecklist(names, ["police"], height=110,  # type: ignore[arg-type]
                                    cell_width=180), qtbot, 560, 110)
    codes = [box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.count())]
    assert "police" not in codes
    assert codes == sorted(names.catalogue.departments.keys() - {"police"})
    metrics = box.fontMetrics()
    for i in range(box.count()):
        item = box.item(i)
        rect = box.visualItemRect(item)
        assert rect.width() >= 170, item.text()
        assert metrics.horizontalAdvance(item.text()) + 30 <= rect.width(), item.text()
    box.set_checked({"fire", "health"})
    assert box.checked() == tuple(c for c in codes if c in {"fire", "health"})
    box.set_checked(set())
    assert box.checked() == ()

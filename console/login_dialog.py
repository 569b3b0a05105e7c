"""Operator login for a remote dispatch server."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

translate = QCoreApplication.translate


class LoginDialog(QDialog):
    def __init__(self, server: str, user: str = "", workstation: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("LoginDialog", "Gridline — log in"))
        self.user = QLineEdit(user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.workstation = QLineEdit(workstation)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(translate("LoginDialog", "Server"), QLabel(server))
        form.addRow(translate("LoginDialog", "Operator"), self.user)
        form.addRow(translate("LoginDialog", "Password"), self.password)
        form.addRow(translate("LoginDialog", "Workstation"), self.workstation)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        (self.password if user else self.user).setFocus()

    def show_error(self, message: str) -> None:
        self.error.setText(message)

"""The small forms of the detail panel: what an action needs before it becomes a command.

Each form reads the incident from the console's mirror and turns its inputs into one command
(:meth:`~widgets.action_forms.base.ActionForm.build`), raising
:class:`~widgets.action_forms.base.FormError` for input it can already tell is incomplete.
Whether the command is allowed is the server's to say; its answer is shown by the detail panel
next to the form. One module per form; here, which action takes which form
(:func:`make_form`) and which are sent at once (:data:`IMMEDIATE`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from dispatch.domain import commands as cmd
from dispatch.domain import joint
from dispatch.domain.commands import Command
from dispatch.domain.state import Incident
from widgets.action_forms.assign import AssignForm
from widgets.action_forms.base import ActionForm
from widgets.action_forms.callback import CallbackForm, UrgeForm
from widgets.action_forms.close import CloseForm
from widgets.action_forms.department_step import DEPARTMENT_STEPS, DepartmentStepForm
from widgets.action_forms.escalate import EscalateForm
from widgets.action_forms.evaluate import EvaluateForm
from widgets.action_forms.extension import DecideExtensionForm, ExtensionForm
from widgets.action_forms.register import RegisterForm
from widgets.action_forms.release import ReleaseForm
from widgets.action_forms.release_department import ReleaseDepartmentForm
from widgets.action_forms.text import TextForm
from widgets.action_forms.verify import VerifyForm
from widgets.action_forms.whistle import ArrivalForm, WhistleForm
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate

# Actions sent at once, without a form (acknowledge and handle only on an incident with one
# department: on a joint one the form asks which department, see :func:`sent_at_once`).
IMMEDIATE: dict[str, Callable[[str], Command]] = {
    "acknowledge": lambda i: cmd.Acknowledge(i),
    "handle": lambda i: cmd.StartHandling(i),
    "unpark": lambda i: cmd.Unpark(i),
    "unsupervise": lambda i: cmd.Supervise(i, False),
}


def sent_at_once(key: str, incident: Incident) -> bool:
    """Whether the action goes out without a form for this incident."""
    return key in IMMEDIATE and not (key in DEPARTMENT_STEPS and joint.is_joint(incident))


def make_form(key: str, console: ConsoleModel, incident_id: str) -> ActionForm:
    """The form of an action that needs input (every key not in :data:`IMMEDIATE`)."""
    reason = translate("ActionForm", "Reason")
    text_forms: dict[str, tuple[str, Callable[[str, str], Command], bool]] = {
        "cancel": (reason, lambda i, t: cmd.CancelIncident(i, t), True),
        "return": (reason, lambda i, t: cmd.ReturnIncident(i, t), True),
        "rework": (reason, lambda i, t: cmd.Rework(i, t), True),
        "park": (reason, lambda i, t: cmd.Park(i, t), True),
        "note": (translate("ActionForm", "Note"), lambda i, t: cmd.AddNote(i, t), True),
        "supervise": (translate("ActionForm", "Note"), lambda i, t: cmd.Supervise(i, True, t),
                      False),
    }
    if key in text_forms:
        label, make, required = text_forms[key]
        return TextForm(console, incident_id, label, make, required=required,
                        placeholder="" if required else translate("ActionForm", "optional"))
    if key in DEPARTMENT_STEPS:
        return DepartmentStepForm(console, incident_id, key)
    if key == "register":
        return RegisterForm(console, incident_id)
    if key == "assign":
        return AssignForm(console, incident_id)
    if key == "release":
        return ReleaseForm(console, incident_id)
    if key == "release_department":
        return ReleaseDepartmentForm(console, incident_id)
    if key == "verify":
        return VerifyForm(console, incident_id)
    if key in ("close", "close_fixed", "duplicate"):
        initial = {"close_fixed": "fixed", "duplicate": "duplicate"}.get(key, "")
        return CloseForm(console, incident_id, initial)
    if key == "evaluate":
        return EvaluateForm(console, incident_id)
    if key == "request_extension":
        return ExtensionForm(console, incident_id)
    if key in ("approve_extension", "reject_extension"):
        return DecideExtensionForm(console, incident_id, key == "approve_extension")
    if key == "escalate":
        return EscalateForm(console, incident_id)
    if key == "callback":
        return CallbackForm(console, incident_id)
    if key == "urge":
        return UrgeForm(console, incident_id)
    if key == "whistle":
        return WhistleForm(console, incident_id)
    if key == "report_arrival":
        return ArrivalForm(console, incident_id)
    raise KeyError(f"no form for action {key!r}")

"""Incident and unit states, closure reasons, sources, escalation levels."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class IncidentStatus(StrEnum):
    REPORTED = "reported"          # collected (上报), waiting to be registered
    REGISTERED = "registered"      # 立案
    DISPATCHED = "dispatched"      # 派遣: the handling clock runs
    ACKNOWLEDGED = "acknowledged"  # 签收
    HANDLING = "handling"          # 处置
    RESPONDED = "responded"        # 反馈: the department says it is done
    VERIFIED = "verified"          # 核查 passed on site
    PARKED = "parked"              # 挂账: cannot be fixed in time, clock stopped
    CLOSED = "closed"              # 结案
    CANCELLED = "cancelled"        # 注销

    @property
    def is_open(self) -> bool:
        return self not in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED)


OPEN_STATUSES = frozenset(s for s in IncidentStatus if s.is_open)
# Statuses in which a department holds the incident.
WORKING_STATUSES = frozenset({IncidentStatus.DISPATCHED, IncidentStatus.ACKNOWLEDGED,
                              IncidentStatus.HANDLING})


class TaskState(StrEnum):
    """Where one department of an incident stands (joint dispatch, 联动): each signs for it,
    works and responds on its own clock; an assisting department may instead be released."""

    DISPATCHED = "dispatched"      # 派遣: its acknowledge clock runs
    ACKNOWLEDGED = "acknowledged"  # 签收
    HANDLING = "handling"          # 处置
    RESPONDED = "responded"        # 反馈
    RELEASED = "released"          # let go by the dispatcher (assisting departments only)

    @property
    def is_done(self) -> bool:
        return self in (TaskState.RESPONDED, TaskState.RELEASED)


class TaskRole(StrEnum):
    LEAD = "lead"      # 主办
    ASSIST = "assist"  # 协办


class CloseReason(StrEnum):
    FIXED = "fixed"
    DUPLICATE = "duplicate"
    NOT_RESPONSIBLE = "not_responsible"
    UNABLE_TO_FIX = "unable_to_fix"


class Source(StrEnum):
    GRID_WORKER = "grid_worker"    # patrol report from the grid worker's phone
    HOTLINE = "hotline"            # 12345
    CITIZEN_APP = "citizen_app"
    SENSOR = "sensor"              # IoT alarm
    VIDEO = "video"                # video analytics
    HIGHER_LEVEL = "higher_level"  # handed down by a higher level
    DISPATCHER = "dispatcher"      # entered at the console


class EscalationLevel(IntEnum):
    """Who handles the incident: 小事不出网格、大事不出社区、难事不出街道."""

    GRID = 4
    COMMUNITY = 3
    STREET = 2
    DISTRICT = 1
    CITY = 0

    @property
    def next_up(self) -> EscalationLevel | None:
        return None if self is EscalationLevel.CITY else EscalationLevel(self.value - 1)


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    BUSY = "busy"
    RETURNING = "returning"
    OFF_DUTY = "off_duty"
    OUT_OF_SERVICE = "out_of_service"


# Statuses in which a unit is tied to an incident.
ENGAGED_UNIT_STATUSES = frozenset({UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE,
                                   UnitStatus.ON_SCENE, UnitStatus.BUSY})
# Statuses from which a unit can be assigned.
ASSIGNABLE_UNIT_STATUSES = frozenset({UnitStatus.AVAILABLE, UnitStatus.RETURNING})

# Field status changes a unit may report (DISPATCHED only comes from an assignment).
UNIT_TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    UnitStatus.AVAILABLE: frozenset({UnitStatus.OFF_DUTY, UnitStatus.OUT_OF_SERVICE}),
    UnitStatus.DISPATCHED: frozenset({UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE}),
    UnitStatus.EN_ROUTE: frozenset({UnitStatus.ON_SCENE}),
    UnitStatus.ON_SCENE: frozenset({UnitStatus.BUSY, UnitStatus.RETURNING}),
    UnitStatus.BUSY: frozenset({UnitStatus.ON_SCENE, UnitStatus.RETURNING}),
    UnitStatus.RETURNING: frozenset({UnitStatus.AVAILABLE, UnitStatus.OFF_DUTY,
                                     UnitStatus.OUT_OF_SERVICE}),
    UnitStatus.OFF_DUTY: frozenset({UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE}),
    UnitStatus.OUT_OF_SERVICE: frozenset({UnitStatus.AVAILABLE, UnitStatus.OFF_DUTY}),
}

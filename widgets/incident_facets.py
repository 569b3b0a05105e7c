"""The queue filter's settings and the test each incident goes through.

Facets: status (a set), priority (a set), major class (a set), department (lead or assisting,
or the class's lead before dispatch), region (a code prefix: district, street, community,
grid), overdue only, open only (on by default), awaiting call-back (回访: closed citizen's
cases whose call-back is due), and a free-text search over the id,
description, grid name and code, class names in both languages and the reporter.
:meth:`IncidentFacets.failures` says which facets reject an incident (a bit each), from facts
cached by record version (:class:`Facts`) and a search text cached by version and language.

No Qt here: :class:`~widgets.incident_filter.IncidentFilterProxy` shows the rows that pass,
:class:`~widgets.filter_counts.FilterCounter` counts them per facet value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.citizen_loop import awaiting_callback
from dispatch.domain.state import Incident
from dispatch.domain.status import OPEN_STATUSES, IncidentStatus
from dispatch.domain.timelimits import overdue_from
from widgets import labels
from widgets.console_model import ConsoleModel

# Failure bits: which facet rejects a row.
(FAIL_STATUS, FAIL_PRIORITY, FAIL_MAJOR, FAIL_DEPARTMENT, FAIL_REGION, FAIL_OVERDUE, FAIL_OPEN,
 FAIL_SEARCH, FAIL_CALLBACK) = (1 << i for i in range(9))
# Per status: (its value, open?): ``inc.status.value`` goes through the enum's descriptor.
_STATUS_FACTS: dict[Any, tuple[str, bool]] = {s: (s.value, s in OPEN_STATUSES)
                                              for s in IncidentStatus}


class Facts(NamedTuple):
    """What the facets read of one incident at one version (a tuple: made for thousands of
    incidents at a time)."""

    version: int
    status: str
    priority: str
    major: str
    departments: tuple[str, ...]
    grid: str
    is_open: bool
    overdue_from: float
    awaiting_callback: bool = False  # closed, its call-back (回访) due and not yet made


class IncidentFacets:
    """The filter's settings (every open incident by default) and the test against them."""

    def __init__(self, console: ConsoleModel) -> None:
        self.console = console
        self.statuses: frozenset[str] = frozenset()
        self.priorities: frozenset[str] = frozenset()
        self.majors: frozenset[str] = frozenset()
        self.departments: frozenset[str] = frozenset()
        self.region = ""
        self.overdue_only = False
        self.open_only = True
        self.callback_only = False
        self.search = ""
        self._needle = ""
        self._haystacks: dict[str, tuple[int, str, str]] = {}  # id → (version, language, text)
        self._facts: dict[str, Facts] = {}
        # class code → (major, departments before dispatch), for the catalogue _classes_of
        self._classes: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._classes_of: Catalogue | None = None

    # ------------------------------------------------------------------------ settings

    def set_statuses(self, values: Iterable[str]) -> None:
        self.statuses = frozenset(values)

    def set_priorities(self, values: Iterable[str]) -> None:
        self.priorities = frozenset(values)

    def set_majors(self, values: Iterable[str]) -> None:
        self.majors = frozenset(values)

    def set_departments(self, values: Iterable[str]) -> None:
        self.departments = frozenset(values)

    def set_region(self, prefix: str) -> None:
        self.region = prefix.strip()

    def set_overdue_only(self, on: bool) -> None:
        self.overdue_only = bool(on)

    def set_open_only(self, on: bool) -> None:
        self.open_only = bool(on)

    def set_callback_only(self, on: bool) -> None:
        """Only closed citizen's cases awaiting their call-back (待回访); these are closed,
        so the open-only facet gives way while this is on."""
        self.callback_only = bool(on)

    def set_search(self, text: str) -> None:
        self.search = text
        self._needle = text.strip().lower()

    def clear(self) -> None:
        """Back to the default: every open incident."""
        self.statuses = self.priorities = self.majors = self.departments = frozenset()
        self.region, self.overdue_only, self.open_only = "", False, True
        self.callback_only = False
        self.search = self._needle = ""

    # ------------------------------------------------------------------------ the test

    def departments_of(self, inc: Incident) -> tuple[str, ...]:
        """The departments the department facet reads: lead and assisting, or the class's
        lead before dispatch."""
        if inc.lead_department:
            return inc.departments
        return self._class_facts(inc.class_code)[1]

    def _class_facts(self, code: str) -> tuple[str, tuple[str, ...]]:
        """(major class, departments before dispatch) of a class code, cached per code."""
        cat = self.console.catalogue
        if cat is not self._classes_of:
            self._classes, self._classes_of = {}, cat
        got = self._classes.get(code)
        if got is None:
            try:
                lead: tuple[str, ...] = (cat.lead_department_of(code),)
            except KeyError:
                lead = ()
            got = self._classes[code] = (labels.major_of(cat, code), lead)
        return got

    def _haystack(self, inc: Incident) -> str:
        lang = self.console.language
        got = self._haystacks.get(inc.id)
        if got is not None and got[0] == inc.version and got[1] == lang:
            return got[2]
        cat, city = self.console.catalogue, self.console.city
        parts = [inc.id, inc.description, inc.reporter, inc.grid, inc.external_ref,
                 labels.region_name(city, inc.grid)]
        for code in (inc.class_code, labels.major_of(cat, inc.class_code)):
            for language in ("zh", "en"):
                parts.append(labels.class_name(cat, code, language))
        minor = cat.minors.get(inc.class_code[:4])
        if minor is not None and len(inc.class_code) == 6:
            parts += [minor.name_zh, minor.name_en]
        text = "\n".join(parts).lower()
        self._haystacks[inc.id] = (inc.version, lang, text)
        return text

    def forget_others(self, incidents: dict[str, Incident]) -> None:
        """Drop what is cached about incidents not in ``incidents`` (gone from the mirror)."""
        if len(self._facts) > len(incidents):
            self._facts = {k: v for k, v in self._facts.items() if k in incidents}
        if len(self._haystacks) > len(incidents):
            self._haystacks = {k: v for k, v in self._haystacks.items() if k in incidents}

    def facts(self, inc: Incident) -> Facts:
        """What the facets read of ``inc`` (cached by record version)."""
        got = self._facts.get(inc.id)
        if got is not None and got.version == inc.version:
            return got
        value, is_open = _STATUS_FACTS[inc.status]
        major, default = self._class_facts(inc.class_code)
        got = self._facts[inc.id] = Facts(
            inc.version, value, inc.priority, major,
            inc.departments if inc.lead_department else default,
            inc.grid, is_open, overdue_from(inc), awaiting_callback(inc))
        return got

    def failures(self, inc: Incident, now: float) -> int:
        """Bit mask of the facets that reject ``inc`` (0: it shows)."""
        return self.failures_of(self.facts(inc), inc, now)

    def failures_of(self, f: Facts, inc: Incident, now: float) -> int:
        """:meth:`failures` from the facts of ``inc`` already taken (:meth:`facts`)."""
        bad = 0
        if self.statuses and f.status not in self.statuses:
            bad |= FAIL_STATUS
        if self.priorities and f.priority not in self.priorities:
            bad |= FAIL_PRIORITY
        if self.majors and f.major not in self.majors:
            bad |= FAIL_MAJOR
        if self.departments and not self.departments.intersection(f.departments):
            bad |= FAIL_DEPARTMENT
        if self.region and not f.grid.startswith(self.region):
            bad |= FAIL_REGION
        if self.overdue_only and not now >= f.overdue_from:
            bad |= FAIL_OVERDUE
        if self.open_only and not f.is_open and not self.callback_only:
            bad |= FAIL_OPEN
        if self.callback_only and not f.awaiting_callback:
            bad |= FAIL_CALLBACK
        if self._needle and self._needle not in self._haystack(inc):
            bad |= FAIL_SEARCH
        return bad

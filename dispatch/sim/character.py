"""The simulated field's character: some departments and streets work worse than others.

A real month's ranking differs between streets and departments for reasons one can see in the
cases: a department that often acknowledges and responds late, a street whose citizens are
less often satisfied and call again more. A uniform simulation ranks every group alike, so
each department and street gets a fixed *factor* (1.0 is the city's average, above it worse),
drawn from the run's seed, and the shares of the field's behaviour that evaluation counts are
scaled by it for each incident:

- ``late_share`` (a stage done after its limit) by the lead department's and the street's
  factors (per department on a joint dispatch);
- the unsatisfied share of call-backs and the urge shares by the street's factor.

Pure: the same seed gives the same character; the factors are logged at start so the people
reading a ranking can check it against the cases.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

from dispatch.domain.state import Incident
from dispatch.sim.plans import Behaviour

STREET_PREFIX = 9  # the grid code's first nine digits are its street (街道)
MAX_LATE = 0.5
MAX_URGE = 0.6


@dataclass(slots=True)
class Character:
    """Factors per department and street, drawn once per code from the seed.

    ``spread`` is the standard deviation of the factors' logarithm: 0 makes every group
    average (the behaviour's shares as given)."""

    seed: int
    spread: float = 0.6
    _factors: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    def factor(self, kind: str, code: str) -> float:
        """The fixed factor of a department (``kind`` "department") or street ("street")."""
        key = (kind, code)
        f = self._factors.get(key)
        if f is None:
            if self.spread <= 0 or not code:
                f = 1.0
            else:
                rng = random.Random(f"{self.seed}|character|{kind}|{code}")
                f = min(max(math.exp(rng.gauss(0.0, self.spread)), 0.3), 4.0)
            self._factors[key] = f
        return f

    def street(self, inc: Incident) -> float:
        return self.factor("street", inc.grid[:STREET_PREFIX])

    def department(self, code: str) -> float:
        return self.factor("department", code)

    def late_share(self, b: Behaviour, inc: Incident, department: str | None = None) -> float:
        """The share of stages done late on this incident (by this department)."""
        dept = department if department is not None else inc.lead_department
        return min(b.late_share * self.department(dept) * self.street(inc), MAX_LATE)

    def for_incident(self, b: Behaviour, inc: Incident) -> Behaviour:
        """The behaviour the field shows on this incident: late share by its lead department
        and street; the citizen's satisfaction and repeat calls by its street."""
        s = self.street(inc)
        unsatisfied = max(0.0, 1.0 - b.callback_satisfied - b.callback_basic)
        worse = min(unsatisfied * s, 0.6)
        satisfied = max(b.callback_satisfied - (worse - unsatisfied), 0.0)
        return replace(b, late_share=self.late_share(b, inc),
                       callback_satisfied=satisfied,
                       urge_share=min(b.urge_share * s, MAX_URGE),
                       urge_again_share=min(b.urge_again_share * s, MAX_URGE))

    def extremes(self, kind: str, codes: list[str], n: int = 3
                 ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """The ``n`` best (lowest factor) and worst groups of ``codes``."""
        ranked = sorted(((c, self.factor(kind, c)) for c in codes), key=lambda x: (x[1], x[0]))
        return ranked[:n], ranked[::-1][:n]

"""The field simulator: realistic, seeded load against a running dispatch server.

It logs in as the field gateway (grid workers' phone app, 12345 hotline intake, IoT and video
platforms, AVL) and, optionally, as a shift lead who plays the back office; it follows the live
state through a :class:`~dispatch.adapters.client.StateMirror` and sends only commands that the state
allows. Scripted scenarios (``resources/scenarios/*.json``) run on top of the background load.

    python main.py sim --insecure --command-port 5556 --incidents-per-hour 300 --scenario gas_leak

Its command line is :mod:`dispatch.entrypoints.sim`; see ``docs/SIMULATOR.md``.
"""

from dispatch.sim.config import SimConfig, SimStats
from dispatch.sim.scenarios.loading import (
    Scenario,
    ScenarioError,
    Step,
    list_scenarios,
    load_scenario,
)
from dispatch.sim.simulator import Simulator

__all__ = ["Scenario", "ScenarioError", "SimConfig", "SimStats", "Simulator", "Step",
           "list_scenarios", "load_scenario"]

"""Scripted simulator scenarios as JSON; loaded by :mod:`dispatch.sim.scenarios`."""

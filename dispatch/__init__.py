"""Gridline dispatch core: city model, catalogue, case workflow, event store, protocol.

Nothing in this package imports Qt; the console is only one of its clients.
"""

"""Qt widgets and item models of the dispatcher workstation.

:class:`widgets.console_model.ConsoleModel` is the hub: it holds the live mirror of the dispatch
state, the selection and the command round trip; every model and panel here reads from it and
asks it to send commands. No business rule lives in a widget: what an operator may do is asked
of :mod:`dispatch.domain.available_actions`, what a typed line means of :mod:`dispatch.domain.cmdline`.
"""

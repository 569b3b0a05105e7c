"""Scripted scenarios: a JSON list of timed commands, run against the live server.

Format (``resources/scenarios/<name>.json``)::

    {
      "name": "gas_leak",
      "title": "工厂燃气泄漏：警网融合联动处置",
      "description": "free text",
      "steps": [
        {"at": 0, "command": "report", "save": "leak",
         "args": {"source": "grid_worker", "class_code": "$class:燃气泄漏",
                  "position": "$grid:320505", "description": "…"}},
        {"at": 120, "command": "assign",
         "args": {"incident_id": "$incident", "lead_department": "housing",
                  "assist_departments": ["police", "emergency", "fire", "traffic_police"],
                  "units": ["$units:police:2", "$units:fire:2"]}},
        {"at": 170, "command": "unit_status",
         "args": {"unit_id": "$assigned", "status": "en_route"}},
        {"at": 0, "command": "surge",
         "args": {"count": 300, "window": 3600, "class": "积水内涝", "district": 0,
                  "sources": {"grid_worker": 0.35, "hotline": 0.4, "sensor": 0.25},
                  "profile": "peak", "peak": 0.35}}
      ]
    }

``at`` is in seconds of server time after the scenario starts; steps run in time order (file
order for equal times). ``command`` is a command's wire name (:data:`dispatch.domain.commands.COMMAND_TYPES`)
or ``surge``; ``args`` are the command's arguments; ``as`` is ``field`` (the field gateway) or
``lead`` (the shift lead) and defaults by command (register, assign, escalate, close… are the
lead's); ``save`` names the incident a report created.

Placeholders in argument values:

- ``$incident`` — the incident of the latest report step; ``$incident:<name>`` a saved one;
- ``$units:<department>:<n>`` — n units of the department nearest the incident, from the live
  mirror: available before returning home, capable (of what the class requires) first;
  spliced into a list;
- ``$assigned`` / ``$assigned:<department>`` — the units now on the incident; ``$sent`` — every
  unit the scenario sent to it (still useful after they were released);
- ``$class:<name>`` — the class code of a minor class or problem named in Chinese or English;
- ``$worker`` — the grid worker (unit id) of the incident's grid.

A list given where the command wants one text (``unit_id``) runs the step once per item.
Report steps take ``position`` instead of ``lon``/``lat``: ``$grid:<district index or code>``
(a random point of a random grid there) or ``@near:<lon>,<lat>[,<radius m>]``; ``description``
and ``reporter`` are written for the class and source when left out. The incident of a report
step is driven by the scenario only (the background agent leaves it alone) unless the step says
``"adopt": false``. A ``surge`` sends ``count`` reports of ``class`` spread over ``window``
seconds (``profile`` ``uniform`` or ``peak`` with the peak at fraction ``peak``) in ``district``
(index or code; whole city when left out) from ``sources`` (weights); those incidents go on
through the background workflow.

The parts: :mod:`.loading` defines a scenario and reads and checks its file; :mod:`.runner`
runs one against the live server through the simulator (:class:`~.runner.ScenarioHost`).
"""

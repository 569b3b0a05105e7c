"""The dispatcher's command line: short verbs typed at the console, parsed into commands.

    rg 12                      register E000012 (optionally: a class code, a priority)
    as 12 U-police-3 U-fire-1 lead=police +fire
    cl E12 duplicate E7        close E000012 as a duplicate of E000007
    es 12 street 需要街道协调    escalate; the rest of the line is the reason

Incident ids accept short forms (``12``, ``E12``, ``e000012`` → ``E000012``) and ``.`` for the
incident selected at the console. Free text (reasons, notes, comments) is the rest of the line,
spaces and all, so Chinese reasons need no quoting. :func:`parse` raises
:class:`CommandLineError` with a message to show next to the line; :func:`complete` offers
candidates for the word being typed.

Only syntax is checked here (plus unit and department names when the caller passes the known
ones); whether the command is allowed now is for the server to say.

The parts: :mod:`.line` reads the words of a line (incident ids, durations, unit and
department names) and defines :class:`~.line.CommandLineError`; :mod:`.verbs` builds each
verb's command from its words and holds the verb table; :mod:`.parser` picks the verb and
runs it (:func:`~.parser.parse`); :mod:`.completion` offers candidates
(:func:`~.completion.complete`).
"""

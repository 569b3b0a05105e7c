"""Shift report files: CSV (the ``csv`` module) and PDF (reportlab).

Both hold the KPIs of the window (city, by district, by department), the overdue and
escalated incidents, their timelines and the bookmarks. The CSV is made of sections, each
a marker row ``[name]``, a header row of fixed English keys and data rows, then a blank row;
it is written as UTF-8 with a byte-order mark so spreadsheet programs read the Chinese names.
:func:`read_csv` reads it back. Times are local (the city's time zone), rates are fractions.

The PDF uses reportlab's CID font ``STSong-Light`` for Chinese (Adobe-GB1, no font file
needed; PDF viewers supply the glyphs).

The figures come from :func:`dispatch.services.replay.shift_report`; here they are written:
:mod:`.names` says how the report names things (in Chinese or English, local times),
:mod:`.csv_file` writes and reads the CSV, :mod:`.pdf` writes the PDF.
"""

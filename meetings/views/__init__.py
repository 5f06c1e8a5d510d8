"""Meeting pages, one module per concern: the meeting and its agenda, the room's display, decisions,
the minutes, and the follow-up list and concordance report.

Viewers read everything here; building agendas and moving the display needs
``meetings.manage_meetings``; recording and signing decisions needs ``meetings.record_decision``.
"""

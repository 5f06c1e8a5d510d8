"""The tumor board's meetings: agendas, the room's display, decisions, minutes, follow-up and the
concordance report. Meetings may import cases; cases never imports meetings."""

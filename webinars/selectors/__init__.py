"""Reading events: ``events`` (the public lists, events a trainer manages), ``registrations`` (who may manage an
event, places, the waiting list, participants) and ``calendar`` (what calendar files are written from)."""

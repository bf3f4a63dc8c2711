"""Hardware libraries written with the user-facing mechanisms (memories, externs)."""

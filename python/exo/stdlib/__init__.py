"""exo.stdlib: scheduling helpers in the module layout of exo-lang."""

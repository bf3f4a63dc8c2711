"""Hardware libraries: memories and instructions for specific targets."""

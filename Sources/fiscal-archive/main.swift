// placeholder, replaced by the command-line wiring

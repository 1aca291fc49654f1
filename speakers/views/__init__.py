"""Pages for speaker and event requests. Each view parses input, calls one service or selector, renders."""

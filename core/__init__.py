"""Cross-cutting leaves every app may import: crypto primitives and key loading."""

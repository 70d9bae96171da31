"""Models of the funding app; filled by its own issue."""

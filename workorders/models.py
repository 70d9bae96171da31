"""Models of the workorders app; filled by its own issue."""

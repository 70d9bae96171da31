"""Models of the staffing app; filled by its own issue."""

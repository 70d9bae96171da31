"""Models of the ratings app; filled by its own issue."""

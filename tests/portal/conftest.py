from tests.workorders.conftest import categories, file_order  # noqa: F401  (the same fixtures here)

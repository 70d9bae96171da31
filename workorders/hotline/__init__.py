"""平台转办: work orders transferred from the 12345 hotline platform, by an authenticated API endpoint
(workorders.hotline.api) or a CSV export (workorders.hotline.csvfile + services.hotline_orders_import).
Both land in `services.hotline_order_receive`, idempotent on the hotline's order number."""

"""Intake of work orders: the resident QR channel (码上反馈), photos, the grid worker's 格格发现 form, staff
entry of phone calls, walk-ins and orders from above, and the compound's QR poster."""

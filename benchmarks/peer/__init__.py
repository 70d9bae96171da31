"""The peer of `make bench-peer`: a minimal django-helpdesk site (its own venv under var/peer, its own database)."""

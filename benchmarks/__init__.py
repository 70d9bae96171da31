"""`make bench`: intake throughput and filing-to-assignment latency against a running server and a real
Celery worker, with a bare Django insert endpoint as the yardstick (see benchmarks/run.py)."""

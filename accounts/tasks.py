"""Nightly upkeep of sign-in records: expired and revoked API keys, old django-axes failure records."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.apikeys import api_keys_purge


@shared_task(name="accounts.tasks.purge_auth_records_task")
def purge_auth_records_task() -> dict[str, int]:
    """Delete API keys expired or revoked over 30 days ago, and axes' attempt and log records older than
    AXES_RECORDS_KEEP_DAYS. Safe to run twice."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    actor = SystemActor(name="task:accounts.purge_auth_records_task")
    keys = api_keys_purge(actor=actor)
    cutoff = timezone.now() - datetime.timedelta(days=settings.AXES_RECORDS_KEEP_DAYS)
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    logs, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return {"api_keys": keys, "access_attempts": attempts, "access_failures": failures, "access_logs": logs}

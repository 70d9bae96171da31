"""Row-level security on every tenant-owned table of funding (accounts.rls): a row is seen and written only in its
district's transactions (capillary.district) or on the platform's explicit path (capillary.platform)."""

from django.db import migrations

from accounts.rls import EnableRLS


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_ledger_entries_append_only"),
        ("accounts", "0009_user_manager_with_scope"),
    ]

    operations = [
        EnableRLS("funding_fundpolicy"),
        EnableRLS("funding_fundpolicyevent", events=True),
        EnableRLS("funding_fundoverride"),
        EnableRLS("funding_fundoverrideevent", events=True),
        EnableRLS("funding_tierproration"),
        EnableRLS("funding_tierprorationevent", events=True),
        EnableRLS("funding_fundaccount"),
        EnableRLS("funding_fundaccountevent", events=True),
        EnableRLS("funding_ledgerentry"),
        EnableRLS("funding_ledgerentryevent", events=True),
        EnableRLS("funding_specialproject"),
        EnableRLS("funding_specialprojectevent", events=True),
        EnableRLS("funding_donation"),
        EnableRLS("funding_donationevent", events=True),
        EnableRLS("funding_disbursement"),
        EnableRLS("funding_disbursementevent", events=True),
        EnableRLS("funding_disbursementdocument"),
        EnableRLS("funding_disbursementdocumentevent", events=True),
        EnableRLS("funding_yearend"),
        EnableRLS("funding_yearendevent", events=True),
        EnableRLS("funding_carryover"),
        EnableRLS("funding_carryoverevent", events=True),
        EnableRLS("funding_bonuspool"),
        EnableRLS("funding_bonuspoolevent", events=True),
        EnableRLS("funding_bonusquarter"),
        EnableRLS("funding_bonusquarterevent", events=True),
        EnableRLS("funding_bonusaward"),
        EnableRLS("funding_bonusawardevent", events=True),
    ]

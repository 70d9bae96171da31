"""Every write of funding, one module per concern: the ledger (posting, reversing), the fund policy (amounts per
tier, overrides, tier changes pro rata), the other sources (special projects, donations), disbursements, the
year end, the bonus pools. Keyword-only, typed, atomic, run as an explicit actor."""

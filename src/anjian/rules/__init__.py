"""Regulatory rules as pure functions over data tables (no Django, no I/O).

Every threshold, band and interval lives in a data table; each table row cites its source
(statute, article, mirror path or URL), its verification status as recorded in
``/work/shared/domain/regulations.md`` (VERIFIED-PRIMARY / VERIFIED-SECONDARY / UNVERIFIED)
and its effective dates (``effective_from`` / ``effective_to``), so that a rule can be
re-checked and replaced by date without touching the code that applies it.
"""

"""The officials' numbers: summaries by commune × target group × module, built from the rollups
(`storage/reports.py`) and the targets, and read through one document with small counts
suppressed (`model.document`).

Modules:
    model: the summary, its rows, the `hocvuso.summary/1` document and suppression (pure).
    build: `build_summary`, a summary for an official's scope and filters.
    push, push_config, auth, delivery, source: the scheduled push of snapshots to the
        provincial tracking system through the outbox (docs/reporting-api.md).
"""

"""The officials' numbers: summaries by commune × target group × module, built from the rollups
(`storage/reports.py`) and the targets, and read through one document with small counts
suppressed (`model.document`).

Modules:
    model: the summary, its rows, the `hocvuso.summary/1` document and suppression (pure).
    build: `build_summary`, a summary for an official's scope and filters (`OutOfScope`
        outside it), and `ReportContext` (places, former communes, zone, content version).
    media, web: `/baocao`'s chart as a reply picture (`report/<secret>.png`) and its route
        (`/report/chart/<secret>.png`, drawn for the secret's official).
    labels: the column titles, group names and notes officials read (gettext, Vietnamese).
    export: the document as CSV (machine names, UTF-8 with BOM), XLSX (openpyxl) and a
        fixed-width terminal table; text cells defused against formula injection.
    chart: the document as a PNG bar chart (percent of target) with a weekly trend
        (matplotlib, object API, the shipped DejaVu font).
    push, push_config, auth, delivery, source: the scheduled push of snapshots to the
        provincial tracking system through the outbox (docs/reporting-api.md).
    xapi: the optional xAPI sink, completion statements to a learning record store.
"""

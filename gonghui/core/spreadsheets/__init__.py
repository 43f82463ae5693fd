"""Reading uploaded spreadsheets (.xlsx and CSV) with every cost bounded, for every import:
``reader`` detects the format and streams rows, ``sandbox`` runs the .xlsx parser
(``xlsxparse``) in a limited child process. What the rows mean (a member roster's columns, a
station sheet's) is the importing app's business; ``cells`` keeps exported text from running as a
formula (docs/ops/uploads.md, ADR 0012)."""

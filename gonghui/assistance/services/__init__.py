"""Writes of the assistance app, split by concern; import from the submodules:
``households`` (opening a file and the checks of its data), ``workflow`` (初审 → visit → upper
review → 公示 → filed, close, reopen), ``editing``, ``payments`` (help paid, monthly incomes),
``reviews`` (periodic review, 脱困), ``monitoring`` (防止返困), ``attachments``, ``bank_cards``,
``dibao`` (the 低保 table), and what they share: ``timeline`` (lock, state, timeline line, move),
``assessment`` (the category on a day) and ``dates`` (the file's calendar)."""

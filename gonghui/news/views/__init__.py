"""Pages of the news app: officer pages (``officer``), readers' pages and the Atom feed
(``public``), and the sensitive-word highlighting reviewers read (``marks``)."""

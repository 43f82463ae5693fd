"""Scoped reads of the stations app, by concern: ``stations`` (the registry, the public pages,
the keeper's and the officers' lists, check-in counts), ``tickets`` (repair tickets and the
closed-loop rate) and ``suggestions`` (suggested sites). Out of scope answers 404 like a
missing object (``organisations.scoping``, ``stations.permissions``)."""

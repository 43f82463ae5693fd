"""Writes of the innovation app: ``ideas`` (五小 ideas, support, review, moderation) and
``studios`` (studios, reviews, funding, alliances)."""

"""Writes of the innovation app: ``ideas`` (五小 ideas, support, review, moderation),
``studios`` (studios, team, achievements, reviews, funding) and ``alliances`` (alliances of
studios, their lead terms and joint projects)."""

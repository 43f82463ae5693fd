"""Writes of the honours app: ``registry`` (honour_grant), ``nominations`` (lists, nominees,
review, 公示, approval) and ``objections``."""

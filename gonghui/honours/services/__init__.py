"""Writes of the honours app: ``registry`` (honour_grant), ``lists`` (nomination lists: open,
quotas, 公示, approval, cancelling), ``nominees`` (recommend, review level by level, resubmit,
withdraw, strike off) and ``objections``."""

"""Tamper evidence and the auditor's reads: the hash chain over the recorded history, its
verification, and a worker's audit trail."""

"""The domain: plain functions that check permission, change state, write the audit, and flush.

They never commit: the request (or CLI command, or worker job) commits once or rolls back.
"""

"""Moved to app/outbox.py (the queue) and app/worker.py (the loop).

Kept only while app/search/elasticsearch_backend.py still imports ``enqueue`` from here: delete
this file once it imports from app.outbox.
"""
from app.outbox import enqueue  # noqa: F401

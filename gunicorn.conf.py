"""gunicorn settings for Birge, all from the environment (bin/serve-production starts gunicorn with it).

Any other gunicorn setting can be given in GUNICORN_CMD_ARGS; FORWARDED_ALLOW_IPS (gunicorn's own)
names the load balancers whose X-Forwarded-Proto is trusted.
"""
import os

bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
# A request that takes longer than this is cut and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On SIGTERM, requests in flight get this long to finish.
graceful_timeout = 20
# Replace each worker after about this many requests, so memory one large upload took comes back.
# Not much sooner: a new worker takes about two seconds to start (and its first search loads the
# index's column arrays), which at 1,000 requests was a fifth of a busy worker's time.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# gunicorn's control socket (gunicornc) lives at one path per user, which a second gunicorn on the
# machine would take over; nothing here uses it.
control_socket_disable = True

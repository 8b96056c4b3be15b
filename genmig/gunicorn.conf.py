"""Gunicorn settings for the GenMig website: `gunicorn -c genmig/gunicorn.conf.py genmig.wsgi`.

Each value can be changed from the environment (see .env.example). Gunicorn speaks plain HTTP:
in production a TLS-terminating proxy (which also buffers slow clients) stands in front.
"""

import multiprocessing
import os

wsgi_app = "genmig.wsgi:application"

# Where to listen: a loopback port behind a proxy on the same machine; 0.0.0.0:8000 when the
# proxy is elsewhere.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers, each serving one request at a time: two per core and one more.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

# A worker silent this long is killed and replaced; a request should never come close.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On a restart, requests under way get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Replace a worker after this many requests (0: never), should memory ever creep up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10

# Nothing manages instances at run time through gunicorn's control socket (and several
# instances on one machine would share its one path).
control_socket_disable = True

# The proxies allowed to tell, in X-Forwarded-For and X-Forwarded-Proto, whom they serve.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: every request and every server event on standard output, one line each.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") != "0" else None
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "genmig.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "access": {"format": "%(asctime)s ACCESS %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "stream": "ext://sys.stdout",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
        },
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}

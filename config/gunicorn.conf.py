"""gunicorn as ``make run`` serves Gonghui, and the base of production (docs/ops/deploy.md §4):
``gunicorn config.wsgi:application -c config/gunicorn.conf.py --bind HOST:PORT``. Options
given on the command line (``--workers 4``) or in ``GUNICORN_CMD_ARGS`` win over this file.

Keep-alive is the setting that matters under load. gunicorn's default (2 s) closes a
connection that has been idle for 2 s, while browsers and HTTP clients keep idle connections
for minutes and reuse them: a request sent as the server closes lands on a dead socket and the
client sees "connection reset by peer" (browsers resend a GET; a form POST fails). The side that
closes an idle connection must be the client, so the server waits longer than any client or
proxy in front of it keeps one (nginx's upstream keep-alive and most load balancers: 60 s).
gthread workers keep idle connections in their poller, not in a thread, so waiting is cheap; past
``worker_connections`` per worker gunicorn answers with ``Connection: close`` (a clean close).
"""

# Threads share a worker's memory and database connections; a page mostly waits on the database.
worker_class = "gthread"
workers = 2
threads = 4

# Idle keep-alive connections stay open 75 s: longer than clients and proxies keep them.
keepalive = 75
# Connections per worker, idle ones included (each is one file descriptor).
worker_connections = 1000
# Connections waiting to be accepted (the kernel caps it at net.core.somaxconn).
backlog = 2048
# A worker that has not reported for this long is restarted (its requests are cut off).
timeout = 60
graceful_timeout = 30

# Access log to stdout without query strings: a search for an ID or phone number must not land
# in logs.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# The reference A2A agent of a2a-harness, as an image (docker-compose.yml runs two of them on
# Redis behind nginx; fixtures/containers.py builds it for the test suite where Docker exists).
#
#   docker build -t a2a-harness-agent .
#   docker run --rm -p 127.0.0.1:9999:9999 a2a-harness-agent
#
# Arguments after the image name replace CMD, e.g. to use Redis and advertise the public URL:
#   ... a2a-harness-agent a2a-harness serve --host 0.0.0.0 --port 9999 \
#         --store redis://redis:6379/0 --public-url https://agent.example.com/
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only what the distribution is built from (.dockerignore keeps tests, caches and .git out).
COPY pyproject.toml README.md ./
COPY a2a_harness ./a2a_harness
COPY reference_agent ./reference_agent
COPY conformance ./conformance
COPY fixtures ./fixtures
COPY load ./load
COPY reports ./reports

# Installed as root into the image's Python; the agent then runs as an unprivileged user that
# owns nothing in the image (it writes no files: logs go to stderr, state to its store).
RUN pip install . \
    && rm -rf build ./*.egg-info \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin a2a

USER 10001:10001

EXPOSE 9999

# /healthz answers 200 while the process serves (readiness with the store is /readyz). The
# slim image has no curl: the check is a Python one-liner against the loopback inside.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:9999/healthz', timeout=2).status == 200 else 1)"]

# 0.0.0.0 INSIDE the container: the container's own network namespace is the boundary, and a
# loopback-only agent could not be reached through the published port or by other containers.
# Publish it on the host's loopback (-p 127.0.0.1:9999:9999) unless you mean to expose it.
CMD ["a2a-harness", "serve", "--host", "0.0.0.0", "--port", "9999"]

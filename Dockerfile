# syntax=docker/dockerfile:1
# One image recipe for every service, chosen by the build argument SERVICE:
#   docker build --build-arg SERVICE=reservation --build-arg PORT=8081 -t msgplat-reservation .
# SERVICE is a service of the registry (contracts/services.py), a package under msgplat;
# the container runs `uvicorn msgplat.$SERVICE.app:create_app --factory` on $PORT. Only
# the gateway's image gets the dashboard, built in a Node stage (BuildKit builds only the
# stages the chosen SERVICE needs).
# tests/test_compose.py parses this file: stages, user, what is copied, every service.
ARG PYTHON_VERSION=3.11
ARG NODE_VERSION=22
ARG SERVICE=gateway

# --- The dashboard (Vue 3 + Vite): npm ci && npm run build -> /frontend/dist -----------
FROM node:${NODE_VERSION}-slim AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- Python dependencies and the msgplat package into a virtualenv ---------------------
FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# .dockerignore keeps tests, docs, k8s, the front end's node_modules and dist out.
COPY . .
# A regular (not editable) install: the final image needs the venv only, not the
# sources. pip itself is then removed: nothing installs anything at run time.
RUN pip install . && pip uninstall --yes pip

# --- What every service runs on: the venv, a non-root user, nothing else ---------------
FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001

# --- One stage per service (FROM service-${SERVICE} below picks one) -------------------
FROM runtime AS service-carrier
FROM runtime AS service-reservation
FROM runtime AS service-send
FROM runtime AS service-billing
FROM runtime AS service-stat
FROM runtime AS service-monitoring

FROM runtime AS service-gateway
# The gateway serves the dashboard from FRONTEND_DIR.
COPY --from=frontend --chown=10001:10001 /frontend/dist /app/frontend/dist
ENV FRONTEND_DIR=/app/frontend/dist

# --- The image ----------------------------------------------------------------------------
FROM service-${SERVICE}
ARG SERVICE
ARG PORT=8088
ENV SERVICE=${SERVICE} PORT=${PORT}
USER 10001:10001
EXPOSE ${PORT}
# For `docker run` and compose; Kubernetes ignores it and uses the Deployment's probes
# (readiness /health/ready, liveness /health/live).
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=6 \
    CMD ["sh", "-c", "python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:${PORT}/health/ready', timeout=3)\""]
# exec: the server is PID 1 and gets SIGTERM itself (plumbing/serve.py: uvicorn, exit 0
# after a clean stop). It drains requests for up to --timeout-graceful-shutdown, then
# the service finishes its work in hand for up to SHUTDOWN_GRACE_S (k8s: preStop sleep
# + both < terminationGracePeriodSeconds).
CMD ["sh", "-c", "exec python -m msgplat.plumbing.serve \"msgplat.${SERVICE}.app:create_app\" --factory --host 0.0.0.0 --port \"${PORT}\" --no-access-log --timeout-graceful-shutdown 10"]

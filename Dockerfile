# One image recipe for every service: docker build --build-arg SERVICE=reservation --build-arg PORT=8081 .
# SERVICE is a package under msgplat (reservation, send, billing, stat, monitoring, gateway,
# carrier); the container runs `uvicorn msgplat.$SERVICE.app:create_app --factory` on $PORT.
# (The front end's Node build stage, served by the gateway, comes with issues 6 and 8.)
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY . .
# A regular (not editable) install: the final image needs the venv only, not the sources.
RUN pip install .

FROM python:${PYTHON_VERSION}-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001

ARG SERVICE=gateway
ARG PORT=8088
ENV SERVICE=${SERVICE} PORT=${PORT}
EXPOSE ${PORT}
# exec: uvicorn is PID 1 and gets SIGTERM itself, then shuts down gracefully.
CMD ["sh", "-c", "exec uvicorn \"msgplat.${SERVICE}.app:create_app\" --factory --host 0.0.0.0 --port \"${PORT}\" --no-access-log --timeout-graceful-shutdown 20"]

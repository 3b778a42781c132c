# monitor: slim, non-root. feeds.yaml is mounted read-only; the database lives on a volume.
#   docker build -t monitor .
#   docker run -v "$PWD/feeds.yaml:/config/feeds.yaml:ro" -v monitor-data:/data monitor
FROM python:3.11-slim AS build
# a C compiler for the matcher's extension (monitor/match/_chunks.c); only in this stage
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY monitor ./monitor
COPY storage ./storage
COPY alerts ./alerts
RUN pip install --no-cache-dir --prefix=/install ".[postgres]"

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin monitor \
    && mkdir -p /data /config && chown monitor /data
COPY --from=build /install /usr/local
ENV MONITOR_CONFIG=/config/feeds.yaml \
    MONITOR_DATABASE_URL=sqlite:////data/monitor.db \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
WORKDIR /data
USER monitor
STOPSIGNAL SIGTERM
ENTRYPOINT ["monitor"]
CMD ["run"]

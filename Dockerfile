# syntax=docker/dockerfile:1
# Container image for edr-dbdump-detector: compiled service, production dependencies, non-root, tini as PID 1.

# Kept equal to the `node` devDependency in package.json (test/deploy/dockerfile.test.ts checks it), so the
# image runs the same Node release the tests ran on.
ARG NODE_VERSION=24.21.0

# ---- build: full dependency tree, TypeScript compile ----
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# tini comes from Debian here and only its static binary is copied into the runtime image, so the runtime
# image needs no apt layer. Kubernetes has no `docker run --init`: without an init, node would be PID 1,
# which the kernel shields from default signal actions and which must reap zombies itself.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1* \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- deps: production dependencies only; none of them needs an install script ----
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ----
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="edr-dbdump-detector" \
      org.opencontainers.image.description="Streaming detector for the Elastic rule 'Potential Database Dumping Activity' over raw EDR telemetry on Kafka" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="https://github.com/your-org/edr-dbdump-detector" \
      org.opencontainers.image.documentation="https://github.com/your-org/edr-dbdump-detector/blob/main/deploy/README.md" \
      org.opencontainers.image.base.name="docker.io/library/node:${NODE_VERSION}-bookworm-slim"
ENV NODE_ENV=production \
    METRICS_PORT=9464
WORKDIR /app
COPY --from=build /usr/bin/tini-static /usr/bin/tini
# Files stay owned by root and read-only to the service: it never writes inside /app, which is what lets
# Kubernetes run it with readOnlyRootFilesystem.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY package.json ./
COPY schemas ./schemas
COPY rules ./rules
COPY exceptions ./exceptions
# The launcher that sets the memory settings (heap cap, young generation, malloc threshold) for every start.
COPY bin ./bin
# The base image's `node` user (uid 1000); Kubernetes runAsNonRoot needs the numeric form to verify it.
USER 1000:1000
EXPOSE 9464
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "bin/start.sh"]

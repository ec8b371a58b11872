# winnow in one image: `winnow serve` (the default command) and `winnow consume` (NATS JetStream).
# compose.yaml runs both with PostgreSQL and NATS; docs/containers.md says how to build, run and scale.
#
#   docker build -t winnow:local .
#   docker run --rm winnow:local api-key --name alert-pipeline --scopes score

# Node 20 is what winnow is tested on; --build-arg NODE_VERSION=22 builds on a newer Node (untested).
ARG NODE_VERSION=20

# Dependencies, from the lockfile, without the dev tools (tests, notebooks, benchmarks). The full
# Debian image has python3, make and g++: better-sqlite3 compiles from source when its prebuilt
# binary cannot be fetched.
FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
# onnxruntime-node's install script would download CUDA binaries from NuGet; its CPU binaries ship
# in the package. npm >= 11.16 skips the script (package.json's allowScripts denies it), but the
# npm in node:20 images is 10.x, which runs every install script: this is the variable the script reads.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    WINNOW_PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
# The bundled models, served from /app/models (WINNOW_MODELS). Mount a folder over it, or build a
# new image, to serve models trained later.
COPY models ./models
# The embedded SQLite store's default folder (--data-dir data). compose.yaml uses PostgreSQL instead.
RUN mkdir /app/data && chown node:node /app/data
# The node user (uid 1000) of the official image; the application files stay root's, read-only to it.
USER node
# Fails the build if the dependencies do not load; the TypeScript it compiles stays in tsx's cache
# (/tmp/tsx-1000), so a container starts without compiling it again.
RUN node bin/winnow.mjs --version \
 && node bin/winnow.mjs serve --help > /dev/null \
 && node bin/winnow.mjs consume --help > /dev/null \
 && node -e "require('onnxruntime-node'); new (require('better-sqlite3'))(':memory:').close()"
# 8080: winnow serve (WINNOW_PORT). 9464: winnow consume --metrics-port (metrics and /healthz).
EXPOSE 8080 9464
# Liveness: the process answers. Readiness (/readyz: 503 while the store cannot commit) is for a
# load balancer; compose.yaml checks /readyz. A consume container overrides this check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WINNOW_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/winnow.mjs"]
# Any other interface than loopback needs API keys: give --api-keys FILE or WINNOW_API_KEYS.
CMD ["serve", "--host", "0.0.0.0"]

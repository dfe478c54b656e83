# icn node image. Two stages: the first installs production dependencies (classic-level ships a
# prebuilt binary, so no compiler is needed), the second is a slim runtime that runs as the
# unprivileged `node` user (uid 1000). The TypeScript sources run directly on Node 24 (type stripping):
# there is no build step, so the runtime holds the sources as they are in the repository. bin/icn.js
# runs a node with the memory settings of src/runtime/index.ts (V8 flags, MALLOC_ARENA_MAX); a user's
# own values in NODE_OPTIONS / MALLOC_ARENA_MAX (`docker run -e`) take precedence.
#
#   docker build -t icn .
#   docker run --rm -p 127.0.0.1:4001:4001 -p 127.0.0.1:8080:8080 -v icn-data:/data icn start --init
#
# A four-validator federation plus an observer: docker-compose.yml and docs/docker.md.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim AS runtime
# Defaults for a node in a container; each is an `icn start` setting (config/README.md) that
# docker-compose.yml or `docker run -e` may override.
ENV NODE_ENV=production \
    ICN_HOME=/data \
    ICN_LISTEN=/ip4/0.0.0.0/tcp/4001 \
    ICN_API=0.0.0.0:8080 \
    ICN_LOG_FORMAT=json \
    NODE_COMPILE_CACHE=/app/.compile-cache
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY config ./config
RUN mkdir -p /data /app/.compile-cache && chown node:node /data /app/.compile-cache
USER node
# Fill Node's compile cache (NODE_COMPILE_CACHE) with the modules a node loads, type-stripped and
# compiled, so a node never loads Node's TypeScript stripper (4–5 MB per process) and starts faster.
# Entries are only used under the same V8 flags: these are the flags bin/icn.js re-executes `start`
# and `join` with (src/runtime/index.ts).
RUN node --max-semi-space-size=8 --v8-pool-size=2 --input-type=module \
      -e "await import('./src/cli/main.ts'); await import('./src/node/node.ts'); await import('./src/testnet/index.ts')"
VOLUME ["/data"]
# 4001: libp2p (TCP), 8080: HTTP API
EXPOSE 4001 8080
# Healthy while GET /status answers on the API port ICN_API names (0.0.0.0 and [::] are asked on loopback).
# The API comes up once the node has started, after at most ~10 s of waiting for a first peer.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const a = process.env.ICN_API || '127.0.0.1:8080'; const i = a.lastIndexOf(':'); let h = a.slice(0, i); if (h === '' || h === '0.0.0.0' || h === '[::]') h = '127.0.0.1'; fetch('http://' + h + ':' + a.slice(i + 1) + '/status').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/icn.js"]
CMD ["start"]

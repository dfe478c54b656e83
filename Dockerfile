# icn node image. Two stages: the first installs production dependencies (classic-level ships a
# prebuilt binary, so no compiler is needed), the second is a slim runtime that runs as the
# unprivileged `node` user. The TypeScript sources run directly on Node 24 (type stripping).
#
#   docker build -t icn .
#   docker run --rm -p 4001:4001 -p 8080:8080 -v icn-data:/data icn start --home /data --init

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    ICN_HOME=/data \
    ICN_LISTEN=/ip4/0.0.0.0/tcp/4001 \
    ICN_API=0.0.0.0:8080 \
    ICN_LOG_FORMAT=json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY config ./config
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 4001: libp2p (TCP), 8080: HTTP API
EXPOSE 4001 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/status').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/icn.js"]
CMD ["start", "--home", "/data"]

#!/bin/sh
# Runs `icn testnet` with the pinned Node 24 and no npm in between, so Ctrl-C reaches the testnet
# supervisor once and it stops every node cleanly. Takes the same flags, e.g.
#   scripts/testnet.sh --validators 5 --logs
#   scripts/testnet.sh --dir /tmp/net --base-port 5001 --api-base-port 9080 --fresh
# The testnet directory (default .testnet) is relative to the current directory.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
node="$root/node_modules/.bin/node"
if [ ! -x "$node" ]; then
  echo "testnet.sh: $node is missing; run npm install in $root first" >&2
  exit 1
fi
exec "$node" "$root/src/cli/main.ts" testnet "$@"

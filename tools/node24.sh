#!/bin/sh
# Runs a project script under Node 24. The machine's Node may be older (Angular 22 and the openai SDK refuse Node 20),
# so `npm run setup` installs Node 24 into .tools/node; every script goes through this shim so that child processes
# (nx, jest, ng, temporal workers) inherit the same Node through PATH.
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
if [ -x "$root/.tools/node/bin/node" ]; then
  PATH="$root/.tools/node/bin:$root/.tools/bin:$PATH"
else
  PATH="$root/.tools/bin:$PATH"
fi
export PATH
exec node "$@"

#!/bin/sh
# Builds the image stdio MCP servers run in (D59) without a container registry: the local sandbox base
# image (python3, which the egress relay needs) plus the Node 24 binary this checkout runs on and pinned npm packages
# installed from the npm registry into the image's package folder. The legacy builder never pulls a local FROM.
# Usage: build-offline.sh <image-tag> <base-image> <node-binary> <prefix-in-image> <work-dir> <package@version>...
set -eu
tag=$1
base=$2
node=$3
prefix=$4
work=$5
shift 5
ctx="$work/context"
rm -rf "$ctx"
mkdir -p "$ctx/opt/node/bin" "$ctx$prefix"
cp "$node" "$ctx/opt/node/bin/node"
chmod 0755 "$ctx/opt/node/bin/node"
printf '{ "name": "omniai-mcp-servers", "private": true }\n' >"$ctx$prefix/package.json"
# No install scripts: the servers are plain JavaScript, and a package's script would run as root on this machine.
npm install --prefix "$ctx$prefix" --omit=dev --ignore-scripts --no-audit --no-fund --save-exact --loglevel=error "$@" \
  >"$work/npm-install.log" 2>&1 || {
  echo "npm install of $* failed; see $work/npm-install.log" >&2
  tail -n 15 "$work/npm-install.log" >&2
  exit 1
}
chmod -R a+rX "$ctx/opt"
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $base
COPY opt /opt
ENV PATH=$prefix/node_modules/.bin:/opt/node/bin:/usr/local/bin:/usr/bin:/bin NODE_ENV=production LANG=C.UTF-8
LABEL ai.omni.image=mcp-node
USER 65534:65534
WORKDIR /work
CMD ["node", "--version"]
DOCKERFILE
DOCKER_BUILDKIT=0 docker build --quiet --tag "$tag" "$ctx" >/dev/null
rm -rf "$ctx"

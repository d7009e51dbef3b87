#!/usr/bin/env bash
# The README's main-job command (`npm run demo`): on a fresh Debian machine (as root, or with sudo) it installs
# the npm dependencies, builds the action, provisions Docker, Buildx, QEMU and the local registries
# (scripts/e2e-env.sh; a machine that already runs Docker keeps its engine), then publishes BlackLake's sample
# images for a simulated push of tag v1.2.3 to localhost:5000 through the GitHub runner simulator, and prints
# the published table (image, tags, platforms, digest, attestations) read back from the registry.
#
# Options go to scripts/harness/demo.mjs: --ref refs/tags/v1.2.3  --targets all  --prefix blacklake  --keep
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

# npm ci deletes node_modules first: skip it when the installed tree already matches the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "install (npm ci)"
  npm ci --no-audit --no-fund
fi

step "build the action (dist/)"
if command -v flock >/dev/null; then flock /tmp/build.lock npm run -s build; else npm run -s build; fi

step "provision Docker engine, Buildx, QEMU, registries, base images"
bash scripts/e2e-env.sh

step "publish BlackLake's images for a push of v1.2.3"
node scripts/harness/demo.mjs "$@"

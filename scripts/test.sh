#!/usr/bin/env bash
# The whole test run, from a fresh clone on a fresh Debian machine: install, lint, type-check, unit tests,
# build + stale-dist check, provisioning of the real engine and registries, end-to-end suite.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

step "install (npm ci)"
npm ci --no-audit --no-fund

step "lint + README tables in sync with action.yml files"
npm run -s lint
node scripts/readme.mjs --check

step "type-check"
npm run -s typecheck

step "unit tests (incl. static checks of BlackLake's Dockerfiles and workflows)"
npm run -s test:unit -- --ci

step "build + stale dist check"
npm run -s check-dist

step "provision Docker engine, Buildx, QEMU, registries, base images"
bash scripts/e2e-env.sh

step "end-to-end suite (real engine)"
npm run -s test:e2e -- --ci

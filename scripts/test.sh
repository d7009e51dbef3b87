#!/usr/bin/env bash
# The whole test run, from a fresh clone on a fresh Debian machine: install, lint, type-check, unit tests,
# build + stale-dist check, provisioning of the real engine and registries, end-to-end suite.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

step "install (npm ci)"
npm ci --no-audit --no-fund

step "lint"
npm run -s lint

step "type-check"
npm run -s typecheck

step "unit tests"
npm run -s test:unit -- --ci

step "build + stale dist check"
npm run -s check-dist

step "static checks of BlackLake's bake file, Dockerfiles and workflows"
if [ -x scripts/static-checks.sh ]; then bash scripts/static-checks.sh; fi

step "provision Docker engine, Buildx, QEMU, registries, base images"
bash scripts/e2e-env.sh

step "end-to-end suite (real engine)"
npm run -s test:e2e -- --ci

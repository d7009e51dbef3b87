# BlackLake's image set: four core images (api, ui, gateway, jobrunner) and two supporting ones
# (otel-collector, mlflow), each for linux/amd64 and linux/arm64.
#
#   docker buildx bake                  # the four core images (group "default")
#   docker buildx bake all              # all six
#   REGISTRY=my-registry.com IMAGE_PREFIX=myorg VERSION=1.2.3 docker buildx bake --print all
#
# In CI the multiarch action runs this file: it passes REGISTRY and IMAGE_PREFIX when its registry and
# image-prefix inputs are given (VERSION with `vars: VERSION={{version}}`), replaces each target's tags with the
# computed ones on the same image name, and writes per-target cache, labels and attestations in its own override
# file. Local recipes (`just bake`, ...: see the justfile) go through the same action code.
#
# Layout assumed (the BlackLake monorepo; every build context is the repository root, so one top-level
# .dockerignore governs all images and the Dockerfiles here can COPY the shared files next to them):
#   Cargo.toml, Cargo.lock     Rust workspace with members services/api, services/jobrunner and crates/*
#   services/api/              crate blacklake-api, binary blacklake-api; listens on BLACKLAKE_API_ADDR
#                              (the image sets 0.0.0.0:8080) and answers GET /live with 2xx when alive
#   services/jobrunner/        crate blacklake-jobrunner, binary blacklake-jobrunner; no listening port
#   crates/                    shared library crates of the workspace
#   web/ui/                    React app: package.json, pnpm-lock.yaml, `pnpm build` writes web/ui/dist
#   dockerfiles/               these Dockerfiles and the files they bake in (nginx configs, collector
#                              components and config, the HTTP health probe, mlflow requirements)
# The Rust crates use rustls, not OpenSSL: the static musl binaries need no C library of the target.

variable "REGISTRY" {
  default = "ghcr.io"
}

variable "IMAGE_PREFIX" {
  default = "blacklake"
}

variable "VERSION" {
  default = "latest"
}

# Comma-separated; spaces around entries are ignored.
variable "PLATFORMS" {
  default = "linux/amd64,linux/arm64"
}

# Optional registry cache for builds outside the action: a repository such as ghcr.io/blacklake/cache.
# Each target then reads and writes <CACHE_REF>:<target>. Empty (the default) means no cache settings here:
# the action writes each target's cache (gha scope per target, registry or local) in its override file.
variable "CACHE_REF" {
  default = ""
}

function "image" {
  params = [name]
  result = "${REGISTRY}/${IMAGE_PREFIX}/${name}"
}

function "cache_from" {
  params = [name]
  result = CACHE_REF == "" ? [] : ["type=registry,ref=${CACHE_REF}:${name}"]
}

function "cache_to" {
  params = [name]
  result = CACHE_REF == "" ? [] : ["type=registry,ref=${CACHE_REF}:${name},mode=max,ignore-error=true"]
}

group "default" {
  targets = ["api", "ui", "gateway", "jobrunner"]
}

group "all" {
  targets = ["api", "ui", "gateway", "jobrunner", "otel-collector", "mlflow"]
}

# Settings every image shares. Targets inherit it and add their own title and description.
target "_common" {
  context   = "."
  platforms = [for p in split(",", PLATFORMS) : trimspace(p)]
  labels = {
    "org.opencontainers.image.vendor"   = "BlackLake"
    "org.opencontainers.image.licenses" = "Apache-2.0"
  }
}

target "api" {
  inherits   = ["_common"]
  dockerfile = "dockerfiles/Dockerfile.api"
  tags       = ["${image("api")}:${VERSION}"]
  cache-from = cache_from("api")
  cache-to   = cache_to("api")
  labels = {
    "org.opencontainers.image.title"       = "blacklake-api"
    "org.opencontainers.image.description" = "BlackLake REST API (Rust)"
  }
}

target "ui" {
  inherits   = ["_common"]
  dockerfile = "dockerfiles/Dockerfile.ui"
  tags       = ["${image("ui")}:${VERSION}"]
  cache-from = cache_from("ui")
  cache-to   = cache_to("ui")
  labels = {
    "org.opencontainers.image.title"       = "blacklake-ui"
    "org.opencontainers.image.description" = "BlackLake web UI (React), served by nginx"
  }
}

target "gateway" {
  inherits   = ["_common"]
  dockerfile = "dockerfiles/Dockerfile.gateway"
  tags       = ["${image("gateway")}:${VERSION}"]
  cache-from = cache_from("gateway")
  cache-to   = cache_to("gateway")
  labels = {
    "org.opencontainers.image.title"       = "blacklake-gateway"
    "org.opencontainers.image.description" = "BlackLake gateway: nginx reverse proxy in front of the API and UI"
  }
}

target "jobrunner" {
  inherits   = ["_common"]
  dockerfile = "dockerfiles/Dockerfile.jobrunner"
  tags       = ["${image("jobrunner")}:${VERSION}"]
  cache-from = cache_from("jobrunner")
  cache-to   = cache_to("jobrunner")
  labels = {
    "org.opencontainers.image.title"       = "blacklake-jobrunner"
    "org.opencontainers.image.description" = "BlackLake background job runner (Rust)"
  }
}

target "otel-collector" {
  inherits   = ["_common"]
  dockerfile = "dockerfiles/Dockerfile.otel-collector"
  tags       = ["${image("otel-collector")}:${VERSION}"]
  cache-from = cache_from("otel-collector")
  cache-to   = cache_to("otel-collector")
  labels = {
    "org.opencontainers.image.title"       = "blacklake-otel-collector"
    "org.opencontainers.image.description" = "OpenTelemetry Collector built with the components BlackLake uses"
  }
}

target "mlflow" {
  inherits   = ["_common"]
  dockerfile = "dockerfiles/Dockerfile.mlflow"
  tags       = ["${image("mlflow")}:${VERSION}"]
  cache-from = cache_from("mlflow")
  cache-to   = cache_to("mlflow")
  labels = {
    "org.opencontainers.image.title"       = "blacklake-mlflow"
    "org.opencontainers.image.description" = "MLflow tracking server for BlackLake (optional)"
  }
}

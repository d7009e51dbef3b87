#!/usr/bin/env bash
# Provisions the end-to-end environment: a Docker engine with the containerd image store and Buildx, QEMU
# binfmt handlers, an open registry on 127.0.0.1:5000, an htpasswd registry on 127.0.0.1:5001, a multi-arch
# busybox base image built from Debian's busybox-static packages, and an SBOM generator image implementing
# BuildKit's SBOM protocol. Idempotent: it starts what is not running and leaves what is; where Docker already
# runs (a laptop) it uses that engine and installs nothing for it.
# Verified facts behind every choice here: ../shared/notes/real-engine.md (forky pin, snapshotter, QEMU).
#
# Quiet on success (one line per phase with its time), loud on failure (the phase's log tail).
# State (logs, registry storage, htpasswd, pid files): $E2E_STATE_DIR (default /var/lib/multiarch-e2e as root).
# Test settings: <repo>/.e2e/env (KEY=value lines; read by scripts/harness/e2e-env.mjs).
set -Eeuo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
if [ "$(id -u)" = 0 ]; then
  STATE="${E2E_STATE_DIR:-/var/lib/multiarch-e2e}"
else
  STATE="${E2E_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/multiarch-e2e}"
fi
REG_OPEN_ADDR=127.0.0.1:5000
REG_AUTH_ADDR=127.0.0.1:5001
REGISTRY=localhost:5000
BASE_IMAGE="$REGISTRY/base/busybox"
SBOM_IMAGE="$REGISTRY/test/sbom-scanner:latest"
# A fixed, distinctive test credential for the auth registry: tests check it never leaks into any output.
AUTH_USER=e2e-user
AUTH_PASSWORD='e2e-Pa55w0rd-9f3c1a7b'
export DEBIAN_FRONTEND=noninteractive

mkdir -p "$STATE/logs" "$REPO/.e2e"
LOG="$STATE/logs/e2e-env.log"
: >"$LOG"
T0=$(date +%s.%N)

# ---- phase runner: output of each phase goes to the log; on failure the log tail is printed -------------
# fd 3 is the terminal's stderr: the ERR trap may fire inside a phase, whose own stderr is the log.
exec 3>&2
PHASE=''
on_error() {
  local rc=$?
  {
    echo
    echo "e2e-env: FAILED in phase '$PHASE' (exit $rc). Last lines of $LOG:"
    tail -n 60 "$LOG" | sed 's/^/  | /'
  } >&3
  exit "$rc"
}
trap on_error ERR
phase() {
  PHASE="$1"
  shift
  local start end
  start=$(date +%s.%N)
  echo "--- $PHASE" >>"$LOG"
  "$@" >>"$LOG" 2>&1
  end=$(date +%s.%N)
  printf 'e2e-env: %-34s %6.1fs\n' "$PHASE" "$(awk "BEGIN{print $end - $start}")"
}
die() {
  echo "e2e-env: $*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
debian_uri() { # the machine's Debian mirror (it may be a local proxy), else deb.debian.org
  local uri
  uri=$(grep -hs '^URIs:.*/debian$' /etc/apt/sources.list.d/*.sources | awk 'NR == 1 {print $2}')
  echo "${uri:-http://deb.debian.org/debian}"
}

APT_UPDATED=''
apt_update() {
  if [ -z "$APT_UPDATED" ]; then
    "${SUDO[@]}" apt-get update -q
    APT_UPDATED=1
  fi
}
apt_install() {
  apt_update
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "$@"
}

# ---- Docker engine + Buildx --------------------------------------------------------------------------------
docker_up() { docker info >/dev/null 2>&1; }

add_forky_suite() {
  # forky has the engine GitHub's runners run: docker.io + docker-cli 28.5, docker-buildx 0.29. A pin below
  # bookworm's 500 keeps every other package on bookworm; only what is named with /forky moves (and tini-static).
  local uri
  uri=$(debian_uri)
  if [ ! -f /etc/apt/sources.list.d/multiarch-e2e-forky.sources ]; then
    "${SUDO[@]}" tee /etc/apt/sources.list.d/multiarch-e2e-forky.sources >/dev/null <<EOF
Types: deb
URIs: $uri
Suites: forky
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    APT_UPDATED=''
  fi
  "${SUDO[@]}" tee /etc/apt/preferences.d/multiarch-e2e-forky >/dev/null <<EOF
Package: *
Pin: release n=forky
Pin-Priority: 90
EOF
}

write_daemon_json() {
  # The containerd image store: without it the docker driver can neither build multi-platform images nor keep
  # attestations. Merged into an existing daemon.json rather than replacing it.
  "${SUDO[@]}" mkdir -p /etc/docker
  if [ -s /etc/docker/daemon.json ] && have node; then
    "${SUDO[@]}" node -e '
      const fs = require("fs"); const f = "/etc/docker/daemon.json"
      const j = JSON.parse(fs.readFileSync(f, "utf8")); j.features = { ...(j.features || {}), "containerd-snapshotter": true }
      fs.writeFileSync(f, JSON.stringify(j, null, 2) + "\n")'
  else
    echo '{"features":{"containerd-snapshotter":true}}' | "${SUDO[@]}" tee /etc/docker/daemon.json >/dev/null
  fi
}

install_engine() {
  add_forky_suite
  write_daemon_json
  apt_install docker.io/forky docker-cli/forky docker-buildx/forky
}

install_buildx() {
  add_forky_suite
  apt_install docker-buildx/forky
}

start_dockerd() {
  write_daemon_json
  # shellcheck disable=SC2024 # the log is ours
  "${SUDO[@]}" setsid dockerd >"$STATE/logs/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STATE/dockerd.pid"
  for _ in $(seq 1 120); do
    docker_up && return 0
    sleep 0.5
  done
  tail -n 30 "$STATE/logs/dockerd.log"
  echo "dockerd did not become ready within 60 s"
  return 1
}

# The action supports buildx >= 0.21 (bake's fs entitlements, gha cache v2) and needs Engine >= 28 for the
# docker driver's gha cache v2 (BuildKit 0.20): the versions the suite proves.
MIN_BUILDX=0.21.0
MIN_ENGINE=28
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
buildx_version() { docker buildx version 2>/dev/null | sed -nE 's/.*buildx v?([0-9]+\.[0-9]+\.[0-9]+).*/\1/p'; }
dockerd_major() { dockerd --version 2>/dev/null | sed -nE 's/^Docker version ([0-9]+)\..*/\1/p'; }
buildx_supported() { local v; v=$(buildx_version); [ -n "$v" ] && version_ge "$v" "$MIN_BUILDX"; }
dockerd_too_old() { local m; m=$(dockerd_major); [ "${m:-0}" -lt "$MIN_ENGINE" ]; }

check_engine() {
  docker buildx version
  local store server
  buildx_supported || {
    echo "buildx $(buildx_version) is older than $MIN_BUILDX, the oldest the action supports; install a newer one"
    return 1
  }
  server=$(docker version --format '{{.Server.Version}}')
  if [ "${server%%.*}" -lt "$MIN_ENGINE" ]; then
    echo "Docker Engine $server is older than $MIN_ENGINE: its BuildKit cannot speak the gha cache v2 the suite"
    echo "proves. Stop it and re-run this script (on Debian it installs forky's 28.5), or upgrade Docker."
    return 1
  fi
  store=$(docker info --format '{{json .DriverStatus}}')
  echo "driver status: $store"
  if ! grep -q 'io.containerd.snapshotter' <<<"$store"; then
    echo "The running Docker engine does not use the containerd image store; multi-platform builds with the"
    echo "docker driver need it. Enable it (daemon.json: {\"features\":{\"containerd-snapshotter\":true}}, or"
    echo "Docker Desktop: Settings > General > Use containerd for pulling and storing images) and restart Docker."
    return 1
  fi
}

# ---- QEMU -----------------------------------------------------------------------------------------------------
install_qemu() { apt_install qemu-user-static binfmt-support; }
enable_binfmt() {
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    "${SUDO[@]}" mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  "${SUDO[@]}" update-binfmts --enable
  [ -e "/proc/sys/fs/binfmt_misc/qemu-$FOREIGN" ] || {
    echo "no qemu-$FOREIGN binfmt handler after update-binfmts --enable"
    return 1
  }
}

# ---- registries ------------------------------------------------------------------------------------------------
install_registry() {
  apt_install docker-registry apache2-utils
  # On a systemd machine the package starts its own (auth-enabled) registry on :5000; ours owns that port.
  if have systemctl && [ -d /run/systemd/system ]; then
    "${SUDO[@]}" systemctl disable --now docker-registry || true
  fi
}

registry_status() { curl -s -o /dev/null -w '%{http_code}' "http://$1/v2/" || true; }

write_registry_config() { # name addr [auth]
  local name=$1 addr=$2 auth=${3:-}
  mkdir -p "$STATE/registry-$name"
  {
    echo "version: 0.1"
    echo "log: {level: warn}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $STATE/registry-$name}"
    echo "  delete: {enabled: true}"
    echo "http:"
    echo "  addr: $addr"
    echo "  secret: multiarch-e2e-$name"
    if [ -n "$auth" ]; then
      echo "auth:"
      echo "  htpasswd: {realm: multiarch-e2e, path: $STATE/htpasswd}"
    fi
  } >"$STATE/registry-$name.yml"
}

start_registry() { # name addr expected-status
  local name=$1 addr=$2 want=$3
  setsid docker-registry serve "$STATE/registry-$name.yml" >"$STATE/logs/registry-$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/registry-$name.pid"
  for _ in $(seq 1 50); do
    [ "$(registry_status "$addr")" = "$want" ] && return 0
    sleep 0.2
  done
  tail -n 20 "$STATE/logs/registry-$name.log"
  echo "registry $name on $addr did not answer $want"
  return 1
}

start_registries() {
  if [ "$(registry_status $REG_OPEN_ADDR)" != 200 ]; then
    write_registry_config open $REG_OPEN_ADDR
    start_registry open $REG_OPEN_ADDR 200
  fi
  if [ "$(registry_status $REG_AUTH_ADDR)" != 401 ]; then
    htpasswd -Bbc "$STATE/htpasswd" "$AUTH_USER" "$AUTH_PASSWORD"
    write_registry_config auth $REG_AUTH_ADDR auth
    start_registry auth $REG_AUTH_ADDR 401
  fi
}

# ---- images ----------------------------------------------------------------------------------------------------
index_has_both() { # ref
  local platforms
  platforms=$(docker buildx imagetools inspect "$1" --format '{{range .Manifest.Manifests}}{{.Platform.OS}}/{{.Platform.Architecture}} {{end}}' 2>/dev/null) || return 1
  grep -q 'linux/amd64' <<<"$platforms" && grep -q 'linux/arm64' <<<"$platforms"
}

download_deb() { # suite arch package dest-dir: one package of another suite or architecture, apt state apart
  local suite=$1 arch=$2 package=$3 dest=$4 lists="$STATE/apt-$1-$2" uri
  uri=$(debian_uri)
  mkdir -p "$lists/lists/partial" "$lists/parts" "$lists/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" >"$lists/sources.list"
  : >"$lists/status" # an empty dpkg status: the suite's version, not the one installed on this machine
  local opts=(-q -oAPT::Architecture="$arch" -oAPT::Architectures="$arch" -oDir::State::Lists="$lists/lists"
    -oDir::State::status="$lists/status"
    -oDir::Etc::SourceList="$lists/sources.list" -oDir::Etc::SourceParts="$lists/parts"
    -oDir::Cache="$lists/cache" -oDebug::NoLocking=1)
  apt-get "${opts[@]}" update
  (cd "$dest" && apt-get "${opts[@]}" download "$package:$arch")
}
download_busybox() { download_deb bookworm "$1" busybox-static "$2"; } # arch dest-dir

# ---- an unsupported buildx, for the version check's end-to-end test -----------------------------------------
# Debian trixie's docker-buildx 0.13.1, unpacked (not installed): a test puts it in its own DOCKER_CONFIG's
# cli-plugins directory, where the docker CLI looks first, so the action meets a real buildx older than 0.21.
OLD_BUILDX="$STATE/buildx-0.13/docker-buildx"
old_buildx() {
  local work arch
  work=$(mktemp -d)
  arch=$(dpkg --print-architecture)
  download_deb trixie "$arch" docker-buildx "$work"
  dpkg-deb -x "$work"/docker-buildx_*.deb "$work/pkg"
  mkdir -p "$(dirname "$OLD_BUILDX")"
  cp "$work/pkg/usr/libexec/docker/cli-plugins/docker-buildx" "$OLD_BUILDX"
  "$OLD_BUILDX" version
  rm -rf "$work"
}

build_base_image() {
  local work
  work=$(mktemp -d)
  for arch in amd64 arm64; do
    mkdir -p "$work/$arch/deb" "$work/$arch/root"
    download_busybox "$arch" "$work/$arch/deb"
    dpkg-deb -x "$work/$arch/deb"/busybox-static_*.deb "$work/$arch/pkg"
  done
  local host_bb applets
  case "$(uname -m)" in
    x86_64) host_bb="$work/amd64/pkg/bin/busybox" ;;
    aarch64) host_bb="$work/arm64/pkg/bin/busybox" ;;
    *) die "unsupported host architecture $(uname -m)" ;;
  esac
  applets=$("$host_bb" --list-full)
  for arch in amd64 arm64; do
    local root="$work/$arch/root"
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,var,proc,sys,dev}
    chmod 1777 "$root/tmp"
    cp "$work/$arch/pkg/bin/busybox" "$root/bin/busybox"
    while read -r applet; do
      [ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$root/$applet"
    done <<<"$applets"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    # A dpkg status file so SBOM generators find the one package this image holds.
    mkdir -p "$root/var/lib/dpkg"
    printf 'Package: busybox-static\nStatus: install ok installed\nArchitecture: %s\nVersion: %s\n\n' \
      "$arch" "$(dpkg-deb -f "$work/$arch/deb"/busybox-static_*.deb Version)" >"$root/var/lib/dpkg/status"
    tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$work/$arch.tar" .
    docker import --platform "linux/$arch" -c 'CMD ["sh"]' "$work/$arch.tar" "$BASE_IMAGE:$arch"
    docker push -q "$BASE_IMAGE:$arch"
  done
  docker buildx imagetools create -t "$BASE_IMAGE:latest" "$BASE_IMAGE:amd64" "$BASE_IMAGE:arm64"
  rm -rf "$work"
}

build_sbom_image() {
  local work
  work=$(mktemp -d)
  cp "$REPO/scripts/harness/sbom-scanner.sh" "$work/scan.sh"
  chmod 755 "$work/scan.sh"
  cat >"$work/Dockerfile" <<EOF
FROM $BASE_IMAGE:latest
COPY scan.sh /bin/sbom-scan
ENTRYPOINT ["/bin/sbom-scan"]
EOF
  docker buildx build --builder default --platform linux/amd64,linux/arm64 --provenance=false \
    -t "$SBOM_IMAGE" --push "$work"
  rm -rf "$work"
}

write_env_file() {
  cat >"$REPO/.e2e/env" <<EOF
# Written by scripts/e2e-env.sh: settings of the local end-to-end environment.
E2E_REGISTRY=$REGISTRY
E2E_AUTH_REGISTRY=localhost:5001
E2E_AUTH_USER=$AUTH_USER
E2E_AUTH_PASSWORD=$AUTH_PASSWORD
E2E_BASE_IMAGE=$BASE_IMAGE:latest
E2E_SBOM_GENERATOR=$SBOM_IMAGE
E2E_STATE_DIR=$STATE
E2E_OLD_BUILDX=$OLD_BUILDX
EOF
}

# ---- cosign (signature verification) -------------------------------------------------------------------------
install_cosign() {
  # The real cosign verifies what the action signs (__tests__/e2e/signing.test.ts). cosign 3.1.1 is one package in
  # Debian forky and installs on bookworm under the same low pin as the engine (nothing else moves).
  add_forky_suite
  apt_install cosign/forky
  cosign version
}

warm_node24() {
  # The runner simulator runs the action on the Node version action.yml declares (node24), fetched through npx.
  npx -y -p node@24 node --version
}

# ---- main ------------------------------------------------------------------------------------------------------
have curl || phase "install curl" apt_install curl ca-certificates
if ! docker_up; then
  # An engine installed before (e.g. trixie's 26.1) but not running is replaced by forky's, never a running one.
  if ! have dockerd || dockerd_too_old; then
    [ -f /etc/debian_version ] || die "Docker is not running and this is not Debian: start Docker and re-run."
    phase "install docker 28.5 + buildx (forky)" install_engine
  fi
  docker_up || phase "start dockerd" start_dockerd
fi
if ! buildx_supported && [ -f /etc/debian_version ]; then
  phase "install docker-buildx 0.29 (forky)" install_buildx
fi
phase "check engine (containerd store)" check_engine

case "$(uname -m)" in
  aarch64) FOREIGN=x86_64 ;;
  *) FOREIGN=aarch64 ;;
esac
if [ ! -e "/proc/sys/fs/binfmt_misc/qemu-$FOREIGN" ]; then
  have update-binfmts && have "qemu-$FOREIGN-static" || phase "install qemu-user-static" install_qemu
  phase "enable binfmt handlers" enable_binfmt
fi

if [ "$(registry_status $REG_OPEN_ADDR)" != 200 ] || [ "$(registry_status $REG_AUTH_ADDR)" != 401 ]; then
  have docker-registry && have htpasswd || phase "install docker-registry" install_registry
  phase "start registries :5000 :5001" start_registries
fi

index_has_both "$BASE_IMAGE:latest" || phase "base image busybox amd64+arm64" build_base_image
index_has_both "$SBOM_IMAGE" || phase "sbom generator image" build_sbom_image
[ -x "$OLD_BUILDX" ] || phase "buildx 0.13.1 (trixie, unpacked) for a test" old_buildx
have cosign || phase "install cosign 3.1 (forky)" install_cosign
write_env_file
if have npx && ! npx --offline -y -p node@24 node --version >/dev/null 2>&1; then
  phase "node 24 for the runner simulator" warm_node24
fi

printf 'e2e-env: ready in %.1fs (settings: .e2e/env, state: %s)\n' "$(awk "BEGIN{print $(date +%s.%N) - $T0}")" "$STATE"

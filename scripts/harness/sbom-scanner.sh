#!/bin/sh
# A minimal SBOM generator implementing BuildKit's SBOM scanning protocol
# (https://github.com/moby/buildkit/blob/master/docs/attestations/sbom-protocol.md), for tests where the default
# generator (docker/buildkit-syft-scanner) cannot be pulled. It is the entrypoint of
# localhost:5000/test/sbom-scanner:latest (built by scripts/e2e-env.sh on the busybox base image).
#
# For $BUILDKIT_SCAN_SOURCE and every directory in $BUILDKIT_SCAN_SOURCE_EXTRAS it writes
# $BUILDKIT_SCAN_DESTINATION/<name>.spdx.json: an in-toto statement with predicateType https://spdx.dev/Document
# whose predicate is an SPDX 2.3 document listing the dpkg packages (from var/lib/dpkg/status) and the regular
# files (with SHA1 checksums) found in that root filesystem.
set -eu

: "${BUILDKIT_SCAN_DESTINATION:?BUILDKIT_SCAN_DESTINATION is required}"
: "${BUILDKIT_SCAN_SOURCE:?BUILDKIT_SCAN_SOURCE is required}"
MAX_FILES=2000

esc() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\000-\037'; }

uuid() {
  if [ -r /proc/sys/kernel/random/uuid ]; then cat /proc/sys/kernel/random/uuid; else date +%s%N; fi
}

scan() { # rootfs name
  src=$1
  name=$2
  out="$BUILDKIT_SCAN_DESTINATION/$name.spdx.json"
  created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  {
    printf '{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document",'
    printf '"subject":[],"predicate":{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0",'
    printf '"SPDXID":"SPDXRef-DOCUMENT","name":"%s",' "$(esc "$name")"
    printf '"documentNamespace":"https://multiarch-e2e.invalid/spdx/%s-%s",' "$(esc "$name")" "$(uuid)"
    printf '"creationInfo":{"created":"%s","creators":["Tool: multiarch-e2e-sbom-scanner-1.0"]},' "$created"

    # Packages: one per installed dpkg stanza.
    printf '"packages":[{"name":"%s","SPDXID":"SPDXRef-Package-rootfs","downloadLocation":"NOASSERTION",' "$(esc "$name")"
    printf '"filesAnalyzed":false,"licenseConcluded":"NOASSERTION","primaryPackagePurpose":"CONTAINER"}'
    if [ -f "$src/var/lib/dpkg/status" ]; then
      awk '
        function flush() {
          if (pkg != "" && status ~ /installed/) {
            gsub(/[^A-Za-z0-9.-]/, "-", id)
            printf "%s{\"name\":\"%s\",\"SPDXID\":\"SPDXRef-Package-%s\",\"versionInfo\":\"%s\",", sep, pkg, id, ver
            printf "\"downloadLocation\":\"NOASSERTION\",\"filesAnalyzed\":false,\"licenseConcluded\":\"NOASSERTION\","
            printf "\"externalRefs\":[{\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\","
            printf "\"referenceLocator\":\"pkg:deb/debian/%s@%s?arch=%s\"}]}", pkg, ver, arch
          }
          pkg = ""; ver = ""; arch = ""; status = ""
        }
        BEGIN { sep = "," }
        /^Package: / { pkg = $2; id = $2 }
        /^Version: / { ver = $2 }
        /^Architecture: / { arch = $2 }
        /^Status: / { status = $0 }
        /^$/ { flush() }
        END { flush() }
      ' "$src/var/lib/dpkg/status"
    fi
    printf '],'

    # Files: every regular file, with its SHA1 (required by SPDX 2.3 for files).
    printf '"files":['
    n=0
    find "$src" -xdev -type f 2>/dev/null | sort | head -n "$MAX_FILES" | while IFS= read -r f; do
      n=$((n + 1))
      sum=$(sha1sum "$f" | cut -d' ' -f1)
      [ "$n" = 1 ] || printf ','
      printf '{"fileName":"%s","SPDXID":"SPDXRef-File-%d","checksums":[{"algorithm":"SHA1","checksumValue":"%s"}],' \
        "$(esc "/${f#"$src"/}")" "$n" "$sum"
      printf '"licenseConcluded":"NOASSERTION","copyrightText":"NOASSERTION"}'
    done
    printf '],'
    printf '"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES",'
    printf '"relatedSpdxElement":"SPDXRef-Package-rootfs"}]}}\n'
  } >"$out"
}

scan "$BUILDKIT_SCAN_SOURCE" "$(basename "$BUILDKIT_SCAN_SOURCE")"
if [ -n "${BUILDKIT_SCAN_SOURCE_EXTRAS:-}" ] && [ -d "$BUILDKIT_SCAN_SOURCE_EXTRAS" ]; then
  for extra in "$BUILDKIT_SCAN_SOURCE_EXTRAS"/*; do
    [ -d "$extra" ] && scan "$extra" "$(basename "$extra")"
  done
fi
exit 0

// Values that reach a command line or an option string, checked before any command runs. A value from an input
// or a bake file must never become a flag (`targets: --allow=fs=*`), a second image of a `--privileged` run, or
// extra options of the CSV strings it is pasted into (`cache-scope: x,url=http://evil/` in
// `type=gha,scope=…`, `buildkit-image: img,network=host` in `--driver-opt image=…`). Positional arguments also get
// `--` at every call site; these checks make the failure a clear message instead of a surprise.

/** The error every check throws: the input, the value, and what was expected. */
function invalid(input: string, value: string, expected: string): Error {
  return new Error(`Invalid ${input} '${value}'. Expected ${expected}.`)
}

// Bake's own rule for target and group names (buildx bake/bake.go `validTargetNameChars`), minus a leading `-`
// so that no name can read as a flag.
const TARGET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/

/** A bake target or group name. */
export function checkTargetName(name: string, input = 'targets'): string {
  if (!TARGET_NAME.test(name)) {
    throw invalid(
      input,
      name,
      "bake target or group names: letters, digits, '_' and '-', not starting with '-'"
    )
  }
  return name
}

// The distribution reference grammar (https://github.com/distribution/reference, reference.go), lower-case path
// components, optional tag and digest.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const HOST_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const HOST = `(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`
const IMAGE_REFERENCE = new RegExp(
  `^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,})?$`
)

/** An image reference (`tonistiigi/binfmt:qemu-v10.2.3@sha256:…`, `localhost:5000/x/y:z`). */
export function checkImageReference(value: string, input: string): string {
  if (!IMAGE_REFERENCE.test(value)) {
    throw invalid(
      input,
      value,
      'an image reference such as registry.example.com/namespace/name:tag[@sha256:…]'
    )
  }
  return value
}

const REGISTRY_HOST = new RegExp(`^${HOST}$`)

/** A registry host as docker writes it, lower-cased (`GHCR.IO` → `ghcr.io`, as docker login normalizes it). */
export function checkRegistryHost(value: string, input = 'registry'): string {
  const host = value.trim().toLowerCase()
  if (!REGISTRY_HOST.test(host)) {
    throw invalid(input, value, 'a registry host name such as ghcr.io or localhost:5000')
  }
  return host
}

// buildx's builder names (`docker buildx create --name`): letters, digits, '.', '_' and '-', not starting with one.
const BUILDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

export function checkBuilderName(value: string, input = 'builder'): string {
  if (!BUILDER_NAME.test(value)) {
    throw invalid(input, value, "a buildx builder name: letters, digits, '.', '_' and '-'")
  }
  return value
}

/** A cache-scope prefix: it is pasted into `type=gha,scope=…` (commas would add cache options). */
export function checkCacheScope(value: string, input = 'cache-scope'): string {
  if (!/^[A-Za-z0-9._-]*$/.test(value)) {
    throw invalid(
      input,
      value,
      "letters, digits, '.', '_' and '-' (it becomes part of the cache's scope option)"
    )
  }
  return value
}

/** Bake files: `-` would make bake read the definition from standard input, which no one gives it. */
export function checkBakeFile(value: string, input = 'files'): string {
  if (value === '-') {
    throw invalid(
      input,
      value,
      'a bake file path (bake would read "-" from standard input, which the action does not give)'
    )
  }
  return value
}

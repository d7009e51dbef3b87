// Platforms as BuildKit and registries spell them, reduced to one spelling so that `linux/arm64/v8` and
// `linux/arm64` compare equal; `local` (bake's name for the machine's own platform) resolved; anything BuildKit
// would not know refused before a QEMU handler or a builder is installed for it.

/** `linux/arm64/v8` → `linux/arm64`, `linux/arm` → `linux/arm/v7`, `linux/amd64/v1` → `linux/amd64`. */
export function normalizePlatform(platform: string): string {
  const [os = '', arch = '', variant = ''] = platform.trim().toLowerCase().split('/')
  let v = variant
  if (arch === 'arm64' && v === 'v8') v = ''
  if (arch === 'amd64' && v === 'v1') v = ''
  if (arch === 'arm' && v === '') v = 'v7'
  return [os, arch, v].filter(Boolean).join('/')
}

/** Operating systems and architectures of OCI image indexes (the Go values containerd's platforms package knows). */
const KNOWN_OS = new Set(['linux', 'windows', 'darwin', 'freebsd', 'netbsd', 'openbsd', 'illumos', 'solaris'])
const KNOWN_ARCH = new Set([
  'amd64',
  'arm64',
  'arm',
  '386',
  'ppc64le',
  'ppc64',
  's390x',
  'riscv64',
  'mips64le',
  'mips64',
  'mipsle',
  'mips',
  'loong64',
  'wasm'
])
/** Spellings containerd normalizes (`platforms.Normalize`), so bake accepts them too. */
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm/v7',
  armel: 'arm/v6',
  i386: '386',
  i686: '386'
}
const VARIANT = /^v[0-9]+$/

/** Node's `process.arch` as an OCI architecture (the same mapping Go's GOARCH uses). */
const NODE_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm/v7',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64'
}

/**
 * `local`: bake's name for the platform of the machine buildx runs on (buildx resolves it with containerd's
 * `platforms.DefaultSpec()`, the client's own platform). The action runs on that machine, so Node's platform is
 * the same value; on a hosted runner it is also the builder's native platform.
 */
export function localPlatform(arch: string = process.arch, os: string = process.platform): string {
  const a = NODE_ARCH[arch]
  if (!a)
    throw new Error(`Cannot name this machine's platform for 'local' (Node arch ${arch}); list platforms.`)
  return `${os === 'win32' ? 'windows' : os}/${a}`
}

/**
 * One platform string as the plan uses it: `local` resolved, aliases normalized, then checked against the
 * platforms BuildKit knows. `where` names the source in the error (`the platforms input`, `target 'app'`).
 */
export function resolvePlatform(raw: string, where: string, local: () => string = localPlatform): string {
  const value = raw.trim().toLowerCase()
  if (value === 'local') return normalizePlatform(local())
  const parts = value.split('/')
  const [os, arch0 = '', ...rest] = parts.length === 1 ? ['linux', ...parts] : parts
  const alias = ARCH_ALIASES[arch0]
  const arch = alias ? alias.split('/')[0] : arch0
  const variant = rest.length ? rest.join('/') : (alias?.split('/')[1] ?? '')
  if (!KNOWN_OS.has(os) || !KNOWN_ARCH.has(arch) || (variant !== '' && !VARIANT.test(variant))) {
    throw new Error(
      `Unknown platform '${raw}' in ${where}. Expected os/arch[/variant] such as linux/amd64, linux/arm64 or ` +
        `linux/arm/v7 (architectures: ${[...KNOWN_ARCH].join(', ')}), or 'local' for this machine's platform.`
    )
  }
  return normalizePlatform([os, arch, variant].filter(Boolean).join('/'))
}

/**
 * Checks a platform input (`linux/arm64`, `local`) before anything is installed for it: a typo such as `banana`
 * fails here with what was expected, not inside the QEMU install. Returns it as written.
 */
export function checkPlatform(platform: string, where = 'the platforms input'): string {
  resolvePlatform(platform, where)
  return platform.trim()
}

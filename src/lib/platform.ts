// Platforms as BuildKit and registries spell them, reduced to one spelling so that `linux/arm64/v8` and
// `linux/arm64` compare equal.

/** `linux/arm64/v8` → `linux/arm64`, `linux/arm` → `linux/arm/v7`, `linux/amd64/v1` → `linux/amd64`. */
export function normalizePlatform(platform: string): string {
  const [os = '', arch = '', variant = ''] = platform.trim().toLowerCase().split('/')
  let v = variant
  if (arch === 'arm64' && v === 'v8') v = ''
  if (arch === 'amd64' && v === 'v1') v = ''
  if (arch === 'arm' && v === '') v = 'v7'
  return [os, arch, v].filter(Boolean).join('/')
}

// Operating systems and architectures as Go (and so BuildKit) names them (`go tool dist list`).
const KNOWN_OS = new Set([
  'linux',
  'windows',
  'darwin',
  'freebsd',
  'netbsd',
  'openbsd',
  'dragonfly',
  'solaris',
  'illumos',
  'aix',
  'android',
  'ios',
  'plan9',
  'js',
  'wasip1'
])
const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'arm',
  'arm64',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
  'wasm'
])

/**
 * Checks a platform (`linux/arm64`, `linux/arm/v7`) before anything is installed for it: a typo such as `banana`
 * or `linux/arm46` fails here with what was expected, not inside the QEMU install. Returns it as written.
 */
export function checkPlatform(platform: string, where = 'platforms'): string {
  // bake's own name for the builder's native platform.
  if (platform.trim() === 'local') return 'local'
  const [os = '', arch = '', variant, ...rest] = platform.trim().toLowerCase().split('/')
  const known = KNOWN_OS.has(os) && KNOWN_ARCH.has(arch) && rest.length === 0
  if (!known || (variant !== undefined && !/^v[0-9]+(?:\.[0-9]+)?$/.test(variant))) {
    throw new Error(
      `Invalid platform '${platform}' in ${where}. Expected os/arch[/variant] as BuildKit names them, ` +
        'e.g. linux/amd64, linux/arm64, linux/arm/v7.'
    )
  }
  return platform.trim()
}

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

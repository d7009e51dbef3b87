// QEMU emulation for non-native platforms: decide which requested platforms need a binfmt handler, look for the
// handlers already registered under /proc/sys/fs/binfmt_misc, and install only the missing ones with the binfmt
// image (`docker run --privileged --rm IMAGE --install archs`).
import * as core from '@actions/core'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { run } from '../lib/exec.js'
import type { QemuMode } from '../1-context/inputs.js'
import { withRetry } from '../lib/retry.js'
import { checkPlatform } from '../lib/platform.js'
import { checkImageReference } from '../lib/validate.js'

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc'

/** Go architecture (as in linux/arm64) → the name of its qemu binfmt handler. */
const QEMU_NAMES: Record<string, string> = {
  amd64: 'x86_64',
  '386': 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64el',
  mips64: 'mips64',
  loong64: 'loongarch64'
}

/** Node's process.arch → the Go architectures this host runs without emulation. */
export function nativeArchs(nodeArch: string = process.arch): string[] {
  switch (nodeArch) {
    case 'x64':
      return ['amd64', '386']
    case 'arm64':
      return ['arm64']
    case 'arm':
      return ['arm']
    case 'ia32':
      return ['386']
    default:
      return [nodeArch]
  }
}

/** `linux/arm/v7` → `arm`. */
export function archOf(platform: string): string {
  const parts = platform.split('/')
  return parts.length > 1 ? parts[1] : parts[0]
}

/** An enabled handler for `arch` is registered (the file exists and its first line says `enabled`). */
export function hasHandler(arch: string, dir: string = BINFMT_DIR): boolean {
  const file = path.join(dir, `qemu-${QEMU_NAMES[arch] ?? arch}`)
  if (!existsSync(file)) return false
  try {
    return readFileSync(file, 'utf8').split('\n')[0].trim() === 'enabled'
  } catch {
    return false
  }
}

export interface QemuPlan {
  native: string[]
  present: string[]
  install: string[]
  /** Why nothing is installed, when nothing is. */
  reason?: string
}

export function planQemu(
  mode: QemuMode,
  platforms: string[],
  o: { nodeArch?: string; handler?: (arch: string) => boolean } = {}
): QemuPlan {
  const native = nativeArchs(o.nodeArch)
  const handler = o.handler ?? ((a: string) => hasHandler(a))
  const archs = [...new Set(platforms.map(archOf))]
  const foreign = archs.filter(a => !native.includes(a))
  const present = foreign.filter(handler)
  const plan: QemuPlan = { native: archs.filter(a => native.includes(a)), present, install: [] }
  if (mode === 'false') return { ...plan, reason: 'qemu: false' }
  plan.install = mode === 'true' ? foreign : foreign.filter(a => !present.includes(a))
  if (foreign.length === 0) plan.reason = 'every requested platform is native'
  else if (plan.install.length === 0) plan.reason = `handlers already registered for ${present.join(', ')}`
  return plan
}

export async function setupQemu(mode: QemuMode, platforms: string[], image: string): Promise<QemuPlan> {
  platforms.forEach(p => checkPlatform(p))
  const plan = planQemu(mode, platforms)
  core.info(
    `Native: ${plan.native.join(', ') || 'none of the requested'}; handlers present: ${plan.present.join(', ') || 'none'}`
  )
  if (plan.install.length === 0) {
    core.info(`No QEMU handler to install: ${plan.reason}`)
    return plan
  }
  core.info(`Installing QEMU handlers for ${plan.install.join(', ')} with ${image}`)
  // The image is positional to a --privileged run: checked as an image reference, and after `--`.
  checkImageReference(image, 'qemu-image')
  await withRetry(`QEMU install from ${image}`, () =>
    run('docker', ['run', '--privileged', '--rm', '--', image, '--install', plan.install.join(',')])
  )
  return plan
}

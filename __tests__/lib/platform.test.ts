import { describe, expect, it } from '@jest/globals'
import { localPlatform, normalizePlatform, resolvePlatform } from '../../src/lib/platform.js'

describe('platforms', () => {
  it.each([
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['Linux/AMD64', 'linux/amd64']
  ])('%s normalizes to %s', (raw, out) => expect(normalizePlatform(raw)).toBe(out))

  it.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['arm64', 'linux/arm64'],
    ['linux/riscv64', 'linux/riscv64'],
    ['windows/amd64', 'windows/amd64']
  ])('%s is known as %s', (raw, out) => expect(resolvePlatform(raw, 'test')).toBe(out))

  it('resolves local to the machine the action runs on, as buildx does for its own client', () => {
    expect(resolvePlatform('local', 'target app', () => 'linux/arm64')).toBe('linux/arm64')
    expect(localPlatform('x64', 'linux')).toBe('linux/amd64')
    expect(localPlatform('arm64', 'linux')).toBe('linux/arm64')
    expect(localPlatform('arm', 'linux')).toBe('linux/arm/v7')
    expect(() => localPlatform('sparc', 'linux')).toThrow(/Cannot name this machine's platform/)
  })

  it.each(['linux/amd46', 'linux', 'lnux/amd64', 'linux/arm/7', 'linux/arm64/v8/extra/x', ''])(
    'refuses %j, naming where it came from and what is expected',
    raw => {
      expect(() => resolvePlatform(raw, "target 'app'")).toThrow(
        new RegExp(`Unknown platform '${raw.replace(/\//g, '\\/')}' in target 'app'. Expected os/arch`)
      )
    }
  )
})

import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  builderName,
  createArgs,
  localEngine,
  parseInspect,
  unsupportedPlatforms,
  type BuilderInfo
} from '../../src/4-setup/builder.js'
import { archOf, hasHandler, nativeArchs, planQemu, setupQemu } from '../../src/4-setup/qemu.js'
import { fixture } from '../helpers/bake-fixtures.js'

describe('builder', () => {
  it('reads name, driver and platforms from a captured `buildx inspect`', () => {
    const info = parseInspect(fixture('buildx-inspect-default.txt'))
    expect(info.name).toBe('default')
    expect(info.driver).toBe('docker')
    expect(info.platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64', 'linux/riscv64']))
  })

  it('creates a docker-container builder: image and host network first, the user’s options after', () => {
    expect(
      createArgs('multiarch-1-a', {
        buildkitImage: 'registry.example.com/moby/buildkit:v0.25.1',
        driverOpts: ['"env.no_proxy=a,b"', 'memory=2g'],
        buildkitdFlags: '--debug --allow-insecure-entitlement security.insecure',
        configFile: '/tmp/run/buildkitd.toml'
      })
    ).toEqual([
      'buildx',
      'create',
      '--name',
      'multiarch-1-a',
      '--driver',
      'docker-container',
      '--driver-opt',
      'image=registry.example.com/moby/buildkit:v0.25.1',
      '--driver-opt',
      'network=host',
      '--driver-opt',
      '"env.no_proxy=a,b"',
      '--driver-opt',
      'memory=2g',
      '--buildkitd-flags',
      '--debug --allow-insecure-entitlement security.insecure',
      '--buildkitd-config',
      '/tmp/run/buildkitd.toml'
    ])
    expect(
      createArgs('b', { buildkitImage: 'moby/buildkit:buildx-stable-1', driverOpts: [], buildkitdFlags: '' })
    ).toEqual([
      'buildx',
      'create',
      '--name',
      'b',
      '--driver',
      'docker-container',
      '--driver-opt',
      'image=moby/buildkit:buildx-stable-1',
      '--driver-opt',
      'network=host'
    ])
  })

  it('knows the engine of this host: the default context on a local socket', () => {
    expect(localEngine('default', {})).toBe(true)
    expect(localEngine('default', { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe(true)
    expect(localEngine('default', { DOCKER_HOST: 'ssh://builder@arm-host' })).toBe(false)
    expect(localEngine('desktop-linux', {})).toBe(false)
  })

  it('finds the platforms a builder cannot build: unlisted ones, or for the engine’s, unemulated ones', () => {
    const wanted = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/riscv64']
    const listed: BuilderInfo = {
      ...parseInspect(fixture('buildx-inspect-default.txt')),
      created: false
    }
    // The captured engine lists mips64 but no 32-bit arm.
    expect(unsupportedPlatforms(listed, [...wanted, 'linux/mips64'])).toEqual(['linux/arm/v7'])
    const engine: BuilderInfo = {
      name: 'default',
      driver: 'docker',
      platforms: [],
      created: false,
      engine: true
    }
    const handlers = (present: string[]) => (arch: string) => present.includes(arch)
    const native = process.arch === 'arm64' ? 'linux/amd64' : 'linux/arm64'
    // What the kernel emulates is read when asked (after the QEMU step), not when the builder was chosen.
    expect(unsupportedPlatforms(engine, wanted, handlers(['arm', 'riscv64', 'amd64', 'arm64']))).toEqual([])
    expect(unsupportedPlatforms(engine, wanted, handlers(['arm', 'riscv64']))).toEqual([native])
    // A builder inspect listed nothing for, and not the engine's: nothing to say.
    expect(unsupportedPlatforms({ ...engine, engine: false }, wanted, handlers([]))).toEqual([])
  })

  it('names created builders per run, without characters buildx rejects', () => {
    expect(builderName('123;rm -rf', 0)).toBe('multiarch-123rmrf-0')
    expect(builderName('', 36)).toBe('multiarch-local-10')
  })
})

describe('QEMU', () => {
  it.each([
    ['x64', ['amd64', '386']],
    ['arm64', ['arm64']]
  ])('native architectures of %s', (arch, native) => expect(nativeArchs(arch)).toEqual(native))

  it('takes the architecture from a platform', () => {
    expect(['linux/arm/v7', 'linux/arm64', 'amd64'].map(archOf)).toEqual(['arm', 'arm64', 'amd64'])
  })

  const has = (present: string[]) => (a: string) => present.includes(a)
  it.each<[string, 'auto' | 'true' | 'false', string[], string[], string[], RegExp | undefined]>([
    [
      'auto: handler present → nothing',
      'auto',
      ['linux/amd64', 'linux/arm64'],
      ['arm64'],
      [],
      /already registered for arm64/
    ],
    [
      'auto: only the missing one',
      'auto',
      ['linux/amd64', 'linux/arm64', 'linux/riscv64'],
      ['arm64'],
      ['riscv64'],
      undefined
    ],
    ['auto: native only', 'auto', ['linux/amd64', 'linux/386'], [], [], /native/],
    [
      'true: every non-native',
      'true',
      ['linux/amd64', 'linux/arm64', 'linux/s390x'],
      ['arm64'],
      ['arm64', 's390x'],
      undefined
    ],
    ['false: never', 'false', ['linux/arm64'], [], [], /qemu: false/]
  ])('%s', (_name, mode, platforms, present, install, reason) => {
    const p = planQemu(mode, platforms, { nodeArch: 'x64', handler: has(present) })
    expect(p.install).toEqual(install)
    if (reason) expect(p.reason).toMatch(reason)
  })

  it('sees a handler only when its binfmt entry is enabled', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'binfmt-'))
    writeFileSync(
      path.join(dir, 'qemu-aarch64'),
      'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\n'
    )
    writeFileSync(path.join(dir, 'qemu-riscv64'), 'disabled\n')
    expect(hasHandler('arm64', dir)).toBe(true)
    expect(hasHandler('riscv64', dir)).toBe(false)
    expect(hasHandler('s390x', dir)).toBe(false)
  })
})

describe('QEMU install arguments', () => {
  it('refuses an image that would read as a flag of the --privileged run, before running anything', async () => {
    await expect(setupQemu('true', ['linux/arm64'], '--volume=/:/host')).rejects.toThrow(
      "Invalid qemu-image '--volume=/:/host'. Expected an image reference"
    )
  })

  it('refuses an unknown platform before planning an install', async () => {
    await expect(setupQemu('true', ['banana'], 'tonistiigi/binfmt:latest')).rejects.toThrow(
      "Unknown platform 'banana'"
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseDefinition } from '../../src/3-plan/definition.js'
import { NO_BUILD_PLAN_OPTIONS, planTargets, type PlanOptions } from '../../src/3-plan/targets.js'
import {
  buildMatrix,
  DEFAULT_RUNNERS,
  MAX_MATRIX_JOBS,
  parseRunnerMap,
  slugOf
} from '../../src/3-plan/matrix.js'

// Captured: REGISTRY=localhost:5000 IMAGE_PREFIX=acme VERSION=1.2.3 bake --print default docs
// (__tests__/fixtures/bake/README.md): api declares amd64+arm64, worker declares none, docs has a local output.
const def = parseDefinition(readFileSync('__tests__/fixtures/bake/print-two-targets.json', 'utf8'))

const options: PlanOptions = {
  registry: 'localhost:5000',
  imagePrefix: 'acme',
  images: {},
  platforms: [],
  tagNames: ['v1.2.3', 'latest'],
  labels: [],
  annotations: [],
  push: true,
  ...NO_BUILD_PLAN_OPTIONS
}
const plans = (o: Partial<PlanOptions> = {}) => planTargets(def, { ...options, ...o })

describe('parseRunnerMap', () => {
  it('defaults: amd64 and arm64 on their native hosted runners, ubuntu-24.04 as fallback', () => {
    expect(parseRunnerMap('')).toEqual({
      'linux/amd64': 'ubuntu-24.04',
      'linux/arm64': 'ubuntu-24.04-arm',
      '*': 'ubuntu-24.04'
    })
  })

  it('lines override and add entries; platforms are normalized; comments and blanks are skipped', () => {
    const map = parseRunnerMap('linux/arm64/v8 = arm-big\n# note\n\nlinux/arm/v7=pi-runner\n*=fallback-x')
    expect(map).toEqual({
      'linux/amd64': 'ubuntu-24.04',
      'linux/arm64': 'arm-big',
      'linux/arm/v7': 'pi-runner',
      '*': 'fallback-x'
    })
  })

  it.each([
    ['linux/arm64', "Invalid runners line 'linux/arm64'"],
    ['=ubuntu-24.04', "Invalid runners line '=ubuntu-24.04'"],
    ['linux/arm64=', "Invalid runners line 'linux/arm64='"],
    ['arm64=ubuntu-24.04-arm', "Invalid platform 'arm64'"]
  ])('rejects %j saying what is expected', (line, message) => {
    expect(() => parseRunnerMap(line)).toThrow(message)
  })

  it('does not change the defaults object', () => {
    parseRunnerMap('linux/amd64=other')
    expect(DEFAULT_RUNNERS['linux/amd64']).toBe('ubuntu-24.04')
  })
})

describe('buildMatrix from the captured definition', () => {
  it('one leg per image target × platform; the local-output target gets none', () => {
    const m = buildMatrix(plans(), parseRunnerMap(''))
    expect(m.include).toEqual([
      {
        target: 'api',
        platform: 'linux/amd64',
        runner: 'ubuntu-24.04',
        qemu: false,
        image: 'localhost:5000/acme/api',
        slug: 'api-linux-amd64'
      },
      {
        target: 'api',
        platform: 'linux/arm64',
        runner: 'ubuntu-24.04-arm',
        qemu: false,
        image: 'localhost:5000/acme/api',
        slug: 'api-linux-arm64'
      },
      // worker declares no platforms: the main action's default (amd64 + arm64).
      {
        target: 'worker',
        platform: 'linux/amd64',
        runner: 'ubuntu-24.04',
        qemu: false,
        image: 'localhost:5000/acme/worker',
        slug: 'worker-linux-amd64'
      },
      {
        target: 'worker',
        platform: 'linux/arm64',
        runner: 'ubuntu-24.04-arm',
        qemu: false,
        image: 'localhost:5000/acme/worker',
        slug: 'worker-linux-arm64'
      }
    ])
  })

  it('an unmapped platform runs on the fallback runner under QEMU', () => {
    const m = buildMatrix(
      plans({ platforms: ['linux/amd64', 'linux/riscv64', 'linux/arm64/v8'] }),
      parseRunnerMap('*=big')
    )
    const api = m.include.filter(e => e.target === 'api').map(e => [e.platform, e.runner, e.qemu])
    expect(api).toEqual([
      ['linux/amd64', 'ubuntu-24.04', false],
      ['linux/riscv64', 'big', true],
      ['linux/arm64', 'ubuntu-24.04-arm', false]
    ])
  })

  it('the images input names the image of each leg', () => {
    const m = buildMatrix(plans({ images: { api: 'ghcr.io/blacklake/api-server' } }), parseRunnerMap(''))
    expect(m.include[0].image).toBe('ghcr.io/blacklake/api-server')
  })

  it('a platform listed twice (arm64 and arm64/v8) is an error naming the target', () => {
    expect(() =>
      buildMatrix(plans({ platforms: ['linux/arm64', 'linux/arm64/v8'] }), parseRunnerMap(''))
    ).toThrow("Target 'api' lists platform linux/arm64 twice")
  })

  it('no image target at all is an error saying what to check', () => {
    const docsOnly = plans().filter(p => p.target === 'docs')
    expect(() => buildMatrix(docsOnly, parseRunnerMap(''))).toThrow(
      'No target of the bake definition produces an image'
    )
  })

  it(`more than ${MAX_MATRIX_JOBS} legs is an error`, () => {
    const many = Array.from({ length: 130 }, (_, i) => `linux/arm/v${i + 10}`)
    expect(() => buildMatrix(plans({ platforms: many }), parseRunnerMap(''))).toThrow(
      'GitHub allows at most 256'
    )
  })

  it('slugs have no slash', () => {
    expect(slugOf('api', 'linux/arm/v7')).toBe('api-linux-arm-v7')
  })
})

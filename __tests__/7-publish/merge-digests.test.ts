import { describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  matchDigests,
  parseDigestText,
  readDigests,
  type DigestRecord
} from '../../src/7-publish/merge-digests.js'
import type { PlanDocument } from '../../src/3-plan/document.js'
import { planDocument } from '../helpers/plan-fixture.js'

const FIXTURES = '__tests__/fixtures/merge'
const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`
const C = `sha256:${'c'.repeat(64)}`

const plan: PlanDocument = planDocument({
  images: [
    { target: 'api', image: 'localhost:5000/acme/api', platforms: ['linux/amd64', 'linux/arm64'] },
    { target: 'worker', image: 'localhost:5000/acme/worker', platforms: ['linux/amd64'] }
  ]
})
const rec = (target: string, platform: string, digest?: string, image = `localhost:5000/acme/${target}`) =>
  ({ target, platform, image, digest, source: 'test' }) as DigestRecord

describe('parseDigestText', () => {
  it("reads the main action's digests output of a one-platform leg (captured)", async () => {
    const text = await readFile(path.join(FIXTURES, 'digests-output-api-linux-amd64.json'), 'utf8')
    const [r] = parseDigestText(text, 'api-linux-amd64.json')
    expect(r).toMatchObject({ target: 'api', platform: 'linux/amd64', image: undefined })
    expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('prefers the index digest of a digests output that also names the platform manifest', () => {
    const [r] = parseDigestText(JSON.stringify({ api: { 'linux/arm64': A, index: B } }), 'f')
    expect(r).toMatchObject({ platform: 'linux/arm64', digest: B })
  })

  it('reads records, arrays of records and JSON lines; normalizes platforms', () => {
    const one = { target: 'api', platform: 'linux/arm64/v8', image: 'localhost:5000/acme/api', digest: A }
    expect(parseDigestText(JSON.stringify(one), 'f')[0].platform).toBe('linux/arm64')
    expect(parseDigestText(JSON.stringify([one, { ...one, target: 'worker' }]), 'f')).toHaveLength(2)
    expect(parseDigestText(`${JSON.stringify(one)}\n\n${JSON.stringify(one)}\n`, 'f')).toHaveLength(2)
  })

  it("reads the images output of a one-platform leg; digest null means the leg's build failed", () => {
    const images = {
      api: { image: 'localhost:5000/acme/api', platforms: ['linux/amd64'], digest: null, pushed: false }
    }
    expect(parseDigestText(JSON.stringify(images), 'f')).toEqual([
      {
        target: 'api',
        platform: 'linux/amd64',
        image: 'localhost:5000/acme/api',
        digest: undefined,
        source: 'f'
      }
    ])
  })

  it.each([
    [{ api: { image: 'x/api', platforms: ['linux/amd64', 'linux/arm64'], digest: A } }, 'names 2 platforms'],
    [{ target: 'api', platform: 'linux/amd64', digest: 'sha256:123' }, 'invalid digest'],
    [{ hello: 'world' }, 'not a digest record'],
    [[1], 'expected JSON objects']
  ])('rejects %j', (value, message) => {
    expect(() => parseDigestText(JSON.stringify(value), 'leg.json')).toThrow(message)
  })

  it('names the bad line of JSON lines', () => {
    expect(() => parseDigestText('{"target":"api"\n{', 'leg.json')).toThrow('leg.json: line 1 is not JSON')
  })
})

describe('readDigests', () => {
  async function tree(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'merge-digests-'))
    // download-artifact without merge-multiple: one directory per artifact.
    await mkdir(path.join(dir, 'digests', 'digests-api-linux-amd64'), { recursive: true })
    await writeFile(
      path.join(dir, 'digests', 'digests-api-linux-amd64', 'api-linux-amd64.json'),
      JSON.stringify(rec('api', 'linux/amd64', A))
    )
    await writeFile(
      path.join(dir, 'digests', 'api-linux-arm64.json'),
      JSON.stringify(rec('api', 'linux/arm64', B))
    )
    await writeFile(path.join(dir, 'digests', 'notes.txt'), 'not read')
    return dir
  }

  it('reads a directory recursively (*.json only)', async () => {
    const dir = await tree()
    const records = await readDigests('digests', dir)
    expect(records.map(r => r.platform).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(records.find(r => r.platform === 'linux/amd64')?.source).toBe(
      'digests/digests-api-linux-amd64/api-linux-amd64.json'
    )
  })

  it('reads a file-name pattern and several lines', async () => {
    const dir = await tree()
    expect(await readDigests('digests/*-arm64.json', dir)).toHaveLength(1)
    expect(await readDigests('digests/*-arm64.json\ndigests/digests-api-linux-amd64', dir)).toHaveLength(2)
  })

  it('reads inline JSON', async () => {
    expect(await readDigests(JSON.stringify([rec('api', 'linux/amd64', A)]), '/')).toHaveLength(1)
  })

  it('says what is missing', async () => {
    const dir = await tree()
    await expect(readDigests('', dir)).rejects.toThrow('The digests input is empty')
    await expect(readDigests('nowhere', dir)).rejects.toThrow("digests: 'nowhere' does not exist")
    await expect(readDigests('digests/*.yaml', dir)).rejects.toThrow('matches no file')
    await expect(readDigests('*/x/*.json', dir)).rejects.toThrow(
      'wildcards are supported in the file name only'
    )
  })
})

describe('matchDigests', () => {
  it('one digest per planned target × platform', () => {
    const { sources, notes } = matchDigests(plan, [
      rec('api', 'linux/amd64', A),
      rec('api', 'linux/arm64', B),
      rec('worker', 'linux/amd64', C),
      { ...rec('worker', 'linux/amd64', C), image: undefined }
    ])
    expect(sources).toEqual([
      {
        target: 'api',
        image: 'localhost:5000/acme/api',
        platforms: ['linux/amd64', 'linux/arm64'],
        digests: { 'linux/amd64': A, 'linux/arm64': B }
      },
      {
        target: 'worker',
        image: 'localhost:5000/acme/worker',
        platforms: ['linux/amd64'],
        digests: { 'linux/amd64': C }
      }
    ])
    expect(notes).toEqual([])
  })

  it('a missing, failed or contradictory leg fails, naming each target and platform', () => {
    const run = () =>
      matchDigests(plan, [
        rec('api', 'linux/amd64', A),
        rec('api', 'linux/amd64', C),
        rec('api', 'linux/arm64'),
        rec('worker', 'linux/amd64', C, 'localhost:5000/other/worker')
      ])
    expect(run).toThrow(
      'Cannot merge: 3 build leg(s) have no usable digest; no index was created and no tag moved'
    )
    expect(run).toThrow(`api linux/amd64: several digests (${A}, ${C})`)
    expect(run).toThrow('api linux/arm64: the build leg reported no digest (its build failed; test)')
    expect(run).toThrow(
      'worker linux/amd64: pushed to localhost:5000/other/worker, the plan says localhost:5000/acme/worker'
    )
  })

  it('a leg that never uploaded its digest is named', () => {
    expect(() => matchDigests(plan, [rec('api', 'linux/amd64', A), rec('worker', 'linux/amd64', C)])).toThrow(
      'api linux/arm64: no digest (the build leg did not run or did not upload its digest)'
    )
  })

  it('records outside the plan are notes, not errors', () => {
    const { notes } = matchDigests(plan, [
      rec('api', 'linux/amd64', A),
      rec('api', 'linux/arm64', B),
      rec('worker', 'linux/amd64', C),
      rec('worker', 'linux/s390x', C),
      rec('docs', 'linux/amd64', C)
    ])
    expect(notes).toEqual([
      'test: worker linux/s390x is not a planned platform; ignored',
      "test: target 'docs' is not in the plan; ignored"
    ])
  })
})

import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseDefinition } from '../../src/3-plan/definition.js'
import { NO_BUILD_PLAN_OPTIONS, planTargets } from '../../src/3-plan/targets.js'
import {
  parsePlanDocument,
  planDocument,
  plannedFlavor,
  plannedImage,
  plannedTags,
  PLAN_SCHEMA
} from '../../src/3-plan/document.js'
import { computeMeta, BLACKLAKE_DEFAULTS, BLACKLAKE_OPTIONS } from '../../src/2-tags/index.js'
import { runContext } from '../helpers/run-context.js'

const def = parseDefinition(readFileSync('__tests__/fixtures/bake/print-two-targets.json', 'utf8'))
const ctx = runContext({ sha: '3e5021833b4c26e36b242bea2a75b3cc36c602a8' })
const meta = computeMeta({ images: '', ...BLACKLAKE_DEFAULTS, labels: '', annotations: '' }, ctx, undefined, {
  ...BLACKLAKE_OPTIONS,
  now: new Date('2026-11-28T05:00:00Z')
})
const plans = planTargets(def, {
  registry: 'localhost:5000',
  imagePrefix: 'acme',
  images: {},
  platforms: [],
  tagNames: meta.tagNames,
  labels: meta.labels,
  annotations: meta.annotations,
  push: true,
  ...NO_BUILD_PLAN_OPTIONS
})
const doc = planDocument(
  meta,
  plans,
  { push: true, reason: 'push event' },
  { monotonic: true, registry: 'ghcr.io' }
)

describe('planDocument', () => {
  it('carries the release tags, one created date and the image targets only', () => {
    expect(doc.schema).toBe(PLAN_SCHEMA)
    expect(doc.version).toBe('v1.2.3')
    expect(doc.registry).toBe('ghcr.io')
    expect(doc.tags).toEqual(['v1.2.3', 'v1.2', 'v1', 'sha-3e50218', 'latest'])
    expect(doc.labels).toContain('org.opencontainers.image.created=2026-11-28T05:00:00.000Z')
    expect(doc.annotations).toContain('org.opencontainers.image.version=v1.2.3')
    expect(doc.images).toEqual([
      { target: 'api', image: 'localhost:5000/acme/api', platforms: ['linux/amd64', 'linux/arm64'] },
      { target: 'worker', image: 'localhost:5000/acme/worker', platforms: ['linux/amd64', 'linux/arm64'] }
    ])
  })

  it('round-trips through JSON (the job output)', () => {
    expect(parsePlanDocument(JSON.stringify(doc))).toEqual(doc)
  })
})

describe('parsePlanDocument errors say how to pass the plan', () => {
  it.each([
    ['', 'The plan input is empty'],
    ['{not json', 'The plan input is not JSON'],
    ['{"version":"v1"}', 'is not a plan of this action'],
    [JSON.stringify({ ...doc, images: [] }), 'lists no images'],
    [JSON.stringify({ ...doc, tags: 'v1' }), "no valid 'tags' list"],
    [JSON.stringify({ ...doc, images: [{ target: 'api' }] }), 'malformed image entry'],
    [JSON.stringify({ ...doc, monotonic: 'yes' }), "'monotonic'/'push'"],
    [JSON.stringify({ ...doc, registry: undefined }), 'names no registry']
  ])('%j', (text, message) => {
    expect(() => parsePlanDocument(text)).toThrow(message)
    expect(() => parsePlanDocument(text)).toThrow('needs.plan.outputs.plan')
  })
})

describe('variants through the plan document', () => {
  it('each image keeps its variant: merge pushes and checks its tags inside it', () => {
    const withVariant = planTargets(def, {
      registry: 'localhost:5000',
      imagePrefix: 'acme',
      images: { worker: 'localhost:5000/acme/api' },
      platforms: [],
      tagNames: meta.tagNames,
      labels: meta.labels,
      annotations: meta.annotations,
      push: true,
      ...NO_BUILD_PLAN_OPTIONS,
      variants: { worker: { prefix: '', suffix: '-worker' } }
    })
    const d = parsePlanDocument(
      JSON.stringify(
        planDocument(
          meta,
          withVariant,
          { push: true, reason: 'x' },
          { monotonic: true, registry: 'localhost:5000' }
        )
      )
    )
    const worker = plannedImage(d, 'worker')
    expect(worker.variant).toEqual({ prefix: '', suffix: '-worker' })
    expect(plannedTags(d, worker)).toEqual([
      'v1.2.3-worker',
      'v1.2-worker',
      'v1-worker',
      'sha-3e50218-worker',
      'latest-worker'
    ])
    expect(plannedTags(d, plannedImage(d, 'api'))).toEqual(d.tags)
    expect(plannedFlavor(d, worker)).toEqual({ prefix: '', suffix: '-worker' })
    expect(() => plannedImage(d, 'docs')).toThrow("Target 'docs' is not in the plan.")
  })

  it('a malformed variant is refused', () => {
    const bad = { ...doc, images: [{ ...doc.images[0], variant: { suffix: 1 } }] }
    expect(() => parsePlanDocument(JSON.stringify(bad))).toThrow(/malformed image entry/)
  })
})

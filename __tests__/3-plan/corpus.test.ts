// Every case of the bake-file corpus, from buildx's own `--print` of both print formats (0.13.1 strings,
// 0.29.1 objects): the plan equals what `bake --print --push` says bake would push (targets, image names,
// platforms), or the plan refuses before anything is built with the case's message. The same plan drives the CLI
// `plan`, the plan sub-action's matrix and document, and the main action's override file (a dry run prints it).
import { describe, expect, it } from '@jest/globals'
import { parseDefinition } from '../../src/3-plan/definition.js'
import {
  NO_BUILD_PLAN_OPTIONS,
  overrideFile,
  planTargets,
  type PlanOptions
} from '../../src/3-plan/targets.js'
import { buildMatrix, parseRunnerMap } from '../../src/3-plan/matrix.js'
import { planDocument, plannedTags } from '../../src/3-plan/document.js'
import { parseTargetImages, parseVariants } from '../../src/1-context/bake-inputs.js'
import { splitList } from '../../src/lib/list.js'
import {
  bakePushes,
  captured,
  expectSameAsBake,
  corpusCases,
  refusal,
  VERSIONS,
  type CaseRun,
  type CorpusCase
} from '../helpers/corpus.js'
import type { MetaResult } from '../../src/2-tags/index.js'

const LOCAL = 'linux/amd64'
const TAGS = ['v1.2.3', 'latest']

function options(c: CorpusCase, run: CaseRun): PlanOptions {
  const i = run.inputs ?? {}
  return {
    registry: 'localhost:5000',
    imagePrefix: 'acme',
    images: parseTargetImages(i.images ?? ''),
    platforms: splitList(i.platforms ?? ''),
    tagNames: TAGS,
    labels: [],
    annotations: [],
    push: true,
    ...NO_BUILD_PLAN_OPTIONS,
    requested: c.targets ?? ['default'],
    variants: parseVariants(i.variants ?? ''),
    localPlatform: () => LOCAL
  }
}

const meta = {
  version: 'v1.2.3',
  tagNames: TAGS,
  labels: [],
  annotationsRaw: [],
  annotationLevels: ['manifest']
}
const doc = (plans: ReturnType<typeof planTargets>) =>
  planDocument(
    { ...meta, flavor: { prefix: '', suffix: '' } } as unknown as MetaResult,
    plans,
    { push: true, reason: 'push' },
    { monotonic: true, registry: 'localhost:5000' }
  )

const cases = corpusCases().flatMap(c =>
  VERSIONS.flatMap(v => c.runs.map((run, i) => [`${c.name} (run ${i + 1}, buildx ${v})`, c, run, v] as const))
)

describe.each(cases)('%s', (_label, c, run, version) => {
  const def = () => parseDefinition(captured(c, 'print', version))
  const expected = refusal(run, version)

  if (expected) {
    it('refuses before building, naming the cause and the fix', () => {
      expect(() => planTargets(def(), options(c, run))).toThrow(new RegExp(expected, 's'))
    })
    return
  }

  it('plans exactly the targets bake would push, with its image names and platforms', () => {
    const plans = planTargets(def(), options(c, run))
    expectSameAsBake(
      plans
        .filter(p => p.producesImage)
        .map(p => ({ target: p.target, image: p.image, platforms: p.platforms })),
      bakePushes(captured(c, 'print-push', version)),
      {
        registry: 'localhost:5000',
        prefix: 'acme',
        images: options(c, run).images,
        platforms: splitList(run.inputs?.platforms ?? ''),
        local: LOCAL
      }
    )
  })

  it('gives the plan sub-action no leg and the override file no entry for anything but those images', () => {
    const plans = planTargets(def(), options(c, run))
    const images = plans.filter(p => p.producesImage).map(p => p.target)
    const matrix = buildMatrix(plans, parseRunnerMap(''))
    expect([...new Set(matrix.include.map(e => e.target))].sort()).toEqual([...images].sort())
    expect(Object.keys(overrideFile(plans).target).sort()).toEqual([...images].sort())
    const d = doc(plans)
    expect(d.images.map(i => i.target).sort()).toEqual([...images].sort())
    // No two planned images push the same reference, in the single job or through merge.
    const refs = d.images.flatMap(i => plannedTags(d, i).map(t => `${i.image}:${t}`))
    expect(new Set(refs).size).toBe(refs.length)
    for (const p of plans.filter(x => !x.producesImage)) expect(p.skipReason).toMatch(/\S/)
  })
})

import { describe, expect, it } from '@jest/globals'
import {
  assertDistinctReferences,
  isPlaceholder,
  outputNames,
  resolveImage,
  variantFlavor,
  variantTag
} from '../../src/3-plan/image-names.js'

const naming = { registry: 'ghcr.io', imagePrefix: 'acme', images: {} }

describe('image names', () => {
  it.each<[string, Parameters<typeof resolveImage>[1], Record<string, string>, string, string]>([
    [
      'images input line',
      { tags: ['x.io/a/b:1'] },
      { app: 'ghcr.io/acme/api' },
      'ghcr.io/acme/api',
      'images input'
    ],
    [
      'bare images line',
      { tags: ['x.io/a/b:1'] },
      { '*': 'ghcr.io/acme/one' },
      'ghcr.io/acme/one',
      'images input'
    ],
    [
      'image output name over tags',
      { tags: ['app:local'], output: [{ type: 'image', name: 'x.io/team/named:dev', push: 'true' }] },
      {},
      'x.io/team/named',
      'output name'
    ],
    ['publishable tag', { tags: ['acme/app:1'] }, {}, 'acme/app', 'target tags'],
    ['placeholder tag', { tags: ['myapp:local'] }, {}, 'ghcr.io/acme/myapp', 'placeholder tag'],
    ['placeholder without tag', { tags: ['myapp'] }, {}, 'ghcr.io/acme/myapp', 'placeholder tag'],
    [
      'placeholder next to a publishable tag',
      { tags: ['app:local', 'ghcr.io/acme/app:1'] },
      {},
      'ghcr.io/acme/app',
      'target tags'
    ],
    ['no tags', {}, {}, 'ghcr.io/acme/app', 'registry/image-prefix']
  ])('%s', (_name, t, images, image, source) => {
    expect(resolveImage('app', t, { ...naming, images })).toEqual({ image, source })
  })

  it('a target line of the images input wins over the bare line', () => {
    const images = { '*': 'ghcr.io/acme/all', app: 'ghcr.io/acme/mine' }
    expect(resolveImage('app', {}, { ...naming, images }).image).toBe('ghcr.io/acme/mine')
    expect(resolveImage('other', {}, { ...naming, images }).image).toBe('ghcr.io/acme/all')
  })

  it('refuses a target that names two images, saying how to choose one', () => {
    expect(() =>
      resolveImage('app', { tags: ['ghcr.io/acme/app:1', 'docker.io/acme/app:1'] }, naming)
    ).toThrow(
      "Target 'app' names 2 images (ghcr.io/acme/app, docker.io/acme/app) in its tags; this action publishes " +
        "each target as one image. Choose one with the images input, e.g. 'app=ghcr.io/acme/app'."
    )
    expect(() =>
      resolveImage('app', { output: [{ type: 'registry', name: 'a.io/x/app:1,b.io/x/app:1' }] }, naming)
    ).toThrow(/names 2 images \(a.io\/x\/app, b.io\/x\/app\) in its output/)
  })

  it('names of image and registry outputs only', () => {
    expect(
      outputNames([
        { type: 'image', name: 'a/b:1, a/c:2' },
        { type: 'docker', name: 'local/x' },
        { type: 'registry', name: 'r.io/x/y' }
      ])
    ).toEqual(['a/b:1', 'a/c:2', 'r.io/x/y'])
    expect([isPlaceholder('app'), isPlaceholder('acme/app'), isPlaceholder('localhost:5000/app')]).toEqual([
      true,
      false,
      false
    ])
  })
})

describe('variants and distinct references', () => {
  it('wrap every tag; the release rules read them inside the tag engine’s flavor', () => {
    expect(variantTag('v1.2.3', { prefix: '', suffix: '-alpine' }, 'a')).toBe('v1.2.3-alpine')
    expect(variantTag('latest', { prefix: 'slim-', suffix: '' }, 'a')).toBe('slim-latest')
    expect(variantTag('v1', undefined, 'a')).toBe('v1')
    expect(variantFlavor({ prefix: 'p-', suffix: '-s' }, { prefix: 'x-', suffix: '-y' })).toEqual({
      prefix: 'x-p-',
      suffix: '-s-y'
    })
    expect(() => variantTag('v1', { prefix: '-', suffix: '' }, 'app')).toThrow(
      /Target 'app' would get the invalid tag '-v1'/
    )
  })

  it('refuses two targets on one reference, naming both ways out', () => {
    const plans = [
      {
        target: 'app-alpine',
        image: 'ghcr.io/acme/app',
        tags: ['ghcr.io/acme/app:v1', 'ghcr.io/acme/app:latest']
      },
      {
        target: 'app-debian',
        image: 'ghcr.io/acme/app',
        tags: ['ghcr.io/acme/app:v1', 'ghcr.io/acme/app:latest']
      }
    ]
    expect(() => assertDistinctReferences(plans)).toThrow(
      'Two targets would receive the same reference: targets app-alpine, app-debian would all push ' +
        'ghcr.io/acme/app:v1, ghcr.io/acme/app:latest. Nothing was built. Give each target its own tags with the ' +
        "variants input (e.g. 'target=app-alpine,suffix=-app-alpine' and 'target=app-debian,suffix=-app-debian'), " +
        "or its own image with the images input (e.g. 'app-debian=ghcr.io/acme/app-app-debian')."
    )
    expect(() =>
      assertDistinctReferences([plans[0], { ...plans[1], tags: ['ghcr.io/acme/app:v1-debian'] }])
    ).not.toThrow()
  })
})

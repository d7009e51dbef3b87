// Labels and annotations: generated OCI set, user overrides, sorting, expressions, annotation levels.
import { describe, expect, it } from '@jest/globals'
import { computeMeta, metaJson } from '../../src/2-tags/index.js'
import { loadContext, NOW, REPO, spec } from './helpers.js'

const OCI = [
  'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
  'org.opencontainers.image.description=This your first repo!',
  'org.opencontainers.image.licenses=MIT',
  'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
  'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
  'org.opencontainers.image.title=Hello-World',
  'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
  'org.opencontainers.image.version=v1.2.3'
]

describe('labels', () => {
  it('generates the OCI labels sorted by key', () => {
    const meta = computeMeta(spec(), loadContext('push_tag'), REPO, { now: NOW, env: {} })
    expect(meta.labels).toEqual(OCI)
  })

  it('lets user labels override generated ones and keeps "=" in values', () => {
    const meta = computeMeta(
      spec({
        labels:
          'maintainer=CrazyMax\norg.opencontainers.image.title=MyCustomTitle\nurl=https://x.test/?a=b\nnovalue'
      }),
      loadContext('push_tag'),
      REPO,
      { now: NOW, env: {} }
    )
    expect(meta.labels).toContain('org.opencontainers.image.title=MyCustomTitle')
    expect(meta.labels).not.toContain('org.opencontainers.image.title=Hello-World')
    expect(meta.labels[0]).toBe('maintainer=CrazyMax')
    expect(meta.labels).toContain('url=https://x.test/?a=b')
    expect(meta.labels.some(l => l.startsWith('novalue'))).toBe(false)
  })

  it('renders global expressions in labels', () => {
    const meta = computeMeta(
      spec({
        labels: "built-from={{branch}}@{{sha}}\ncommitted={{commit_date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}"
      }),
      loadContext('push_branch'),
      REPO,
      { now: NOW, env: {} }
    )
    expect(meta.labels).toContain('built-from=dev@860c190')
    expect(meta.labels).toContain('committed=2020-01-10T00:02:03.000Z')
  })

  it('leaves repository labels empty without repository data', () => {
    const meta = computeMeta(spec(), loadContext('empty'), undefined, { now: NOW, env: {} })
    expect(meta.labels).toContain('org.opencontainers.image.title=')
    expect(meta.labels).toContain('org.opencontainers.image.revision=')
    expect(meta.version).toBe('')
  })
})

describe('annotations', () => {
  it.each([
    [undefined, ['manifest']],
    ['index', ['index']],
    ['manifest,index', ['manifest', 'index']],
    ['index-descriptor,manifest-descriptor', ['index-descriptor', 'manifest-descriptor']]
  ])('levels %j', (levels, expected) => {
    const env = levels ? { DOCKER_METADATA_ANNOTATIONS_LEVELS: levels } : {}
    const meta = computeMeta(
      spec({ annotations: 'org.opencontainers.image.vendor=BlackLake' }),
      loadContext('push_tag'),
      REPO,
      {
        now: NOW,
        env
      }
    )
    expect(meta.annotationsRaw).toContain('org.opencontainers.image.vendor=BlackLake')
    expect(meta.annotations).toEqual(expected.flatMap(level => meta.annotationsRaw.map(a => `${level}:${a}`)))
    expect(metaJson(meta).annotations).toEqual(meta.annotations)
  })
})

describe('json output', () => {
  it('has tags, tag-names, labels and annotations', () => {
    const meta = computeMeta(
      spec({ tags: 'type=semver,pattern={{version}}' }),
      loadContext('push_tag'),
      REPO,
      {
        now: NOW,
        env: {}
      }
    )
    const json = metaJson(meta)
    expect(Object.keys(json)).toEqual(['tags', 'tag-names', 'labels', 'annotations'])
    expect(json.tags).toEqual(['name/app:1.2.3', 'name/app:latest'])
    expect(json['tag-names']).toEqual(['1.2.3', 'latest'])
    expect(json.labels['org.opencontainers.image.version']).toBe('1.2.3')
  })
})

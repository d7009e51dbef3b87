// computeMeta against the scenarios docker/metadata-action's README documents (event, ref, inputs -> version
// and tags), one row each.
import { describe, expect, it } from '@jest/globals'
import { computeMeta } from '../../src/2-tags/index.js'
import { loadContext, NOW, REPO, spec } from './helpers.js'

const SEMVER =
  'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}'

type Row = [string, string, Record<string, string>, Partial<ReturnType<typeof spec>>, string, string[]]

// [name, fixture, env overrides, inputs, version, tag names]
const rows: Row[] = [
  // Basic usage (default tags)
  ['basic pull_request', 'pull_request', { GITHUB_REF: 'refs/pull/2/merge' }, {}, 'pr-2', ['pr-2']],
  ['basic push master', 'push_default_branch', {}, {}, 'master', ['master']],
  [
    'basic push releases/v1',
    'push_branch',
    { GITHUB_REF: 'refs/heads/releases/v1' },
    {},
    'releases-v1',
    ['releases-v1']
  ],
  ['basic tag v1.2.3', 'push_tag', {}, {}, 'v1.2.3', ['v1.2.3', 'latest']],
  [
    'basic tag beta',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v2.0.8-beta.67' },
    {},
    'v2.0.8-beta.67',
    ['v2.0.8-beta.67', 'latest']
  ],
  ['basic workflow_dispatch', 'workflow_dispatch', {}, {}, 'master', ['master']],
  ['basic schedule', 'schedule', {}, {}, 'nightly', ['nightly', 'master']],
  ['basic release', 'release', {}, {}, 'v1.1.1', ['v1.1.1', 'latest']],
  ['basic pull_request_target', 'pull_request_target', {}, {}, 'pr-15', ['pr-15']],
  ['basic create branch', 'create_branch', {}, {}, 'dev', ['dev']],
  ['basic create tag', 'create_tag', {}, {}, 'v1.1.1', ['v1.1.1', 'latest']],
  // Semver usage
  [
    'semver pull_request',
    'pull_request',
    { GITHUB_REF: 'refs/pull/2/merge' },
    { tags: SEMVER },
    'pr-2',
    ['pr-2']
  ],
  ['semver push master', 'push_default_branch', {}, { tags: SEMVER }, 'master', ['master']],
  ['semver tag v1.2.3', 'push_tag', {}, { tags: SEMVER }, '1.2.3', ['1.2.3', '1.2', 'latest']],
  [
    'semver tag beta',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v2.0.8-beta.67' },
    { tags: SEMVER },
    '2.0.8-beta.67',
    ['2.0.8-beta.67']
  ],
  [
    'bake example',
    'push_tag',
    {},
    { tags: SEMVER + '\ntype=sha' },
    '1.2.3',
    ['1.2.3', '1.2', 'sha-860c190', 'latest']
  ],
  // type=semver patterns
  ['semver raw', 'push_tag', {}, { tags: 'type=semver,pattern={{raw}}' }, 'v1.2.3', ['v1.2.3', 'latest']],
  ['semver v major', 'push_tag', {}, { tags: 'type=semver,pattern=v{{major}}' }, 'v1', ['v1', 'latest']],
  ['semver minor', 'push_tag', {}, { tags: 'type=semver,pattern={{minor}}' }, '2', ['2', 'latest']],
  ['semver patch', 'push_tag', {}, { tags: 'type=semver,pattern={{patch}}' }, '3', ['3', 'latest']],
  [
    'semver pre raw',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v2.0.8-beta.67' },
    { tags: 'type=semver,pattern={{raw}}' },
    'v2.0.8-beta.67',
    ['v2.0.8-beta.67']
  ],
  [
    'semver pre major',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v2.0.8-beta.67' },
    { tags: 'type=semver,pattern={{major}}' },
    '2.0.8-beta.67',
    ['2.0.8-beta.67']
  ],
  [
    'semver match attr',
    'push_tag',
    { GITHUB_REF: 'refs/tags/p1/v1.2.3' },
    { tags: 'type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$' },
    '1.2.3',
    ['1.2.3', 'latest']
  ],
  [
    'semver value attr',
    'push_branch',
    {},
    { tags: 'type=semver,pattern={{version}},value=v1.0.0' },
    '1.0.0',
    ['1.0.0', 'latest']
  ],
  ['semver not a tag', 'push_branch', {}, { tags: 'type=semver,pattern={{version}}' }, '', []],
  [
    'semver non-semver tag',
    'push_tag',
    { GITHUB_REF: 'refs/tags/release1' },
    { tags: 'type=semver,pattern={{version}}' },
    '',
    []
  ],
  [
    'semver build metadata',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v9.5.7-alpha.2+fork.3.1.8' },
    { tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}' },
    '9.5.7-alpha.2',
    ['9.5.7-alpha.2']
  ],
  [
    'semver major zero',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v0.1.2' },
    {
      tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}'
    },
    '0.1.2',
    ['0.1.2', '0.1', '0', 'latest']
  ],
  // type=pep440
  [
    'pep440 raw',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.2.3' },
    { tags: 'type=pep440,pattern={{raw}}' },
    '1.2.3',
    ['1.2.3', 'latest']
  ],
  [
    'pep440 v version',
    'push_tag',
    {},
    { tags: 'type=pep440,pattern={{version}}' },
    '1.2.3',
    ['1.2.3', 'latest']
  ],
  [
    'pep440 major.minor',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.2.3' },
    { tags: 'type=pep440,pattern={{major}}.{{minor}}' },
    '1.2',
    ['1.2', 'latest']
  ],
  [
    'pep440 v major',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.2.3' },
    { tags: 'type=pep440,pattern=v{{major}}' },
    'v1',
    ['v1', 'latest']
  ],
  [
    'pep440 rc raw',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v1.2.3rc2' },
    { tags: 'type=pep440,pattern={{raw}}' },
    'v1.2.3rc2',
    ['v1.2.3rc2']
  ],
  [
    'pep440 rc version',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.2.3rc2' },
    { tags: 'type=pep440,pattern={{version}}' },
    '1.2.3rc2',
    ['1.2.3rc2']
  ],
  [
    'pep440 rc major.minor',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.2.3rc2' },
    { tags: 'type=pep440,pattern={{major}}.{{minor}}' },
    '1.2.3rc2',
    ['1.2.3rc2']
  ],
  [
    'pep440 post',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.2.3post1' },
    { tags: 'type=pep440,pattern={{major}}.{{minor}}' },
    '1.2.3.post1',
    ['1.2.3.post1']
  ],
  [
    'pep440 beta',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.2.3beta2' },
    { tags: 'type=pep440,pattern={{major}}.{{minor}}' },
    '1.2.3b2',
    ['1.2.3b2']
  ],
  [
    'pep440 dev',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.0dev4' },
    { tags: 'type=pep440,pattern={{major}}.{{minor}}' },
    '1.0.dev4',
    ['1.0.dev4']
  ],
  [
    'pep440 match',
    'push_tag',
    { GITHUB_REF: 'refs/tags/p1/v1.2.3' },
    { tags: 'type=pep440,pattern={{version}},match=v(\\d.\\d.\\d)$' },
    '1.2.3',
    ['1.2.3', 'latest']
  ],
  [
    'pep440 invalid',
    'push_tag',
    { GITHUB_REF: 'refs/tags/sometag' },
    { tags: 'type=pep440,pattern={{version}}' },
    '',
    []
  ],
  // type=match
  ['match digits', 'push_tag', {}, { tags: 'type=match,pattern=\\d.\\d.\\d' }, '1.2.3', ['1.2.3', 'latest']],
  [
    'match group all',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v2.0.8-beta.67' },
    { tags: 'type=match,pattern=v(.*),group=1' },
    '2.0.8-beta.67',
    ['2.0.8-beta.67', 'latest']
  ],
  [
    'match group 2 digits',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v2.0.8-beta.67' },
    { tags: 'type=match,pattern=v(\\d.\\d),group=1' },
    '2.0',
    ['2.0', 'latest']
  ],
  [
    'match date',
    'push_tag',
    { GITHUB_REF: 'refs/tags/20200110-RC2' },
    { tags: 'type=match,pattern=\\d+' },
    '20200110',
    ['20200110', 'latest']
  ],
  [
    'match slash',
    'push_tag',
    { GITHUB_REF: 'refs/tags/p1/v1.2.3' },
    { tags: 'type=match,pattern=p1/v(\\d.\\d.\\d),group=1' },
    '1.2.3',
    ['1.2.3', 'latest']
  ],
  [
    'match regex literal',
    'push_tag',
    { GITHUB_REF: 'refs/tags/V1.2.3' },
    { tags: 'type=match,pattern=/v(\\d.\\d)/i,group=1' },
    '1.2',
    ['1.2', 'latest']
  ],
  ['match no match', 'push_tag', {}, { tags: 'type=match,pattern=^x' }, '', []],
  // type=edge / ref / raw / sha
  ['edge default branch', 'push_default_branch', {}, { tags: 'type=edge' }, 'edge', ['edge']],
  ['edge other branch', 'push_branch', {}, { tags: 'type=edge' }, '', []],
  ['edge explicit branch', 'push_branch', {}, { tags: 'type=edge,branch=dev' }, 'edge', ['edge']],
  [
    'ref branch with slash',
    'push_branch',
    { GITHUB_REF: 'refs/heads/my/branch' },
    { tags: 'type=ref,event=branch' },
    'my-branch',
    ['my-branch']
  ],
  [
    'ref tag',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v2.0.8-beta.67' },
    { tags: 'type=ref,event=tag' },
    'v2.0.8-beta.67',
    ['v2.0.8-beta.67', 'latest']
  ],
  [
    'raw values',
    'push_branch',
    {},
    { tags: 'type=raw,value=foo\ntype=raw,bar\nbaz' },
    'foo',
    ['foo', 'bar', 'baz']
  ],
  [
    'raw disabled',
    'push_branch',
    {},
    { tags: 'type=raw,value=foo,enable=false\ntype=raw,value=bar' },
    'bar',
    ['bar']
  ],
  [
    'raw latest on default branch',
    'push_default_branch',
    {},
    { tags: 'type=raw,value=latest,enable={{is_default_branch}}' },
    'latest',
    ['latest']
  ],
  [
    'raw latest not default',
    'push_branch',
    {},
    { tags: 'type=raw,value=latest,enable={{is_default_branch}}' },
    '',
    []
  ],
  [
    'raw not default expression',
    'push_branch',
    {},
    { tags: 'type=raw,value=dev-build,enable={{is_not_default_branch}}' },
    'dev-build',
    ['dev-build']
  ],
  ['sha short', 'push_branch', {}, { tags: 'type=sha' }, 'sha-860c190', ['sha-860c190']],
  [
    'sha long',
    'push_branch',
    {},
    { tags: 'type=sha,format=long' },
    'sha-860c1904a1ce19322e91ac35af1ab07466440c37',
    ['sha-860c1904a1ce19322e91ac35af1ab07466440c37']
  ],
  ['sha no prefix', 'push_branch', {}, { tags: 'type=sha,prefix=' }, '860c190', ['860c190']],
  ['sha missing', 'empty', {}, { tags: 'type=sha' }, '', []],
  // priorities, de-duplication, expressions
  [
    'priority order',
    'push_tag',
    {},
    { tags: 'type=sha,priority=1100\ntype=semver,pattern={{version}}\ntype=ref,event=tag' },
    'sha-860c190',
    ['sha-860c190', '1.2.3', 'v1.2.3']
  ],
  [
    'duplicates dropped',
    'push_tag',
    {},
    { tags: 'type=raw,value=foo\ntype=raw,value=bar\ntype=raw,value=foo\ntype=raw,value=bar' },
    'foo',
    ['foo', 'bar']
  ],
  [
    'global exp in value',
    'push_branch',
    {},
    { tags: 'type=raw,value=mytag-{{branch}}-{{sha}}' },
    'mytag-dev-860c190',
    ['mytag-dev-860c190']
  ],
  [
    'branch prefix on sha',
    'push_branch',
    {},
    { tags: 'type=sha,prefix={{branch}}-' },
    'dev-860c190',
    ['dev-860c190']
  ],
  ['tag expression', 'push_tag', {}, { tags: 'type=raw,value=t-{{tag}}' }, 't-v1.2.3', ['t-v1.2.3']],
  [
    'base_ref on pr',
    'pull_request',
    {},
    { tags: 'type=raw,value={{base_ref}}-pr' },
    'master-pr',
    ['master-pr']
  ],
  [
    'base_ref on tag',
    'push_tag',
    {},
    { tags: 'type=raw,value={{base_ref}}-rel' },
    'master-rel',
    ['master-rel']
  ],
  ['base_ref empty on branch', 'push_branch', {}, { tags: 'type=raw,value=x{{base_ref}}' }, 'x', ['x']],
  [
    'is_default_branch create',
    'create_branch',
    {},
    { tags: 'type=raw,value=d-{{is_default_branch}}' },
    'd-true',
    ['d-true']
  ],
  [
    'sha length env',
    'push_branch',
    { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' },
    { tags: 'type=sha\ntype=raw,value={{sha}}' },
    '860c1904a1ce',
    ['860c1904a1ce', 'sha-860c1904a1ce']
  ],
  [
    'comments and blanks',
    'push_branch',
    {},
    { tags: '# comment\n\ntype=raw,value=foo#bar\n# other' },
    'foo-bar',
    ['foo-bar']
  ],
  [
    'pr head sha',
    'pull_request',
    { DOCKER_METADATA_PR_HEAD_SHA: 'true' },
    { tags: 'type=sha' },
    'sha-a9b8c7d',
    ['sha-a9b8c7d']
  ],
  // unusual refs
  ['branch with hash', 'push_branch', { GITHUB_REF: 'refs/heads/#42-fix' }, {}, '42-fix', ['42-fix']],
  [
    'branch upper case',
    'push_branch',
    { GITHUB_REF: 'refs/heads/Feature/Login' },
    {},
    'Feature-Login',
    ['Feature-Login']
  ],
  [
    'branch long',
    'push_branch',
    { GITHUB_REF: `refs/heads/feature/${'a'.repeat(140)}` },
    {},
    `feature-${'a'.repeat(120)}`,
    [`feature-${'a'.repeat(120)}`]
  ],
  [
    'non-semver tag',
    'push_tag',
    { GITHUB_REF: 'refs/tags/release1' },
    {},
    'release1',
    ['release1', 'latest']
  ],
  [
    'invalid chars branch',
    'push_branch',
    { GITHUB_REF: 'refs/heads/my/feature#1245' },
    { tags: 'type=ref,event=branch' },
    'my-feature-1245',
    ['my-feature-1245']
  ],
  [
    'quoted match fields',
    'push_tag',
    { GITHUB_REF: 'refs/tags/p1/v1.0.0' },
    {
      tags: 'type=match,"pattern=/^v(\\d.\\d.\\d)$/ig",group=1\ntype=match,pattern=\\d.\\d.\\d\ntype=match,pattern=\\d.\\d\ntype=ref,event=pr\ntype=sha'
    },
    '1.0.0',
    ['1.0.0', '1.0', 'sha-860c190', 'latest']
  ],
  [
    'missing match group',
    'push_tag',
    { GITHUB_REF: 'refs/tags/p1/v1.0.0' },
    { tags: 'type=match,pattern=p1/v(\\d.\\d),group=3\ntype=sha' },
    'sha-860c190',
    ['sha-860c190']
  ],
  [
    'empty suffix beats flavor',
    'push_tag',
    { GITHUB_REF: 'refs/tags/p1/v1.0.0' },
    {
      tags: 'type=match,pattern=p1/v(\\d.\\d.\\d),group=1\ntype=match,pattern=p1/v(\\d.\\d),group=1,suffix=\ntype=ref,event=pr\ntype=sha',
      flavor: 'suffix=-dev'
    },
    '1.0.0-dev',
    ['1.0.0-dev', '1.0', 'sha-860c190-dev', 'latest']
  ],
  [
    'bare raw values with expressions',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v1.1.1' },
    {
      tags: 'type=raw,{{tag}}-{{sha}}-foo\ntype=raw,{{base_ref}}-foo\ntype=raw,defbranch-foo,enable={{is_default_branch}}'
    },
    'v1.1.1-860c190-foo',
    ['v1.1.1-860c190-foo', 'master-foo']
  ],
  [
    'raw priority over semver pre-release',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v2.0.8-beta.67' },
    { tags: 'type=raw,priority=2000,foo\ntype=semver,pattern={{version}}\ntype=match,"pattern=\\d.\\d"' },
    'foo',
    ['foo', '2.0.8-beta.67', '2.0']
  ],
  [
    'pep440 raw and major.minor on v tag',
    'push_tag',
    { GITHUB_REF: 'refs/tags/v1.1.1' },
    { tags: 'type=pep440,pattern={{raw}}\ntype=pep440,pattern={{major}}.{{minor}}' },
    'v1.1.1',
    ['v1.1.1', '1.1', 'latest']
  ],
  [
    'pep440 two-part version',
    'push_tag',
    { GITHUB_REF: 'refs/tags/1.2' },
    { tags: 'type=pep440,pattern={{version}}\ntype=pep440,pattern={{major}}.{{minor}}' },
    '1.2',
    ['1.2', 'latest']
  ],
  [
    'sha with empty branch prefix on a tag',
    'push_tag',
    {},
    { tags: 'type=sha,prefix={{branch}}-' },
    '860c190',
    ['860c190']
  ],
  [
    'missing sha and ref',
    'empty',
    {},
    { tags: 'type=ref,event=branch\ntype=sha\ntype=semver,pattern={{version}}' },
    '',
    []
  ]
]

describe('computeMeta: README scenarios', () => {
  it.each(rows)('%s', (_name, fixture, env, inputs, version, tagNames) => {
    const ctx = loadContext(fixture, env)
    const meta = computeMeta(spec(inputs), ctx, REPO, { now: NOW, env: { ...env } })
    expect(meta.version).toBe(version)
    expect(meta.tagNames).toEqual(tagNames)
    expect(meta.tags).toEqual(tagNames.map(t => `name/app:${t}`))
  })
})

describe('computeMeta: schedule and dates', () => {
  const at = new Date('2020-01-10T15:25:50.000Z')
  it.each([
    ['type=schedule', 'nightly'],
    ['type=schedule,pattern=nightly', 'nightly'],
    ["type=schedule,pattern={{date 'YYYYMMDD'}}", '20200110'],
    ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", '20200111-002550'],
    ["type=raw,value={{date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}", '2020-01-10T15-25-50.000Z'],
    ["type=raw,value={{commit_date 'YYYYMMDD-HHmmss'}}", '20200110-000203'],
    ['type=raw,value={{commit_date YYYY-MM-DD-HHmmSS}}', '2020-01-10T00-02-03Z'],
    ["type=raw,value={{date YYYYMMDD tz='Asia/Tokyo'}}", '2020-01-11T00-25-50-09-00'],
    ["type=raw,value={{commit_date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", '20200110-090203']
  ])('%s -> %s', (tags, expected) => {
    const meta = computeMeta(spec({ tags }), loadContext('schedule'), REPO, { now: at, env: {} })
    const pushed = computeMeta(spec({ tags }), loadContext('push_default_branch'), REPO, { now: at, env: {} })
    if (tags.startsWith('type=schedule')) expect(meta.version).toBe(expected)
    else expect(pushed.version).toBe(expected)
  })

  it('formats moment tokens like the README examples', () => {
    const meta = computeMeta(
      spec({ labels: "when={{date 'dddd, MMMM Do YYYY, h:mm:ss a'}}" }),
      loadContext('push_branch'),
      REPO,
      { now: at, env: {} }
    )
    expect(meta.labels).toContain('when=Friday, January 10th 2020, 3:25:50 pm')
  })
})

describe('computeMeta: flavor', () => {
  const ctx = () => loadContext('push_tag')
  it.each([
    ['latest=false', 'type=semver,pattern={{version}}', ['1.2.3']],
    ['latest=true', 'type=sha', ['sha-860c190', 'latest']],
    ['prefix=foo-', 'type=semver,pattern={{version}}\ntype=sha', ['foo-1.2.3', 'sha-860c190', 'latest']],
    ['suffix=-bar', 'type=semver,pattern={{version}}', ['1.2.3-bar', 'latest']],
    ['prefix=foo-,onlatest=true', 'type=semver,pattern={{version}}', ['foo-1.2.3', 'foo-latest']],
    ['suffix=-bar,onlatest=true', 'type=semver,pattern={{version}}', ['1.2.3-bar', 'latest-bar']],
    ['prefix=foo-\nsuffix=-bar,onlatest=true', 'type=ref,event=tag', ['foo-v1.2.3-bar', 'latest-bar']],
    ['prefix=foo-', 'type=semver,pattern={{version}},prefix=', ['1.2.3', 'latest']]
  ])('flavor %j tags %j', (flavor, tags, expected) => {
    expect(computeMeta(spec({ flavor, tags }), ctx(), REPO, { now: NOW, env: {} }).tagNames).toEqual(expected)
  })
})

describe('computeMeta: images', () => {
  it.each([
    ['name/app\nghcr.io/User/App', ['name/app:master', 'ghcr.io/user/app:master']],
    ['name/app,ghcr.io/name/app', ['name/app:master', 'ghcr.io/name/app:master']],
    ['name=name/app\nname=ghcr.io/name/app,enable=false', ['name/app:master']],
    ['', ['master']]
  ])('%j', (images, tags) => {
    const meta = computeMeta(spec({ images }), loadContext('push_default_branch'), REPO, {
      now: NOW,
      env: {}
    })
    expect(meta.tags).toEqual(tags)
    expect(meta.tagNames).toEqual(['master'])
  })
})

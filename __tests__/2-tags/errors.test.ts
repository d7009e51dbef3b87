// Bad input fails with a message that names the offending line and says what was expected.
import { describe, expect, it } from '@jest/globals'
import { computeMeta } from '../../src/2-tags/index.js'
import { loadContext, NOW, REPO, spec } from './helpers.js'

// [case, inputs, fixture, message parts that must all appear]
const cases: Array<[string, Partial<ReturnType<typeof spec>>, string, string[]]> = [
  [
    'unknown rule type',
    { tags: 'type=ref,event=branch\ntype=foo,value=bar' },
    'push_branch',
    ['Unknown tag type attribute: foo', 'tags line 2', 'type=foo,value=bar', 'schedule, semver']
  ],
  [
    'unknown attribute',
    { tags: 'type=ref,event=branch,colour=red' },
    'push_branch',
    ['Unknown tag attribute "colour"', 'tags line 1', 'type=ref,event=branch,colour=red']
  ],
  [
    'malformed line (quote)',
    { tags: 'type=raw,value=ok\ntype=raw,value="foo' },
    'push_branch',
    ['Malformed tags line 2', 'type=raw,value="foo']
  ],
  [
    'missing pattern',
    { tags: 'type=semver' },
    'push_tag',
    ['Missing pattern attribute', 'tags line 1', 'pattern={{version}}']
  ],
  ['missing event', { tags: 'type=ref' }, 'push_tag', ['Missing event attribute', 'tags line 1']],
  [
    'invalid event',
    { tags: 'type=ref,event=commit' },
    'push_tag',
    ['Invalid event "commit"', 'branch, tag or pr']
  ],
  [
    'invalid sha format',
    { tags: 'type=sha,format=medium' },
    'push_tag',
    ['Invalid format "medium"', 'short or long']
  ],
  [
    'invalid match group',
    { tags: 'type=match,pattern=v(.*),group=one' },
    'push_tag',
    ['Invalid match group "one"', 'expected a number']
  ],
  [
    'invalid priority',
    { tags: 'type=raw,value=foo,priority=high' },
    'push_branch',
    ['Invalid priority "high"', 'tags line 1', 'whole number']
  ],
  [
    'invalid priority (decimal)',
    { tags: '\n\ntype=raw,value=foo,priority=1.5' },
    'push_branch',
    ['Invalid priority "1.5"', 'tags line 3']
  ],
  [
    'invalid enable',
    { tags: 'type=raw,value=foo,enable=yes' },
    'push_branch',
    ['Invalid value for enable attribute: yes', 'tags line 1', 'true or false']
  ],
  [
    'invalid image name',
    { images: 'name/app\nmy image/app' },
    'push_branch',
    ['Invalid image name "my image/app"', 'images line 2', 'lowercase letters']
  ],
  [
    'image with tag',
    { images: 'name/app:1.0' },
    'push_branch',
    ['Invalid image name "name/app:1.0"', 'without a tag or digest']
  ],
  [
    'unknown image attribute',
    { images: 'name=name/app,foo=bar' },
    'push_branch',
    ['Unknown image attribute', 'images line 1']
  ],
  [
    'empty image name',
    { images: 'name=,enable=true' },
    'push_branch',
    ['Image name attribute empty', 'images line 1']
  ],
  [
    'pattern yields leading dash',
    { tags: 'type=raw,value=-foo' },
    'push_branch',
    ['tags line 1', 'yields "-foo"', 'not a valid Docker tag', 'starts with "." or "-"']
  ],
  [
    'semver pattern yields leading dot',
    { tags: 'type=semver,pattern=.{{version}}' },
    'push_tag',
    ['tags line 1', 'yields ".1.2.3"']
  ],
  [
    'pattern yields too long tag',
    { tags: `type=raw,value=${'x'.repeat(129)}` },
    'push_branch',
    ['tags line 1', '129 characters long (at most 128)']
  ],
  [
    'prefix yields invalid tag',
    { tags: 'type=raw,value=foo,prefix=-' },
    'push_branch',
    ['tags line 1', 'yields "-foo"']
  ],
  ['bad handlebars', { tags: 'type=raw,value={{branch' }, 'push_branch', ['tags line 1', 'Cannot evaluate']],
  [
    'date without format',
    { tags: 'type=raw,value={{date}}' },
    'push_branch',
    ['tags line 1', 'needs a format']
  ],
  [
    'unknown date attribute',
    { tags: "type=raw,value={{date 'YYYY' zone='UTC'}}" },
    'push_branch',
    ['Unknown zone attribute']
  ],
  [
    'invalid flavor latest',
    { flavor: 'latest=sometimes' },
    'push_branch',
    ['Invalid latest flavor entry', 'flavor line 1']
  ],
  [
    'unknown flavor entry',
    { flavor: 'latest=auto\ncolour=red' },
    'push_branch',
    ['Unknown flavor entry', 'flavor line 2']
  ],
  ['flavor without value', { flavor: 'prefix' }, 'push_branch', ['Invalid flavor entry', 'flavor line 1']],
  [
    'invalid onlatest',
    { flavor: 'prefix=v,onlatest=maybe' },
    'push_branch',
    ['Invalid value for onlatest attribute: maybe']
  ],
  [
    'semver match without capture group',
    { tags: 'type=semver,pattern={{version}},match=v\\d' },
    'push_tag',
    ['tags line 1', 'needs a capture group']
  ],
  [
    'invalid regular expression',
    { tags: 'type=match,pattern=v(.*' },
    'push_tag',
    ['Invalid regular expression in tags line 1']
  ],
  ['bad label expression', { labels: 'a=b\nc={{#if}}' }, 'push_branch', ['labels line 2']]
]

describe('bad input', () => {
  it.each(cases)('%s', (_name, inputs, fixture, parts) => {
    let message = ''
    try {
      computeMeta(spec(inputs), loadContext(fixture), REPO, { now: NOW, env: {} })
    } catch (error) {
      message = (error as Error).message
    }
    for (const part of parts) expect(message).toContain(part)
  })

  it('rejects a non-numeric DOCKER_METADATA_SHORT_SHA_LENGTH', () => {
    expect(() =>
      computeMeta(spec({ tags: 'type=sha' }), loadContext('push_branch'), REPO, {
        env: { DOCKER_METADATA_SHORT_SHA_LENGTH: 'seven' }
      })
    ).toThrow('DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: seven')
  })

  it('warns (does not fail) on an attribute that does not apply to the type', () => {
    const meta = computeMeta(spec({ tags: 'type=sha,pattern=x' }), loadContext('push_branch'), REPO, {
      env: {}
    })
    expect(meta.tagNames).toEqual(['sha-860c190'])
    expect(meta.warnings.join('\n')).toContain('Attribute "pattern" has no effect on type=sha')
  })
})

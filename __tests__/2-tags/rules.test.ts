import { describe, expect, it } from '@jest/globals'
import { parseRules, ruleToString } from '../../src/2-tags/index.js'

describe('parseRules', () => {
  it('uses the documented default rule set when the input is empty', () => {
    expect(parseRules('').map(ruleToString)).toEqual([
      'type=schedule,pattern=nightly,enable=true,priority=1000',
      'type=ref,event=branch,enable=true,priority=600',
      'type=ref,event=tag,enable=true,priority=600',
      'type=ref,event=pr,prefix=pr-,enable=true,priority=600'
    ])
  })

  it.each<[string, Record<string, string>]>([
    ['type=schedule', { pattern: 'nightly', priority: '1000' }],
    ['type=semver,pattern={{version}}', { value: '', match: '', priority: '900' }],
    ['type=pep440,pattern={{version}}', { priority: '900' }],
    ['type=match,pattern=v(.*)', { group: '0', value: '', priority: '800' }],
    ['type=edge', { branch: '', priority: '700' }],
    ['type=ref,event=pr', { prefix: 'pr-', priority: '600' }],
    ['foo', { value: 'foo', priority: '200' }],
    ['type=raw,bar', { value: 'bar', priority: '200' }],
    ['type=sha', { prefix: 'sha-', format: 'short', priority: '100' }],
    ['TYPE=sha,Format=long,ENABLE=false', { format: 'long', enable: 'false' }],
    ['type=raw,value=a=b', { value: 'a=b' }]
  ])('%s gets its defaults', (line, attrs) => {
    const [rule] = parseRules(line)
    expect(rule.attrs).toMatchObject({ enable: attrs.enable ?? 'true', ...attrs })
  })

  it('sorts by priority, highest first, keeping input order for equal priorities', () => {
    const rules = parseRules(
      'type=sha\ntype=raw,value=b\ntype=raw,value=a,priority=5000\ntype=ref,event=tag\ntype=raw,value=c\ntype=semver,pattern=x'
    )
    expect(rules.map(r => `${r.type}:${r.attrs.value ?? r.attrs.event ?? ''}`)).toEqual([
      'raw:a',
      'semver:',
      'ref:tag',
      'raw:b',
      'raw:c',
      'sha:'
    ])
  })
})

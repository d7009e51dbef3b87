import { describe, expect, it } from '@jest/globals'
import { parseList } from '../../src/2-tags/index.js'
import { splitFields } from '../../src/2-tags/list.js'

describe('parseList', () => {
  it.each([
    ['', []],
    [
      'a\nb',
      [
        ['a', 1],
        ['b', 2]
      ]
    ],
    [
      '# comment\na\n\n  \nb',
      [
        ['a', 2],
        ['b', 5]
      ]
    ],
    ['label=foo#bar\n#c', [['label=foo#bar', 1]]],
    ['type=raw,"value=x,y"', [['type=raw,value=x,y', 1]]],
    ['a,b\n', [['a,b', 1]]],
    ['  spaced  ', [['spaced', 1]]],
    ['desc=say "hi"', [['desc=say "hi"', 1]]]
  ])('%j', (input, expected) => {
    expect(parseList(input).map(e => [e.text, e.line])).toEqual(expected)
  })
})

describe('splitFields', () => {
  it.each([
    ['type=ref,event=branch', ['type=ref', 'event=branch']],
    ['type=match,"pattern=\\d,\\d",group=1', ['type=match', 'pattern=\\d,\\d', 'group=1']],
    ['foo', ['foo']]
  ])('%j', (entry, fields) => {
    expect(splitFields(entry)).toEqual(fields)
  })

  it('throws on a stray quote (the caller names the line)', () => {
    expect(() => splitFields('type=raw,value="foo')).toThrow()
  })
})

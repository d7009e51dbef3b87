import { describe, expect, it } from '@jest/globals'
import { parseBoolean } from '../../src/lib/boolean.js'

describe('parseBoolean: the one boolean parser', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['1', true],
    ['t', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['F', false],
    [' true ', true]
  ])('%j is %p', (value, expected) => expect(parseBoolean('x', value)).toBe(expected))

  it('an empty value is the fallback when there is one, an error otherwise', () => {
    expect(parseBoolean('pr-comment', '', true)).toBe(true)
    expect(parseBoolean('overwrite', '  ', false)).toBe(false)
    expect(() => parseBoolean('dry-run', '')).toThrow("Invalid dry-run ''. Expected true or false.")
  })

  it.each(['yes', 'no', 'on', 'enabled', '2'])('refuses %j, naming the setting', value =>
    expect(() => parseBoolean('overwrite', value)).toThrow(
      `Invalid overwrite '${value}'. Expected true or false.`
    )
  )
})

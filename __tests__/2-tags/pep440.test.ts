import { describe, expect, it } from '@jest/globals'
import { cleanPep440, isPep440Unstable, parsePep440, validPep440 } from '../../src/2-tags/pep440.js'

describe('PEP 440', () => {
  // [input, valid, clean, unstable, major.minor.patch]
  it.each([
    ['1.2.3', true, '1.2.3', false, [1, 2, 3]],
    ['v1.2.3', true, '1.2.3', false, [1, 2, 3]],
    ['1.2', true, '1.2', false, [1, 2, 0]],
    ['1.2.3rc2', true, '1.2.3rc2', true, [1, 2, 3]],
    ['1.2.3post1', true, '1.2.3.post1', true, [1, 2, 3]],
    ['1.2.3beta2', true, '1.2.3b2', true, [1, 2, 3]],
    ['1.1beta2', true, '1.1b2', true, [1, 1, 0]],
    ['1.0dev4', true, '1.0.dev4', true, [1, 0, 0]],
    ['1.0-1', true, '1.0.post1', true, [1, 0, 0]],
    ['2!1.0+local.7', true, '2!1.0+local,7', false, [1, 0, 0]],
    ['1.0.0-preview', true, '1.0.0rc0', true, [1, 0, 0]],
    ['sometag', false, null, false, null],
    ['v2.0.8-beta.67', true, '2.0.8b67', true, [2, 0, 8]],
    ['1.2.3-alpha+x/y', false, null, false, null]
  ])('%s', (input, valid, clean, unstable, parts) => {
    expect(validPep440(input)).toBe(valid)
    expect(cleanPep440(input)).toBe(clean)
    const parsed = parsePep440(input)
    if (parts) {
      expect(parsed && isPep440Unstable(parsed)).toBe(unstable)
      expect([0, 1, 2].map(i => parsed?.release[i] ?? 0)).toEqual(parts)
    } else expect(parsed).toBeNull()
  })
})

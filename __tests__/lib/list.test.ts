import { describe, expect, it } from '@jest/globals'
import { splitList } from '../../src/lib/list.js'

describe('splitList', () => {
  it('splits lists on newlines and commas, dropping blanks and comments', () => {
    expect(splitList('a.hcl, b.hcl\n\n# note\n c.json ')).toEqual(['a.hcl', 'b.hcl', 'c.json'])
    expect(splitList('api.args.X=1,2\nworker.tags=x', { commas: false })).toEqual([
      'api.args.X=1,2',
      'worker.tags=x'
    ])
  })
})

import { describe, expect, it } from '@jest/globals'
import { callFindings } from '../../src/5-build/bake-call.js'
import { fixture } from '../helpers/bake-fixtures.js'

describe('bake --call check', () => {
  it('reads the summary and the rules that fired from bake’s output (captured, buildx 0.29.1)', () => {
    expect(callFindings(fixture('call-check-warning.txt'))).toEqual({
      summary: 'Check complete, 1 warning has been found!',
      findings: ['ConsistentInstructionCasing']
    })
    expect(callFindings('Check complete, no warnings found.\n')).toEqual({
      summary: 'Check complete, no warnings found.',
      findings: []
    })
  })
})

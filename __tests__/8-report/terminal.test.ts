import { describe, expect, it } from '@jest/globals'
import { renderLine } from '../../src/8-report/terminal.js'

describe('renderLine (workflow commands for a terminal)', () => {
  it.each([
    ['::group::Context and tags', false, '\n── Context and tags'],
    ['::endgroup::', false, undefined],
    ['::debug::input driver: "docker"', false, undefined],
    ['::debug::input driver: "docker"', true, 'debug: input driver: "docker"'],
    ['::warning::No repository%0Aon two lines', false, 'warning: No repository\non two lines'],
    ['::error file=x,line=1::100%25 broken', false, 'error: 100% broken'],
    ['::notice::Not pushing: fork', false, 'notice: Not pushing: fork'],
    ['::add-mask::s3cr3t', false, undefined],
    ['plain log line with :: inside', false, 'plain log line with :: inside']
  ])('%j (verbose %p) -> %j', (line, verbose, expected) => {
    expect(renderLine(line, verbose)).toBe(expected)
  })
})

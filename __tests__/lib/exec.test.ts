import { describe, expect, it } from '@jest/globals'
import { ExecError, lastMeaningfulLine, run } from '../../src/lib/exec.js'

describe('exec wrapper', () => {
  it('passes arguments as data, never through a shell', async () => {
    const hostile = '$(touch /tmp/pwned); `id` && echo "x" | cat; rm -rf ~'
    const r = await run('printf', ['%s', hostile], { silent: true })
    expect(r.stdout).toBe(hostile)
  })

  it('feeds standard input', async () => {
    const r = await run('cat', [], { input: 'secret-on-stdin', silent: true })
    expect(r.stdout).toBe('secret-on-stdin')
  })

  it('turns a failure into an error carrying the last stderr line', async () => {
    await expect(
      run('sh', ['-c', 'echo first >&2; echo "the reason" >&2; exit 3'], { silent: true })
    ).rejects.toThrow(/exit code 3: the reason/)
    await expect(run('false', [], { silent: true })).rejects.toBeInstanceOf(ExecError)
  })

  it('returns the result when asked to ignore the exit code', async () => {
    const r = await run('sh', ['-c', 'echo out; exit 4'], { silent: true, ignoreReturnCode: true })
    expect(r).toEqual({ exitCode: 4, stdout: 'out\n', stderr: '' })
  })

  it.each([
    ['a\n\n  b  \n\n', 'b'],
    ['', '(no output)']
  ])('lastMeaningfulLine(%j) = %j', (text, line) => {
    expect(lastMeaningfulLine(text)).toBe(line)
  })
})

import { describe, expect, it } from '@jest/globals'
import { parseCli, type CliRequest } from '../../src/actions/cli.js'
import { parseInputs } from '../../src/1-context/inputs.js'

const req = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCli(argv, env) as CliRequest

describe('CLI', () => {
  it('plan is a dry run with the context flags and any action input', () => {
    const r = req([
      'plan',
      '--ref',
      'refs/tags/v1.2.3',
      '--sha',
      'abc',
      '--registry',
      'localhost:5000',
      '--driver',
      'docker'
    ])
    expect([r.command, r.ref, r.sha, r.event, r.pr]).toEqual([
      'plan',
      'refs/tags/v1.2.3',
      'abc',
      undefined,
      undefined
    ])
    const inputs = parseInputs(r.get)
    expect(inputs).toMatchObject({
      dryRun: true,
      registry: 'localhost:5000',
      driver: 'docker',
      registryGiven: true,
      files: []
    })
  })

  it('publish builds for real; a repeated flag is a multi-line value', () => {
    const r = req([
      'publish',
      '--pr',
      '42',
      '--set',
      'api.args.A=1,2',
      '--set',
      'worker.args.B=3',
      '--images',
      'api=localhost:5000/x/api'
    ])
    expect([r.command, r.pr]).toEqual(['publish', 42])
    const inputs = parseInputs(r.get)
    expect(inputs.dryRun).toBe(false)
    expect(inputs.set).toEqual(['api.args.A=1,2', 'worker.args.B=3'])
    expect(inputs.images).toEqual({ api: 'localhost:5000/x/api' })
  })

  it('takes secrets from the environment rather than the command line', () => {
    const r = req(['publish'], { MULTIARCH_PASSWORD: 'pw', GITHUB_TOKEN: 'tok' })
    expect([r.get('password'), r.get('github-token')]).toEqual(['pw', 'tok'])
  })

  it.each([
    [['deploy'], /Expected one command, plan or publish/],
    [[], /Expected one command/],
    [['plan', '--no-such-flag', 'x'], /Unknown option '--no-such-flag'/],
    [['plan', '--pr', 'abc'], /--pr expects a pull request number/]
  ])('rejects %j', (argv, message) => expect(() => parseCli(argv, {})).toThrow(message))

  it('answers --help', () => expect(parseCli(['--help'], {})).toBe('help'))

  it('--json asks for the result as JSON', () => {
    expect(req(['plan', '--json']).json).toBe(true)
    expect(req(['plan']).json).toBe(false)
  })
})

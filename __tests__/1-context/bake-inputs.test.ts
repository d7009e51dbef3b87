// The bake invocation and per-target inputs, read through the main action's parser as the action reads them.
import { describe, expect, it } from '@jest/globals'
import { parseTargetImages } from '../../src/1-context/bake-inputs.js'
import { parseInputs, type InputName } from '../../src/1-context/inputs.js'

const from = (values: Partial<Record<InputName, string>>) => (name: InputName) => values[name] ?? ''

describe('bake invocation inputs (docker/bake-action names) and variants', () => {
  it('read vars, call, no-cache, pull, load, source and variants', () => {
    const i = parseInputs(
      from({
        vars: 'VERSION={{version}}\n# comment\nEMPTY=',
        call: 'check',
        'no-cache': 'true',
        pull: 'true',
        load: 'true',
        source: 'https://github.com/acme/defs.git#main',
        variants: 'target=app-alpine,suffix=-alpine\ntarget=app-slim,prefix=slim-'
      })
    )
    expect(i).toMatchObject({
      vars: { VERSION: '{{version}}', EMPTY: '' },
      call: 'check',
      noCache: true,
      pull: true,
      load: true,
      source: 'https://github.com/acme/defs.git#main',
      variants: {
        'app-alpine': { prefix: '', suffix: '-alpine' },
        'app-slim': { prefix: 'slim-', suffix: '' }
      }
    })
    expect(parseInputs(from({ source: '.' })).source).toBe('')
  })

  it('reads images lines', () => {
    expect(
      parseTargetImages('api=ghcr.io/acme/api\n# c\nworker = registry.example.com:5000/ns/worker')
    ).toEqual({
      api: 'ghcr.io/acme/api',
      worker: 'registry.example.com:5000/ns/worker'
    })
  })

  it('accepts a registry with a port for images lines', () => {
    expect(parseTargetImages('api=localhost:5000/acme/api')).toEqual({ api: 'localhost:5000/acme/api' })
  })

  it('a bare images line names every target without a line of its own', () => {
    expect(parseTargetImages('ghcr.io/acme/app\napi=ghcr.io/acme/api')).toEqual({
      '*': 'ghcr.io/acme/app',
      api: 'ghcr.io/acme/api'
    })
  })

  it.each<[Partial<Record<InputName, string>>, RegExp]>([
    [{ vars: 'not a var' }, /Invalid vars line 'not a var'. Expected 'NAME=value'/],
    [{ vars: '1X=a' }, /Invalid vars line '1X=a'/],
    [{ call: 'lint-all' }, /Invalid call 'lint-all'. Expected one of: build, check, outline, targets/],
    [
      { source: '--file=/etc/passwd' },
      /Invalid source '--file=\/etc\/passwd'. Expected a remote bake definition/
    ],
    [{ variants: 'app-alpine=-alpine' }, /Invalid variants line 'app-alpine=-alpine'. Expected 'target=NAME/],
    [{ variants: 'target=app' }, /Invalid variants line 'target=app'/],
    [{ variants: 'target=app,sufix=-a' }, /Invalid variants line/]
  ])('rejects %j saying what is expected', (values, message) => {
    expect(() => parseInputs(from(values))).toThrow(message)
  })
})

import { describe, expect, it, jest } from '@jest/globals'
import { parseDefinition } from '../../src/3-plan/definition.js'
import {
  bakeInvocation,
  bakeVariables,
  describeDefinition,
  imageTargetsOf,
  imagePrefixOf
} from '../../src/3-plan/plan.js'
import { parseInputs, type InputName } from '../../src/1-context/inputs.js'
import type { RunContext } from '../../src/1-context/context.js'

const ctx = { repository: { owner: 'Acme', repo: 'demo' } } as RunContext
const inputs = (values: Partial<Record<InputName, string>>) => parseInputs(name => values[name] ?? '')

describe('bake variables: set only when the user asks', () => {
  it('none by default: the bake file keeps its own REGISTRY, IMAGE_PREFIX and VERSION', () => {
    expect(bakeVariables(inputs({}), 'acme', 'v1.2.3')).toEqual({})
  })

  it('the registry and image-prefix inputs, when given, are REGISTRY and IMAGE_PREFIX', () => {
    expect(
      bakeVariables(inputs({ registry: 'localhost:5000', 'image-prefix': 'Team' }), 'team', 'v1')
    ).toEqual({
      REGISTRY: 'localhost:5000',
      IMAGE_PREFIX: 'team'
    })
  })

  it('vars lines are passed as given, with the action’s values filled in', () => {
    const i = inputs({ vars: 'VERSION={{version}}\nIMAGE={{ registry }}/{{image-prefix}}/app\nTAG=x=y' })
    expect(bakeVariables(i, 'acme', 'v1.2.3')).toEqual({
      VERSION: 'v1.2.3',
      IMAGE: 'ghcr.io/acme/app',
      TAG: 'x=y'
    })
  })
})

describe('the bake invocation', () => {
  it('names no file when files is empty (bake finds its own) and carries source, vars and build flags', () => {
    const inv = bakeInvocation(
      inputs({ source: 'https://github.com/acme/defs.git#main', 'no-cache': 'true', vars: 'A=1' }),
      ctx,
      'v1'
    )
    expect(inv).toMatchObject({
      files: [],
      targets: ['default'],
      source: 'https://github.com/acme/defs.git#main',
      vars: { A: '1' },
      noCache: true,
      pull: false
    })
  })

  it("gives the job token to buildx only for a remote definition on the workflow's GitHub host", () => {
    const token = { 'github-token': 'ghs_x' }
    expect(bakeInvocation(inputs({ ...token, source: 'https://github.com/a/b.git' }), ctx, '').env).toEqual({
      BUILDX_BAKE_GIT_AUTH_TOKEN: 'ghs_x'
    })
    expect(
      bakeInvocation(inputs({ ...token, source: 'https://git.example.com/a/b.git' }), ctx, '').env
    ).toEqual({})
    expect(bakeInvocation(inputs({ ...token }), ctx, '').env).toEqual({})
  })

  it('the log says which definition bake read', () => {
    expect(describeDefinition(inputs({}), ['compose.yaml', 'docker-bake.override.hcl'])).toBe(
      "compose.yaml, docker-bake.override.hcl (bake's default files)"
    )
    expect(describeDefinition(inputs({ files: 'a.hcl' }), ['a.hcl'])).toBe('a.hcl')
    expect(describeDefinition(inputs({ source: 'https://x.io/r.git' }), [])).toBe(
      'remote definition https://x.io/r.git'
    )
  })
})

describe('the images of a definition, as the preview clean-up names them', () => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  const definition = parseDefinition(
    JSON.stringify({
      target: {
        api: { context: '.', dockerfile: 'Dockerfile', tags: ['localhost:5000/team/api:dev'] },
        worker: { context: '.', dockerfile: 'Dockerfile' },
        'worker-debug': { context: '.', dockerfile: 'Dockerfile', tags: ['localhost:5000/team/api:debug'] },
        docs: { context: '.', dockerfile: 'Dockerfile', output: [{ type: 'local', dest: 'site' }] }
      }
    })
  )

  it('names each image target as the main action does, once per image; other targets have no image', () => {
    const prefix = imagePrefixOf(inputs({}), ctx)
    const o = { registry: 'ghcr.io', imagePrefix: prefix, images: {} }
    expect(imageTargetsOf(definition, ['api', 'worker', 'worker-debug', 'docs'], o)).toEqual([
      { target: 'api', image: 'localhost:5000/team/api' },
      { target: 'worker', image: 'ghcr.io/acme/worker' }
    ])
    const docsOnly = parseDefinition(JSON.stringify({ target: { docs: definition.target.docs } }))
    expect(imageTargetsOf(docsOnly, ['docs'], o)).toEqual([])
  })
})

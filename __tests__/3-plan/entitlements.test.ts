// Bake's file-system entitlements: exactly the paths the action makes bake write (OCI layouts, the next local
// cache generation) or read (the local cache), as `--allow fs.write=…` / `fs.read=…` in the argument list that
// both `--print` and the build use, followed by the user's own `allow` entries.
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { bakeArgs, parseDefinition } from '../../src/3-plan/definition.js'
import { allowArgs } from '../../src/3-plan/definition.js'
import { fsGrants } from '../../src/3-plan/entitlements.js'
import { localCachePaths } from '../../src/3-plan/cache.js'
import { planTargets, type PlanOptions } from '../../src/3-plan/targets.js'
import { fixture } from '../helpers/bake-fixtures.js'

// Captured `bake --print default docs`: api and worker build images, docs has a local output of its own.
const def = parseDefinition(fixture('print-two-targets.json'))

const base: PlanOptions = {
  registry: 'localhost:5000',
  imagePrefix: 'acme',
  images: {},
  platforms: [],
  tagNames: ['v1.2.3'],
  labels: [],
  annotations: [],
  push: true,
  cache: 'none',
  cacheScope: '',
  cacheWrite: true,
  ghaAvailable: true,
  pushByDigest: true,
  sbom: { enabled: true },
  provenance: { enabled: true, mode: 'max' }
}

describe('fs grants', () => {
  it('push by digest with the gha cache needs no file-system grant', () => {
    const plans = planTargets(def, { ...base, cache: 'gha' })
    expect(fsGrants(plans)).toEqual({ read: [], write: [] })
  })

  it('docker driver: one write grant per image target’s OCI layout, none for a target built as declared', () => {
    const plans = planTargets(def, {
      ...base,
      pushByDigest: false,
      layoutRoot: '/runner/temp/multiarch-x/oci'
    })
    expect(fsGrants(plans)).toEqual({
      read: [],
      write: ['/runner/temp/multiarch-x/oci/api', '/runner/temp/multiarch-x/oci/worker']
    })
  })

  it('local cache: read the current generation when there is one, write the next', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'grants-'))
    const api = localCachePaths(root, 'api')
    mkdirSync(api.src)
    writeFileSync(path.join(api.src, 'index.json'), '{}')
    const worker = localCachePaths(root, 'worker')
    const plans = planTargets(def, { ...base, cache: 'local', localCacheDir: root })
    expect(fsGrants(plans)).toEqual({ read: [api.src], write: [api.dest, worker.dest] })
  })

  it('puts the grants, then the user’s entitlements, into the arguments --print and the build share', () => {
    const args = bakeArgs({
      workdir: '/ws',
      files: ['docker-bake.hcl'],
      targets: ['default'],
      env: {},
      builder: 'b1',
      grants: { read: ['/t/cache/api'], write: ['/t/oci/api'] },
      allow: ['network.host', 'fs.read=/shared']
    })
    expect(args).toEqual([
      'buildx',
      'bake',
      '--builder',
      'b1',
      '--allow',
      'fs.read=/t/cache/api',
      '--allow',
      'fs.write=/t/oci/api',
      '--allow',
      'network.host',
      '--allow',
      'fs.read=/shared',
      '--file',
      'docker-bake.hcl'
    ])
    expect(allowArgs(undefined)).toEqual([])
    // Never the global switch-off.
    expect(args.join(' ')).not.toMatch(/fs=\*|ENTITLEMENTS_FS/)
  })
})

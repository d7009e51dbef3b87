// Static checks of BlackLake's image set (docker-bake.hcl + dockerfiles/ + .dockerignore) and of its fixture
// twin under __tests__/e2e/fixtures/blacklake: what can be verified without a Docker engine. The bake file's
// resolved form (`docker buildx bake --print`) is checked in __tests__/e2e/blacklake-bake.test.ts.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import * as yaml from 'js-yaml'
import {
  copyParts,
  dockerignore,
  expand,
  finalStage,
  healthcheckCommand,
  inherited,
  lineage,
  parseDockerfile,
  parseKeyValues,
  stagePlatform,
  type Dockerfile,
  type Stage
} from './dockerfile.js'

const repo = path.resolve(import.meta.dirname, '../..')
const sets = [
  { set: 'real', root: repo, pinnedBases: true },
  { set: 'fixture', root: path.join(repo, '__tests__/e2e/fixtures/blacklake'), pinnedBases: false }
]

const CORE = ['api', 'ui', 'gateway', 'jobrunner']
const ALL = [...CORE, 'otel-collector', 'mlflow']
// Images that listen: each must EXPOSE its port and HEALTHCHECK it (the API on /live).
const SERVERS: Record<string, { port: string; path?: string }> = {
  api: { port: '8080', path: '/live' },
  ui: { port: '8080' },
  gateway: { port: '8080' },
  'otel-collector': { port: '13133' },
  mlflow: { port: '5000' }
}

// Commands that compile or install toolchain output: they must run on $BUILDPLATFORM (never under QEMU).
const COMPILE =
  /\b(cargo|xx-cargo|rustc|go (build|install)|gcc|g\+\+|clang|make|pnpm|npm (ci|install|run)|yarn|pip3? (install|wheel|download)|builder --config)\b/
// Commands whose output depends on the target architecture: the stage must read TARGETPLATFORM/TARGETARCH.
const CROSS = /\b(xx-cargo (build|chef cook)|go build|pip3? install [^\n]*--platform)\b/

function read(root: string, name: string): Dockerfile {
  return parseDockerfile(readFileSync(path.join(root, 'dockerfiles', `Dockerfile.${name}`), 'utf8'))
}

function argsInScope(df: Dockerfile, stage: Stage): Set<string> {
  const names = new Set<string>()
  for (const ins of inherited(df, stage)) {
    if (ins.keyword === 'ARG') for (const t of ins.args.split(/\s+/)) names.add(t.split('=')[0])
  }
  return names
}

function last(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter(i => i.keyword === keyword).pop()?.args
}

function bakeDockerfiles(root: string): Record<string, string> {
  const hcl = readFileSync(path.join(root, 'docker-bake.hcl'), 'utf8')
  const out: Record<string, string> = {}
  for (const m of hcl.matchAll(/target\s+"([^"]+)"\s*\{([^}]*?)dockerfile\s*=\s*"([^"]+)"/gs))
    out[m[1]] = m[3]
  return out
}

describe.each(sets)('$set image set', ({ root, pinnedBases }) => {
  it('has one Dockerfile per image, each referenced by its bake target', () => {
    const files = readdirSync(path.join(root, 'dockerfiles'))
      .filter(f => f.startsWith('Dockerfile.'))
      .map(f => f.slice('Dockerfile.'.length))
    expect(files.sort()).toEqual([...ALL].sort())
    const byTarget = bakeDockerfiles(root)
    expect(Object.keys(byTarget).sort()).toEqual([...ALL].sort())
    for (const name of ALL) expect(byTarget[name]).toBe(`dockerfiles/Dockerfile.${name}`)
  })

  it('has a .dockerignore that does not exclude anything the Dockerfiles COPY', () => {
    const ignorePath = path.join(root, '.dockerignore')
    expect(existsSync(ignorePath)).toBe(true)
    const ignored = dockerignore(readFileSync(ignorePath, 'utf8'))
    for (const name of ALL) {
      const df = read(root, name)
      for (const stage of df.stages) {
        for (const ins of stage.instructions.filter(i => i.keyword === 'COPY' || i.keyword === 'ADD')) {
          const { from, sources } = copyParts(ins.args)
          if (from) continue
          for (const src of sources) {
            if (src.startsWith('<<')) continue // heredoc
            expect({ name, src, excluded: ignored(src) }).toEqual({ name, src, excluded: false })
          }
        }
      }
    }
  })

  describe.each(ALL)('Dockerfile.%s', name => {
    const df = read(root, name)
    const fin = finalStage(df)

    it('is multi-stage, and the final stage is built for the target platform', () => {
      expect(df.stages.length).toBeGreaterThanOrEqual(2)
      expect(stagePlatform(df, fin)).toBeUndefined()
    })

    it('runs as a non-root user', () => {
      const user = lineage(df, fin)
        .flatMap(s => s.instructions)
        .filter(i => i.keyword === 'USER')
        .pop()?.args
      expect(user).toBeDefined()
      const [uid] = user!.split(':')
      expect(['root', '0', '']).not.toContain(uid)
    })

    it('compiles only on $BUILDPLATFORM, reading the target platform where the output is arch-specific', () => {
      let compileStages = 0
      for (const stage of df.stages) {
        const runs = stage.instructions.filter(i => i.keyword === 'RUN').map(i => i.args)
        if (runs.some(r => COMPILE.test(r))) {
          compileStages++
          expect({ stage: stage.name, platform: stagePlatform(df, stage) }).toEqual({
            stage: stage.name,
            platform: '$BUILDPLATFORM'
          })
        }
        if (runs.some(r => CROSS.test(r))) {
          const args = argsInScope(df, stage)
          expect({
            stage: stage.name,
            readsTarget: args.has('TARGETPLATFORM') || args.has('TARGETARCH')
          }).toEqual({
            stage: stage.name,
            readsTarget: true
          })
        }
      }
      // Every image except the config-only gateway (and the fixture's) has a real compile/install stage.
      if (pinnedBases && name !== 'gateway') expect(compileStages).toBeGreaterThan(0)
    })

    it('labels the image with its OCI title and description', () => {
      const labels = Object.assign(
        {},
        ...fin.instructions.filter(i => i.keyword === 'LABEL').map(i => parseKeyValues(i.args))
      ) as Record<string, string>
      expect(labels['org.opencontainers.image.title']).toBe(`blacklake-${name}`)
      expect(labels['org.opencontainers.image.description']).toMatch(/\S{3,}/)
    })

    const server = SERVERS[name]
    if (server) {
      it(`exposes :${server.port} and health-checks it${server.path ? ` on ${server.path}` : ''}`, () => {
        const exposed = fin.instructions
          .filter(i => i.keyword === 'EXPOSE')
          .flatMap(i => i.args.split(/\s+/).map(p => p.split('/')[0]))
        expect(exposed).toContain(server.port)
        const hc = last(fin, 'HEALTHCHECK')
        expect(hc).toBeDefined()
        const cmd = healthcheckCommand(hc!)
        expect(cmd.none).toBe(false)
        const text = (cmd.exec ?? [cmd.shell!]).join(' ')
        const url = text.match(/http:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/\S*)?/)
        expect(url).not.toBeNull()
        expect(url![1]).toBe(server.port)
        if (server.path) expect(url![2]).toBe(server.path)
      })

      it('health-checks with a program the runtime image really has', () => {
        const cmd = healthcheckCommand(last(fin, 'HEALTHCHECK')!)
        const base = expand(lineage(df, fin)[0].image, df.globalArgs)
        if (/distroless|^scratch$/.test(base)) {
          // No shell, no wget: exec form, and the program is copied into the final stage.
          expect(cmd.exec).toBeDefined()
          const copied = fin.instructions.filter(i => i.keyword === 'COPY').map(i => copyParts(i.args).dest)
          expect(copied).toContain(cmd.exec![0])
        }
      })
    } else {
      it('listens on nothing, so it has neither EXPOSE nor HEALTHCHECK', () => {
        expect(last(fin, 'EXPOSE')).toBeUndefined()
        expect(last(fin, 'HEALTHCHECK')).toBeUndefined()
      })
    }

    if (pinnedBases) {
      it('pins every base image to a version (no implicit or :latest tags)', () => {
        const stageNames = new Set(df.stages.map(s => s.name).filter(Boolean))
        for (const stage of df.stages) {
          if (stageNames.has(stage.image.toLowerCase())) continue
          const image = expand(stage.image, df.globalArgs)
          expect({ image, pinned: /[:@][^/]+$/.test(image) && !/:latest$/.test(image) }).toEqual({
            image,
            pinned: true
          })
        }
      })

      it('declares the Dockerfile syntax', () => {
        expect(df.directives.syntax).toMatch(/^docker\/dockerfile:1(\.\d+)?$/)
      })

      it('copies only files that exist when they come from dockerfiles/', () => {
        for (const stage of df.stages) {
          for (const ins of stage.instructions.filter(i => i.keyword === 'COPY')) {
            const { from, sources } = copyParts(ins.args)
            if (from) continue
            for (const src of sources.filter(s => s.startsWith('dockerfiles/'))) {
              expect({ src, exists: existsSync(path.join(root, src)) }).toEqual({ src, exists: true })
            }
          }
        }
      })
    } else {
      it('copies only files that exist in the fixture', () => {
        for (const stage of df.stages) {
          for (const ins of stage.instructions.filter(i => i.keyword === 'COPY')) {
            const { from, sources } = copyParts(ins.args)
            if (from) continue
            for (const src of sources)
              expect({ src, exists: existsSync(path.join(root, src)) }).toEqual({ src, exists: true })
          }
        }
      })
    }
  })
})

describe('dependency layers come before sources', () => {
  const ordered = (df: Dockerfile, stage: Stage, first: RegExp, then: RegExp): void => {
    const list = inherited(df, stage).map(i => `${i.keyword} ${i.args}`)
    const a = list.findIndex(l => first.test(l))
    const b = list.findIndex(l => then.test(l))
    expect({ stage: stage.name, a: a >= 0, b: b >= 0, ordered: a < b }).toEqual({
      stage: stage.name,
      a: true,
      b: true,
      ordered: true
    })
  }

  it.each(['api', 'jobrunner'])(
    'Dockerfile.%s cooks dependencies (cargo-chef) before copying the sources',
    name => {
      const df = read(repo, name)
      const build = df.stages.find(s => s.instructions.some(i => /\bxx-cargo build\b/.test(i.args)))!
      expect(build).toBeDefined()
      ordered(df, build, /^RUN .*\bcargo chef cook\b/, /^COPY (services|crates)\b/)
      // The cooking stage itself only sees the recipe, never the sources.
      const cook = lineage(df, build).find(s => s.instructions.some(i => /\bcargo chef cook\b/.test(i.args)))!
      const before = inherited(df, cook).filter(i => i.keyword === 'COPY' && !copyParts(i.args).from)
      expect(before).toEqual([])
    }
  )

  it('Dockerfile.ui fetches packages (pnpm fetch) from the lock file alone, then copies the sources', () => {
    const df = read(repo, 'ui')
    const build = df.stages.find(s => s.instructions.some(i => /\bpnpm fetch\b/.test(i.args)))!
    expect(build).toBeDefined()
    ordered(df, build, /^RUN .*\bpnpm fetch\b/, /^COPY web\/ui\/ /)
    const list = build.instructions
    const fetchAt = list.findIndex(i => /\bpnpm fetch\b/.test(i.args))
    const copiedBefore = list
      .slice(0, fetchAt)
      .filter(i => i.keyword === 'COPY')
      .flatMap(i => copyParts(i.args).sources)
    expect(copiedBefore.every(s => /(pnpm-lock\.yaml|pnpm-workspace\.yaml|\.npmrc)$/.test(s))).toBe(true)
    expect(list.some(i => /pnpm install --offline/.test(i.args))).toBe(true)
  })
})

describe('files baked into the images', () => {
  const otel = path.join(repo, 'dockerfiles/otel-collector')
  type Component = { gomod: string }
  const builder = yaml.load(readFileSync(path.join(otel, 'builder-config.yaml'), 'utf8')) as Record<
    string,
    Component[] | Record<string, string>
  >
  const config = yaml.load(readFileSync(path.join(otel, 'config.yaml'), 'utf8')) as {
    extensions: Record<string, { endpoint?: string }>
    receivers: Record<string, unknown>
    processors: Record<string, unknown>
    exporters: Record<string, unknown>
    service: {
      extensions: string[]
      pipelines: Record<string, Record<'receivers' | 'processors' | 'exporters', string[]>>
    }
  }

  it('builds every collector component at the collector builder version of the Dockerfile', () => {
    const df = read(repo, 'otel-collector')
    const version = `v${df.globalArgs.OCB_VERSION}`
    const components = ['receivers', 'processors', 'exporters', 'extensions'].flatMap(
      k => builder[k] as Component[]
    )
    expect(components.length).toBeGreaterThan(0)
    for (const c of components) expect(c.gomod.split(' ')[1]).toBe(version)
    // The build stage compiles the directory the builder writes.
    const outputPath = (builder.dist as Record<string, string>).output_path.replace(/^\.\//, '')
    const run = df.stages[0].instructions.filter(i => i.keyword === 'RUN').map(i => i.args)
    expect(run.some(r => r.includes(`cd /src/${outputPath}`))).toBe(true)
  })

  it('configures only components the distribution contains, with health_check on the probed port', () => {
    const built = (kind: string) =>
      (builder[kind] as Component[]).map(c =>
        c.gomod
          .split(' ')[0]
          .split('/')
          .pop()!
          .replace(/(receiver|processor|exporter|extension)$/, '')
      )
    const name = (id: string) => id.split('/')[0].replace(/_/g, '')
    for (const [kind, ids] of Object.entries({
      receivers: Object.keys(config.receivers),
      processors: Object.keys(config.processors),
      exporters: Object.keys(config.exporters),
      extensions: Object.keys(config.extensions)
    })) {
      for (const id of ids)
        expect({ kind, id, built: built(kind).includes(name(id)) }).toEqual({ kind, id, built: true })
    }
    for (const p of Object.values(config.service.pipelines)) {
      for (const r of p.receivers) expect(config.receivers).toHaveProperty([r])
      for (const r of p.processors) expect(config.processors).toHaveProperty([r])
      for (const r of p.exporters) expect(config.exporters).toHaveProperty([r])
    }
    expect(config.service.extensions).toContain('health_check')
    expect(config.extensions.health_check.endpoint).toMatch(new RegExp(`:${SERVERS['otel-collector'].port}$`))
  })

  it('serves the health endpoints the nginx images probe', () => {
    for (const file of ['ui/nginx.conf', 'gateway/default.conf.template']) {
      const conf = readFileSync(path.join(repo, 'dockerfiles', file), 'utf8')
      expect(conf).toMatch(/listen 8080;/)
      expect(conf).toMatch(/location = \/healthz \{[^}]*return 200/)
    }
  })
})

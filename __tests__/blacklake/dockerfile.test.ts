// The Dockerfile reader used by the image checks: each feature those checks rely on, on small inputs.
import { describe, expect, it } from '@jest/globals'
import {
  copyParts,
  dockerignore,
  expand,
  finalStage,
  healthcheckCommand,
  inherited,
  parseDockerfile,
  parseKeyValues,
  stagePlatform
} from './dockerfile.js'

const sample = `# syntax=docker/dockerfile:1.7
# a comment, not a directive
ARG BASE=alpine:3.20
ARG TOOL

FROM --platform=$BUILDPLATFORM \${BASE} AS Tools
RUN apk add \\
    # comment inside a continuation
    clang \\

    lld
COPY <<'EOF' /etc/x.conf
FROM not-a-stage
EOF

FROM tools AS build
ARG TARGETARCH
RUN make

FROM scratch
COPY --from=build /out/app /app
LABEL a="one two" b=three
HEALTHCHECK --interval=5s --timeout=1s CMD ["/app", "health"]
USER 1000:1000
`

describe('parseDockerfile', () => {
  const df = parseDockerfile(sample)

  it('reads directives, global args and stages (heredoc bodies are not instructions)', () => {
    expect(df.directives).toEqual({ syntax: 'docker/dockerfile:1.7' })
    expect(df.globalArgs).toEqual({ BASE: 'alpine:3.20', TOOL: undefined })
    expect(df.stages.map(s => [s.name, s.image, s.platform])).toEqual([
      ['tools', '${BASE}', '$BUILDPLATFORM'],
      ['build', 'tools', undefined],
      [undefined, 'scratch', undefined]
    ])
    expect(expand(df.stages[0].image, df.globalArgs)).toBe('alpine:3.20')
  })

  it('joins continuations, dropping comment and empty lines inside them', () => {
    expect(df.stages[0].instructions[0]).toMatchObject({ keyword: 'RUN', line: 7 })
    expect(df.stages[0].instructions[0].args.replace(/\s+/g, ' ')).toBe('apk add clang lld')
  })

  it('follows FROM <stage> for the platform and inherited instructions', () => {
    const build = df.stages[1]
    expect(stagePlatform(df, build)).toBe('$BUILDPLATFORM')
    expect(inherited(df, build).map(i => i.keyword)).toEqual(['RUN', 'COPY', 'ARG', 'RUN'])
    expect(stagePlatform(df, finalStage(df))).toBeUndefined()
  })

  it('reads LABEL, HEALTHCHECK and COPY parts', () => {
    const fin = finalStage(df).instructions
    expect(parseKeyValues(fin.find(i => i.keyword === 'LABEL')!.args)).toEqual({ a: 'one two', b: 'three' })
    expect(healthcheckCommand(fin.find(i => i.keyword === 'HEALTHCHECK')!.args)).toEqual({
      none: false,
      exec: ['/app', 'health']
    })
    expect(healthcheckCommand('NONE')).toEqual({ none: true })
    expect(healthcheckCommand('CMD wget -q http://x/ || exit 1')).toEqual({
      none: false,
      shell: 'wget -q http://x/ || exit 1'
    })
    expect(copyParts('--from=build /out/app /app')).toEqual({
      from: 'build',
      sources: ['/out/app'],
      dest: '/app'
    })
    expect(copyParts('--chown=1:1 a b c/')).toEqual({ from: undefined, sources: ['a', 'b'], dest: 'c/' })
  })
})

describe('dockerignore', () => {
  const ignored = dockerignore(`# comment
.git
**/node_modules
web/ui/dist
*.log
!keep.log
/secrets/
`)

  it.each([
    ['.git', true],
    ['.git/config', true],
    ['node_modules', true],
    ['web/ui/node_modules/react/index.js', true],
    ['web/ui/dist/index.html', true],
    ['web/ui/src/main.tsx', false],
    ['web/ui', false],
    ['build.log', true],
    ['keep.log', false],
    ['sub/build.log', false],
    ['secrets/token', true],
    ['dockerfiles/probe', false]
  ])('%s excluded: %s', (path, excluded) => {
    expect(ignored(path)).toBe(excluded)
  })
})

// BlackLake's tag scheme for the main action when its `tags` input is empty:
//   stable tag v1.2.3   -> v1.2.3, v1.2, v1, latest      (v0.1.2 -> v0.1.2, v0.1, latest: no bare `v0`)
//   pre-release v2.0.0-rc.1 -> v2.0.0-rc.1 only          (pre-releases keep `{{raw}}`; the others dedupe into it)
//   branch feature/login -> feature-login;  pull request 42 -> pr-42;  every build -> sha-<7 hex>
// "No bare major for v0" is not expressible in the rule language: pass `{ noMajorZero: true }` to computeMeta.
export const BLACKLAKE_DEFAULTS: { tags: string; flavor: string } = {
  tags: [
    'type=semver,pattern={{raw}}',
    'type=semver,pattern={{major}}.{{minor}},prefix=v',
    'type=semver,pattern={{major}},prefix=v',
    'type=ref,event=branch',
    'type=ref,event=pr',
    'type=sha'
  ].join('\n'),
  flavor: 'latest=auto'
}

/** The computeMeta options that go with BLACKLAKE_DEFAULTS. */
export const BLACKLAKE_OPTIONS = { noMajorZero: true } as const

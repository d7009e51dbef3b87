// Which buildx this action runs with, checked before anything else touches it. The floor is buildx 0.21.0:
// - bake refuses file-system access outside its working directory since 0.20 unless `--allow fs.read=…` /
//   `fs.write=…` grants it, and the action's override file, OCI layouts and local cache live in RUNNER_TEMP; the
//   action grants exactly those paths (src/3-plan/entitlements.ts);
// - GitHub's cache service is v2 only, and buildx hands BuildKit the v2 settings (ACTIONS_RESULTS_URL,
//   ACTIONS_CACHE_SERVICE_V2) from 0.21 on; an older buildx silently drops `type=gha` cache entries there.
// The version is read with a regular expression rather than @docker/actions-toolkit's Buildx.parseVersion: that
// import adds 36 KB to the main bundle (measured: 1,505,678 → 1,541,888 bytes) for the same one expression.
import * as core from '@actions/core'
import type { Inputs } from '../1-context/inputs.js'
import { supportsVarFlag } from '../3-plan/definition.js'
import { bakeVariables } from '../3-plan/plan.js'
import { run, type ExecResult } from '../lib/exec.js'

/** Oldest buildx the action supports (see the header: bake's fs entitlements and the gha cache v2). */
export const MIN_BUILDX = '0.21.0'

/** What `docker buildx version` says: a release version, or the commit of a development build. */
export interface BuildxVersion {
  version: string
  /** True for a development build, which prints a commit instead of a version. */
  dev: boolean
}

/**
 * Reads `docker buildx version`. Formats seen: upstream releases `github.com/docker/buildx v0.29.1 <commit>`,
 * Docker's packages `v0.5.1-docker <commit>`, Debian's `github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4`,
 * release candidates `v0.21.0-rc1`, and builds from an untagged checkout, which print a short commit instead.
 */
export function parseBuildxVersion(output: string): BuildxVersion {
  const release = /buildx\s+v?(\d+\.\d+\.\d+)/.exec(output)
  if (release) return { version: release[1], dev: false }
  const commit = /buildx\s+([0-9a-f]{7,40})\b/.exec(output)
  if (commit) return { version: commit[1], dev: true }
  throw new Error(`Cannot read the buildx version from '${output.trim()}'.`)
}

/** a < b on major.minor.patch (a pre-release of 0.21.0 already has 0.21's features, so suffixes are ignored). */
export function olderThan(a: string, b: string): boolean {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] < pb[i]
  return false
}

export const INSTALL_HINT =
  `Install buildx ${MIN_BUILDX} or newer: docker/setup-buildx-action before this step, Docker's ` +
  "docker-buildx-plugin package, or the docker-buildx binary of a release in Docker's CLI plugin directory."

/** Throws what to install when this buildx is missing or older than MIN_BUILDX; a development build warns. */
export function assertSupported(v: BuildxVersion): void {
  if (v.dev) {
    core.warning(`Buildx is a development build (${v.version}); assuming it is ${MIN_BUILDX} or newer.`)
    return
  }
  if (olderThan(v.version, MIN_BUILDX)) {
    throw new Error(
      `Buildx ${v.version} is not supported: this action needs buildx >= ${MIN_BUILDX} (bake's file-system ` +
        'entitlements, and the GitHub Actions cache service v2). ' +
        INSTALL_HINT
    )
  }
}

let versionRun: Promise<ExecResult> | undefined
/** `docker buildx version`, run once per process (startBuildxChecks may have started it). */
function buildxVersion(): Promise<ExecResult> {
  versionRun ??= run('docker', ['buildx', 'version'], { silent: true, ignoreReturnCode: true })
  return versionRun
}

/**
 * Starts the buildx calls that need nothing but the inputs, the version check and (when the run sets bake
 * variables) bake's `--var` probe, so that they run alongside the context phase, a GitHub API call, rather than
 * after it. Their answers are read, checked and logged where they always were (checkBuildx, printDefinition).
 */
export function startBuildxChecks(inputs: Inputs): void {
  buildxVersion().catch(() => undefined)
  if (Object.keys(bakeVariables(inputs, '', '')).length) supportsVarFlag().catch(() => undefined)
}

/** `docker buildx version`, checked; returns the version for the log and the report. */
export async function checkBuildx(): Promise<string> {
  const r = await buildxVersion()
  if (r.exitCode !== 0) {
    throw new Error(
      `Docker Buildx is not available ('docker buildx version' failed: ${(r.stderr || r.stdout).trim()}). ` +
        INSTALL_HINT
    )
  }
  const v = parseBuildxVersion(r.stdout)
  assertSupported(v)
  core.info(`Docker Buildx ${v.version}`)
  return v.version
}

// The load input on a pushing run: after the build pushed every image by digest, a second bake exports the same
// image targets to the local engine under their planned tags (see 3-plan/targets.ts loadOverride). Every step is
// in the builder's cache by then, so it costs an export, not a build.
import * as core from '@actions/core'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { run } from '../lib/exec.js'
import { bakeArgs, bakeEnv, positionals, withFile, type BakeInvocation } from '../3-plan/definition.js'
import { loadOverride, type TargetPlan } from '../3-plan/targets.js'
import { bakeFailure } from './bake-run.js'

export async function loadImages(inv: BakeInvocation, plans: TargetPlan[], dir: string): Promise<void> {
  const file = path.join(dir, 'multiarch-load.json')
  await writeFile(file, JSON.stringify(loadOverride(plans), null, 2) + '\n')
  const args = [...bakeArgs(withFile(inv, file)), '--progress=plain', ...positionals(inv)]
  const r = await run('docker', args, { cwd: inv.workdir, env: bakeEnv(inv), ignoreReturnCode: true })
  if (r.exitCode !== 0) {
    throw new Error(
      `Loading the images into the local engine failed (load input): ${bakeFailure(`${r.stderr}\n${r.stdout}`)}`
    )
  }
  const refs = plans.filter(p => p.producesImage).flatMap(p => (p.tags.length ? p.tags : [p.image]))
  core.info(`Loaded into the local engine: ${refs.join(', ')}`)
}

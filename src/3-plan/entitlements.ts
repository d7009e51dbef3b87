// Bake's file-system entitlements. Since buildx 0.20, bake refuses to read or write outside its working
// directory ("additional privileges requested") unless `--allow fs.read=PATH` / `--allow fs.write=PATH` grants
// it. The action's own paths live in RUNNER_TEMP, outside the user's workdir: the OCI layouts the docker driver
// exports, the local cache's source and its next generation. Exactly those paths are granted, taken from the
// entries the override file sets (never a global switch such as BUILDX_BAKE_ENTITLEMENTS_FS=0); anything a user's
// own bake file reaches outside the workdir is theirs to grant with the `allow` input.
//
// Buildx checks a path that does not exist yet against its nearest existing parent (verified on 0.29.1: a grant
// of `/t/oci/api` is not enough while only `/t` exists; it asks for `/t`). So the write paths are created before
// bake runs (src/5-build/bake-run.ts) and the grants stay exactly the directories bake writes.
import path from 'node:path'
import { parseEntry, type FsGrants } from './definition.js'
import type { TargetPlan } from './targets.js'

/** Paths bake reads or writes because of what the action put in the override file. */
export function fsGrants(plans: TargetPlan[]): FsGrants {
  const read = new Set<string>()
  const write = new Set<string>()
  for (const p of plans) {
    if (!p.producesImage) continue
    for (const o of p.output) {
      const dest = parseEntry('output', o).dest
      if (typeof dest === 'string' && dest) write.add(path.resolve(dest))
    }
    for (const c of p.cache.to ?? []) {
      const dest = parseEntry('cache-to', c).dest
      if (typeof dest === 'string' && dest) write.add(path.resolve(dest))
    }
    for (const c of p.cache.from) {
      const src = parseEntry('cache-from', c).src
      if (typeof src === 'string' && src) read.add(path.resolve(src))
    }
  }
  return { read: [...read], write: [...write] }
}

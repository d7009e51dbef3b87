// Entry of the action's main and post steps (one entry, as action.yml names it): the post step runs when main
// saved its flag. Each loads only its own code; a post step with nothing to undo loads nothing at all (it is
// part of every run's time, and with the engine's own builder, its layouts pushed and removed, and no login there
// is nothing to undo).
import { hasCleanup, State, stateFromEnv } from '../lib/state-keys.js'

if (!stateFromEnv(State.IsPost)) {
  const { run } = await import('./main.js')
  await run()
} else if (!hasCleanup(k => stateFromEnv(k))) {
  process.stdout.write(
    'Nothing to clean up: this run created no builder, left no OCI layout, logged in nowhere.\n'
  )
  process.stdout.write(`::debug::phase post step: ${Math.round(performance.now())} ms\n`)
} else {
  const core = await import('@actions/core')
  const { cleanup } = await import('./post.js')
  await cleanup()
  // The whole post step, Node's start included: part of the action's overhead.
  core.debug(`phase post step: ${Math.round(performance.now())} ms`)
}

// Entry of the action's main and post steps (one entry, as action.yml names it): the post step runs when main
// saved its flag. Each loads only its own code, so the post step starts in a fraction of main's time.
import * as core from '@actions/core'
import { State } from '../lib/state.js'

if (core.getState(State.IsPost)) {
  const { cleanup } = await import('./post.js')
  await cleanup()
} else {
  const { run } = await import('./main.js')
  await run()
}

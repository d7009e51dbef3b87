// Entry of the action's main and post steps (one bundle): the post step runs when main saved its flag.
import * as core from '@actions/core'
import { cleanup, run } from './main.js'
import { State } from '../lib/state.js'

if (core.getState(State.IsPost)) {
  await cleanup()
} else {
  await run()
}

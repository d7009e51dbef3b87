import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as o,b as e}from"./chunks/chunk-2YKMLIMA.js";import"./chunks/chunk-O5DVVPDB.js";if(e("isPost"))if(!o.some(t=>e(t)))process.stdout.write(`Nothing to clean up: this run created no builder, left no OCI layout, logged in nowhere.
`),process.stdout.write(`::debug::phase post step: ${Math.round(performance.now())} ms
`);else{let t=await import("./chunks/core-5SH5J6LN.js"),{cleanup:s}=await import("./chunks/post-FEXYIO6K.js");await s(),t.debug(`phase post step: ${Math.round(performance.now())} ms`)}else{let{run:t}=await import("./chunks/main-ZW4JHZN3.js");await t()}

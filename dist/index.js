import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as o,b as e}from"./chunks/chunk-WIQEURIY.js";import"./chunks/chunk-O5DVVPDB.js";if(e("isPost"))if(!o(t=>e(t)))process.stdout.write(`Nothing to clean up: this run created no builder, left no OCI layout, logged in nowhere.
`),process.stdout.write(`::debug::phase post step: ${Math.round(performance.now())} ms
`);else{let t=await import("./chunks/core-FVD7IZ33.js"),{cleanup:a}=await import("./chunks/post-MEMO72SJ.js");await a(),t.debug(`phase post step: ${Math.round(performance.now())} ms`)}else{let{run:t}=await import("./chunks/main-EKPQHSYU.js");await t()}

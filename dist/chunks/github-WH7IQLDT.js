import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a,b}from"./chunk-GJ7IURSQ.js";import"./chunk-V74APD75.js";import"./chunk-O5DVVPDB.js";export{a as context,b as getOctokit};

// SPDX-License-Identifier: Apache-2.0
//
// Runs a WASI preview 1 module with Node.js's node:wasi, for bench/startup.sh:
//   node bench/node_wasi_run.mjs MODULE.wasm [ARGS...]
// Like `cloister run` without a config: the module's arguments, an empty
// environment, stdin/stdout/stderr and no filesystem.
import { readFile } from 'node:fs/promises';
import { argv, exit } from 'node:process';
import { WASI } from 'node:wasi';

const [modulePath, ...args] = argv.slice(2);
if (modulePath === undefined) {
  console.error('usage: node node_wasi_run.mjs MODULE.wasm [ARGS...]');
  exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [modulePath, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(modulePath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance));

// antrag-core in Node: the portable WebAssembly module (docs/api/core-module.md) behind three
// calls. Node's built-in WebAssembly runs it; nothing to install.
//
//   const core = await AntragCore.open('dist/core/antrag-core.wasm');
//   const form = core.load(definitionText, [codeListText]);        // throws on a broken definition
//   const result = core.check(form, answers, '2026-12-03');       // {valid, payload} or {valid, issues}
import { readFile } from 'node:fs/promises';

export class AntragCore {
  static async open(path) {
    const { instance } = await WebAssembly.instantiate(await readFile(path), {});
    return new AntragCore(instance.exports);
  }

  constructor(exports) {
    if (exports.antrag_interface() !== 1) throw new Error(`antrag-core interface ${exports.antrag_interface()}, expected 1`);
    this.wasm = exports;
  }

  /** One request to the module, one response (both JSON). */
  call(request) {
    const bytes = new TextEncoder().encode(JSON.stringify(request));
    const ptr = this.wasm.antrag_alloc(bytes.length);
    new Uint8Array(this.wasm.memory.buffer, ptr, bytes.length).set(bytes);
    const len = this.wasm.antrag_call(ptr, bytes.length);
    // Read the buffer again: the memory may have grown during the call.
    const out = new Uint8Array(this.wasm.memory.buffer, this.wasm.antrag_response(), len);
    return JSON.parse(new TextDecoder().decode(out));
  }

  load(definition, codeLists = []) {
    const r = this.call({ op: 'load', definition, codeLists });
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code, problems: r.problems });
    return r.form;
  }

  check(form, answers, today) {
    const r = this.call({ op: 'check', form, answers, today });
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r;
  }
}

// The size report (`make bench`, or `node bench/sizes.mjs` after `make web`): what the citizen
// downloads before the first interaction (the built wasm, JS glue and CSS, raw, gzip -9 and
// brotli -q 11), and where the wasm's bytes come from — by crate, by module of the app, read-only
// data, and the five largest functions.
//
// The attribution comes from a build that keeps the names: the same release wasm as Trunk's
// (profile wasm-release, feature hydrate, erase_components), built once more with v0 symbol
// names (which spell out generic arguments, so `tachys::…<antrag::components::…>` counts for the
// app's module that made it), run through wasm-bindgen and `wasm-opt -Oz -g` like Trunk does,
// so the function sizes are those of the shipped code (-g keeps the names only).
// Writes target/bench/sizes.json and sizes.md.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const OUT = 'target/bench';
const WORK = join(OUT, 'sizes');
mkdirSync(WORK, { recursive: true });

const gzip = (b) => gzipSync(b, { level: 9 }).length;
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// ---- what is shipped -------------------------------------------------------------------------

const shipped = readdirSync('dist').filter((f) => /^antrag-[0-9a-f]+(_bg\.wasm|\.js|\.css)$/.test(f)).sort();
if (shipped.length !== 3) throw new Error(`sizes: expected the wasm, its JS glue and the CSS in dist/ (run make web): ${shipped}`);
const files = shipped.map((f) => {
  const bytes = readFileSync(join('dist', f));
  return { file: f, raw: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) };
});
const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }), { raw: 0, gzip: 0, brotli: 0 });

// ---- a build with names ----------------------------------------------------------------------

const TARGET = 'target/sizes';
execFileSync('cargo', ['build', '--locked', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-release', '--features', 'hydrate', '--bin', 'antrag', '--target-dir', TARGET], {
  stdio: 'inherit',
  // RUSTFLAGS replaces .cargo/config.toml's flags: keep erase_components.
  env: { ...process.env, RUSTFLAGS: '--cfg erase_components -Csymbol-mangling-version=v0' },
});
const built = join(TARGET, 'wasm32-unknown-unknown/wasm-release/antrag.wasm');
execFileSync('wasm-bindgen', ['--target', 'web', '--keep-debug', '--out-dir', WORK, '--out-name', 'named', built], { stdio: 'inherit' });
execFileSync('wasm-opt', ['-Oz', '-g', join(WORK, 'named_bg.wasm'), '-o', join(WORK, 'named.opt.wasm')], { stdio: 'inherit' });
const wasm = readFileSync(join(WORK, 'named.opt.wasm'));

/** The sections of a wasm module, with function body sizes and the name section's names. */
function parse(bytes) {
  let pos = 8;
  const leb = () => {
    let result = 0, shift = 0, b;
    do { b = bytes[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  };
  const str = () => { const n = leb(); const s = bytes.toString('utf8', pos, pos + n); pos += n; return s; };
  let imported = 0;
  const bodies = [];
  const names = new Map();
  let data = 0;
  const sections = {};
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = leb();
    const end = pos + size;
    if (id === 2) {
      // Imported functions come first in the function index space.
      for (let n = leb(); n > 0; n--) {
        str(); str();
        const kind = bytes[pos++];
        if (kind === 0) { leb(); imported++; }
        else if (kind === 1) { pos++; const f = bytes[pos++]; leb(); if (f & 1) leb(); }
        else if (kind === 2) { const f = bytes[pos++]; leb(); if (f & 1) leb(); }
        else if (kind === 3) { pos += 2; }
        else { pos++; leb(); }
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) { const len = leb(); bodies.push(len); pos += len; }
    } else if (id === 11) {
      data += size;
    } else if (id === 0) {
      const name = str();
      if (name === 'name') {
        while (pos < end) {
          const sub = bytes[pos++];
          const len = leb();
          const subEnd = pos + len;
          if (sub === 1) for (let n = leb(); n > 0; n--) { const index = leb(); names.set(index, str()); }
          pos = subEnd;
        }
      }
    }
    sections[id] = (sections[id] ?? 0) + size;
    pos = end;
  }
  return { imported, bodies, names, data, sections };
}

/** A mangled Rust name (legacy `_ZN…E`) as `a::b::c`, else the name as it is. */
function demangle(name) {
  const m = /^_?_ZN(.*)E$/.exec(name);
  if (!m) return name;
  const parts = [];
  let rest = m[1];
  while (rest.length) {
    const len = /^(\d+)/.exec(rest);
    if (!len) break;
    const n = Number(len[1]);
    parts.push(rest.slice(len[1].length, len[1].length + n));
    rest = rest.slice(len[1].length + n);
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
  return parts
    .join('::')
    .replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$RF\$/g, '&').replace(/\$BP\$/g, '*')
    .replace(/\$C\$/g, ',').replace(/\$u20\$/g, ' ').replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}')
    .replace(/\$u5b\$/g, '[').replace(/\$u5d\$/g, ']').replace(/\$u27\$/g, "'").replace(/\.\./g, '::');
}

/** The crate a function belongs to: of a method of `<T as Trait>`, the crate of `T`; of a
 * trait method of `_` or of a primitive type, the trait's crate (or `core`). */
function crateOf(name) {
  const path = name.replace(/^<+/, '').replace(/^(?:&|\*const |\*mut |mut |dyn )+/, '');
  const crate = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(path)?.[1];
  if (crate) return crate;
  const trait = /^[^ ]+ as (?:&|dyn )*([A-Za-z_][A-Za-z0-9_]*)::/.exec(path)?.[1];
  if (trait) return trait;
  if (/^(?:bool|char|str|\[|\(|[iuf](?:8|16|32|64|128|size)\b)/.test(path)) return 'core';
  if (/^(dlmalloc|memcpy|memmove|memset|memcmp|__rust|rust_)/.test(name)) return 'std (runtime)';
  if (/^(wasm-bindgen|__wbg|__wbindgen)| shim\b/.test(name)) return 'wasm_bindgen (glue)';
  return '(unnamed)';
}

const parsed = parse(wasm);
const functions = parsed.bodies.map((size, i) => {
  const raw = parsed.names.get(i + parsed.imported) ?? `func${i + parsed.imported}`;
  // v0 names come demangled with each crate's disambiguator (`antrag[1f2e…]::`): dropped.
  const name = demangle(raw).replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]+\]/g, '');
  return { name, size, crate: crateOf(name) };
});
const code = functions.reduce((n, f) => n + f.size, 0);
const sum = (key) => {
  const map = new Map();
  for (const f of functions) { const k = key(f); if (k) map.set(k, (map.get(k) ?? 0) + f.size); }
  return [...map.entries()].sort((a, b) => b[1] - a[1]);
};
const byCrate = sum((f) => f.crate);
const byModule = sum((f) => {
  const m = /(?:^|<|\b)antrag::([a-z_]+)(?:::([A-Za-z_]+))?/.exec(f.name);
  if (!m) return null;
  if (!['state', 'components', 'pages'].includes(m[1])) return `antrag::${m[1]}`;
  // The methods of FormState are written across src/state/*.rs; their names do not say which.
  return /^[a-z_]+$/.test(m[2] ?? '') ? `antrag::${m[1]}::${m[2]}` : `antrag::${m[1]} (${m[2] ?? ''})`;
});
const largest = [...functions].sort((a, b) => b.size - a.size).slice(0, 5);
// Every function with its size, for a closer look (sort -n).
writeFileSync(join(OUT, 'sizes-functions.tsv'), functions.map((f) => `${f.size}\t${f.crate}\t${f.name}`).join('\n'));

// ---- report ----------------------------------------------------------------------------------

let md = '# Size report\n\n## What the citizen downloads before the first interaction\n\n| file | raw | gzip | brotli |\n|---|---:|---:|---:|\n';
for (const f of files) md += `| ${f.file.replace(/-[0-9a-f]+/, '')} | ${kb(f.raw)} | ${kb(f.gzip)} | ${kb(f.brotli)} |\n`;
md += `| **total** | ${kb(total.raw)} | ${kb(total.gzip)} | ${kb(total.brotli)} |\n\n`;
md += `Targets (docs/performance.md): ≤ 200 KB brotli ${total.brotli <= 200 * 1024 ? 'met' : 'NOT met'}, ≤ 250 KB gzip ${total.gzip <= 250 * 1024 ? 'met' : 'NOT met'}.\n\n`;
md += `## Where the wasm's bytes are (a build with names, ${kb(wasm.length)}: code ${kb(code)}, data ${kb(parsed.data)})\n\n`;
md += '| crate | code | share |\n|---|---:|---:|\n';
for (const [k, v] of byCrate.slice(0, 20)) md += `| ${k} | ${kb(v)} | ${((v / code) * 100).toFixed(1)} % |\n`;
md += '\nBy module of the app: the functions whose name mentions the module — its own, and the generic code of other crates instantiated for it (so these overlap with the crates above).\n\n| app module | code |\n|---|---:|\n';
for (const [k, v] of byModule.slice(0, 30)) md += `| ${k} | ${kb(v)} |\n`;
md += '\n| largest functions | size |\n|---|---:|\n';
for (const f of largest) md += `| \`${f.name.slice(0, 140)}\` | ${kb(f.size)} |\n`;
writeFileSync(join(OUT, 'sizes.md'), md);
writeFileSync(join(OUT, 'sizes.json'), JSON.stringify({ files, total, wasm: { named: wasm.length, code, data: parsed.data }, byCrate, byModule, largest }, null, 2));
console.log(md);

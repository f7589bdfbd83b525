// Trunk post-build step: bake the hashed asset names and their Subresource Integrity hashes
// into the embed loader (embed.js), and publish every asset's SRI hash in integrity.json.
import { readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('post-build: TRUNK_STAGING_DIR is not set (run through trunk)');
const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const files = readdirSync(dir);
const pick = (re) => {
  const name = files.find((f) => re.test(f));
  if (!name) throw new Error(`post-build: no file matching ${re} in ${dir}`);
  return name;
};
// boot.js is explained in public/boot.js; the copy citizens download goes without the comment
// lines (each phone pays for every byte before the app starts).
const boot = join(dir, 'boot.js');
writeFileSync(boot, readFileSync(boot, 'utf8').split('\n').filter((line) => !/^\s*\/\//.test(line)).join('\n'));
const assets = { js: pick(/^antrag-[0-9a-f]+\.js$/), wasm: pick(/^antrag-[0-9a-f]+_bg\.wasm$/), css: pick(/^antrag-[0-9a-f]+\.css$/) };
assets.integrity = Object.fromEntries(Object.entries(assets).map(([k, f]) => [k, sri(readFileSync(join(dir, f)))]));
const template = readFileSync('embed/loader.js', 'utf8');
if (!template.includes('__ANTRAG_ASSETS__')) throw new Error('post-build: embed/loader.js lacks the __ANTRAG_ASSETS__ placeholder');
const loader = template.replace('__ANTRAG_ASSETS__', JSON.stringify(assets));
writeFileSync(join(dir, 'embed.js'), loader);
const published = {};
for (const f of readdirSync(dir).filter((f) => /\.(js|wasm|css)$/.test(f))) published[f] = sri(readFileSync(join(dir, f)));
writeFileSync(join(dir, 'integrity.json'), JSON.stringify(published, null, 2) + '\n');
// The demo host page, with embed.js's integrity filled in.
mkdirSync(join(dir, 'embed-demo'), { recursive: true });
for (const f of readdirSync('embed/demo')) {
  let content = readFileSync(join('embed/demo', f), 'utf8');
  content = content.replace('__EMBED_INTEGRITY__', published['embed.js']);
  writeFileSync(join(dir, 'embed-demo', f), content);
}
// Precompressed copies for the server (brotli at its best, gzip -9): made once here, never per
// request. ServeDir sends them to clients that accept them.
import('node:zlib').then(({ brotliCompressSync, gzipSync, constants }) => {
  let count = 0;
  for (const f of readdirSync(dir).filter((f) => /\.(js|wasm|css|svg|json)$/.test(f))) {
    const bytes = readFileSync(join(dir, f));
    writeFileSync(join(dir, f + '.br'), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
    writeFileSync(join(dir, f + '.gz'), gzipSync(bytes, { level: 9 }));
    count++;
  }
  console.log(`post-build: embed.js (${published['embed.js']}), integrity.json with ${Object.keys(published).length} files, ${count} precompressed (br, gz)`);
});

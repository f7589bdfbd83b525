// The module in Node gives exactly the native core's responses (target/core-module/cases.json,
// written by `antrag-core-cases`): every demo form loads, every shared example checks to the
// same report or payload, every broken definition lints to the same problems.
// Run by `make test` (test-core-module): node --test hosts/node/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AntragCore } from './antrag-core.mjs';

const MODULE = process.env.ANTRAG_CORE_WASM ?? 'dist/core/antrag-core.wasm';
const CASES = process.env.ANTRAG_CORE_CASES ?? 'target/core-module/cases.json';
const cases = JSON.parse(readFileSync(CASES, 'utf8'));

test('the module reports its interface and core version as native does', async () => {
  const core = await AntragCore.open(MODULE);
  assert.deepEqual(core.call({ op: 'version' }), cases.version);
});

test('every demo form and shared example: the same response as the native core', async () => {
  const core = await AntragCore.open(MODULE);
  let checked = 0;
  for (const form of cases.forms) {
    assert.deepEqual(core.call(form.load), form.loaded, `${form.id}: load`);
    for (const c of form.checks) {
      assert.deepEqual(core.call(c.request), c.expected, `${form.id} ${c.name}`);
      checked++;
    }
  }
  // Not vacuous: the examples of the demo forms are there, valid and invalid.
  assert.ok(cases.forms.length >= 4, `${cases.forms.length} forms`);
  assert.ok(checked >= 20, `${checked} checks`);
  assert.ok(cases.forms.some((f) => f.checks.some((c) => c.expected.valid === false && c.expected.issues.length > 0)));
});

test('broken definitions: the same problems with the same pointers', async () => {
  const core = await AntragCore.open(MODULE);
  assert.ok(cases.lint.length >= 5);
  for (const c of cases.lint) {
    const got = core.call(c.request);
    assert.deepEqual(got, c.expected, c.name);
    assert.ok(got.problems.length > 0, `${c.name}: no problems`);
  }
});

test('the wrapper: load, check, and a clear error for a broken definition', async () => {
  const core = await AntragCore.open(MODULE);
  const form = cases.forms.find((f) => f.checks.length > 0);
  const handle = core.load(form.load.definition, form.load.codeLists);
  const first = form.checks[0];
  assert.deepEqual(core.check(handle, first.request.answers, first.request.today), first.expected);
  assert.throws(() => core.load(cases.lint[0].request.definition), (e) => e.code === 'invalid_definition' && e.problems.length > 0);
  assert.throws(() => core.check(handle, {}, '03.12.2026'), (e) => e.code === 'bad_today');
});

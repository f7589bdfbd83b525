// The baseline of the browser benchmark: a plain, hand-written HTML + JavaScript form with the
// same fields and the same validation rules as the generated Antrag definition (core
// generate.rs: sections of ten fields, the type mix repeating every ten) — what a careful
// developer would write by hand for one form, the practical lower bound.
//
//   node bench/baseline.mjs <definition.json> <out-dir>   writes index.html and form.js

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const text = (t) => (typeof t === 'string' ? t : t.de);

/** The field's widget markup; ids follow the field key. */
function field(f) {
  const id = f.field;
  const label = esc(text(f.label));
  const opt = f.required ? '' : ' <span class="opt">(optional)</span>';
  const common = `data-key="${id}" data-type="${f.datatype}"${f.format ? ` data-format="${f.format}"` : ''}${f.required ? ' data-required' : ''}`;
  const hidden = f.visibleIf ? ' hidden' : '';
  const cond = f.visibleIf ? ` data-visible-if="${f.visibleIf['=='][0].var.split('.').pop()}"` : '';
  const err = `<p class="err" id="${id}-error" hidden></p>`;
  if (f.datatype === 'date') {
    return `<fieldset class="group" id="${id}-group" ${common} role="group" aria-describedby="${id}-error"><legend>${label}${opt}</legend>${err}
<label for="${id}">Tag</label><input id="${id}" inputmode="numeric" size="2">
<label for="${id}-month">Monat</label><input id="${id}-month" inputmode="numeric" size="2">
<label for="${id}-year">Jahr</label><input id="${id}-year" inputmode="numeric" size="4"></fieldset>`;
  }
  if (f.datatype === 'bool' || f.kind === 'select') {
    const options = f.datatype === 'bool' ? [['true', 'Ja'], ['false', 'Nein']] : f.options.map((o) => [o.value, text(o.label)]);
    const radios = options
      .map(([v, l], i) => `<div><input type="radio" name="${id}" id="${i ? `${id}-${i + 1}` : id}" value="${v}"><label for="${i ? `${id}-${i + 1}` : id}">${esc(l)}</label></div>`)
      .join('');
    return `<fieldset class="group" id="${id}-group" ${common}><legend>${label}${opt}</legend>${err}${radios}</fieldset>`;
  }
  const mode = ['num_int', 'num_currency'].includes(f.datatype) ? ' inputmode="decimal"' : '';
  return `<div class="group" id="${id}-group" ${common}${cond}${hidden}><label for="${id}">${label}${opt}</label>${err}<input id="${id}"${mode} aria-describedby="${id}-error"></div>`;
}

const SCRIPT = `// Hand-written validation for the generated benchmark form.
const form = document.getElementById('form');
const summary = document.getElementById('summary');
const flagged = new Set();
const c = JSON.parse(document.getElementById('constraints').textContent);
const today = new Date(); today.setHours(0, 0, 0, 0);
const minDate = new Date(today); minDate.setFullYear(today.getFullYear() - 120);
const latin = /^[\\p{Script=Latin}\\p{N}\\p{P}\\p{Zs}\\u0060\\u00B4\\u02B9-\\u02BB\\u02BC\\u02C8\\u02CB\\u00A8]*$/u;
const email = /^[a-zA-Z0-9.!#$%&'*+/=?^_\`{|}~-]+@[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)+$/;
const value = (g) => {
  const key = g.dataset.key;
  if (g.tagName === 'FIELDSET' && g.dataset.type === 'date') {
    return [document.getElementById(key).value.trim(), document.getElementById(key + '-month').value.trim(), document.getElementById(key + '-year').value.trim()];
  }
  if (g.tagName === 'FIELDSET') { const r = g.querySelector('input:checked'); return r ? r.value : ''; }
  return document.getElementById(key).value.trim();
};
function check(g) {
  const k = g.dataset.key, label = g.querySelector('legend, label').firstChild.textContent, v = value(g), rule = c[k] || {};
  const empty = Array.isArray(v) ? v.every((p) => p === '') : v === '';
  if (empty) return g.hasAttribute('data-required') ? 'Bitte geben Sie „' + label + '“ an.' : null;
  switch (g.dataset.type) {
    case 'date': {
      const [d, m, y] = v.map(Number);
      if (!v[0] || !v[1] || !v[2]) return 'Das Datum ist unvollständig.';
      const date = new Date(y, m - 1, d);
      if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) return 'Das Datum gibt es nicht.';
      if (date < minDate) return 'Das Datum muss nach dem ' + minDate.toLocaleDateString('de-DE') + ' liegen.';
      if (date > today) return 'Das Datum darf nicht in der Zukunft liegen.';
      return null;
    }
    case 'num_int': case 'num_currency': {
      const t = v.replace(/\\./g, '').replace(',', '.');
      if (!/^-?\\d+(\\.\\d+)?$/.test(t)) return 'Geben Sie eine Zahl ein.';
      if (g.dataset.type === 'num_int' && t.includes('.')) return 'Geben Sie eine ganze Zahl ein.';
      if (g.dataset.type === 'num_currency' && (t.split('.')[1] || '').length > 2) return 'Höchstens 2 Nachkommastellen.';
      const n = Number(t);
      if (rule.min !== undefined && n < rule.min) return 'Mindestens ' + rule.min + '.';
      if (rule.max !== undefined && n > rule.max) return 'Höchstens ' + rule.max + '.';
      return null;
    }
  }
  if (g.dataset.format === 'plz' && !/^\\d{5}$/.test(v)) return 'Geben Sie eine Postleitzahl mit 5 Ziffern ein.';
  if (g.dataset.format === 'email' && !email.test(v)) return 'Geben Sie eine E-Mail-Adresse wie name@example.de ein.';
  const len = [...v].length;
  if (rule.minLength && len < rule.minLength) return 'Mindestens ' + rule.minLength + ' Zeichen.';
  if (rule.maxLength && len > rule.maxLength) return 'Höchstens ' + rule.maxLength + ' Zeichen.';
  if (g.dataset.type === 'text_latin' && !latin.test(v)) return 'Nur lateinische Schriftzeichen.';
  if (rule.pattern && !new RegExp('^(?:' + rule.pattern + ')$').test(v)) return 'Die Eingabe hat nicht das richtige Format.';
  return null;
}
function show(g, message) {
  const p = document.getElementById(g.dataset.key + '-error');
  const input = document.getElementById(g.dataset.key);
  if (message) { p.textContent = 'Fehler: ' + message; p.hidden = false; input.setAttribute('aria-invalid', 'true'); }
  else { p.textContent = ''; p.hidden = true; input.removeAttribute('aria-invalid'); }
}
function groups() { return [...form.querySelectorAll('.group')].filter((g) => !g.hidden); }
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const items = [];
  for (const g of groups()) {
    const m = check(g);
    show(g, m);
    flagged.add(g.dataset.key);
    if (m) items.push('<li><a href="#' + g.dataset.key + '">' + m.replace(/[&<]/g, (x) => x === '&' ? '&amp;' : '&lt;') + '</a></li>');
  }
  if (items.length) {
    summary.innerHTML = '<h2 id="summary-title">Bitte prüfen Sie Ihre Angaben</h2><ul>' + items.join('') + '</ul>';
    summary.hidden = false; summary.focus();
  } else { summary.hidden = true; }
});
form.addEventListener('input', (ev) => {
  const g = ev.target.closest('.group');
  if (!g) return;
  if (g.dataset.type === 'bool') {
    for (const dep of form.querySelectorAll('[data-visible-if="' + g.dataset.key + '"]')) dep.hidden = value(g) !== 'true';
  }
  if (flagged.has(g.dataset.key)) show(g, check(g));
});
form.addEventListener('change', (ev) => { if (ev.target.type === 'radio') ev.target.dispatchEvent(new Event('input', { bubbles: true })); });
`;

export function baseline(def) {
  const constraints = {};
  const sections = def.items
    .map((g) => {
      for (const f of g.items) constraints[f.field] = f.constraints ?? {};
      return `<fieldset class="section"><legend><h2>${esc(text(g.label))}</h2></legend>${g.items.map(field).join('\n')}</fieldset>`;
    })
    .join('\n');
  const html = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(text(def.title))}</title><link rel="stylesheet" href="form.css"></head>
<body><main><h1>${esc(text(def.title))}</h1>
<div id="summary" class="summary" tabindex="-1" role="alert" hidden></div>
<form id="form" novalidate>
${sections}
<button type="submit">Weiter</button>
</form></main>
<script type="application/json" id="constraints">${JSON.stringify(constraints)}</script>
<script src="form.js"></script></body></html>
`;
  const css = `body{font:1rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem}
.group{margin:0 0 1.5rem}label,legend{display:block;font-weight:700}input:not([type=radio]){display:block;font:inherit;padding:.4rem;border:2px solid #0b0c0c}
input[size="2"],input[size="4"]{display:inline-block;width:4rem;margin-right:1rem}.err{color:#b3192b;font-weight:700;margin:.25rem 0}
.summary{border:4px solid #b3192b;padding:1rem;margin-bottom:1.5rem}.opt{font-weight:400}
fieldset{border:0;padding:0;margin:0 0 1.5rem}
`;
  return { html, js: SCRIPT, css };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, out] = process.argv.slice(2);
  const { html, js, css } = baseline(JSON.parse(readFileSync(input, 'utf8')));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.html'), html);
  writeFileSync(join(out, 'form.js'), js);
  writeFileSync(join(out, 'form.css'), css);
}

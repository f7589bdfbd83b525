// A generic form driver: fills any antrag/1 definition from an answers object (the shared
// examples in forms/examples/), the way a citizen would — by the widgets the core's registry
// chooses, through the DOM ids derived from data paths. Used by the accessibility sweep, the
// flow tests and, later, imported FIM forms.
import { expect, Page, APIRequestContext, Locator } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';
import { expectAccessible } from './support';

export type Def = any;
const RADIO_LIMIT = 6;

/** The definition as the server serves it (code lists resolved). */
export async function definition(request: APIRequestContext, id: string): Promise<Def> {
  const response = await request.get(`/api/v1/forms/${id}`);
  expect(response.status(), `definition ${id}`).toBe(200);
  return response.json();
}

/** Named valid and invalid answers of a demo or test form, their relative dates (`{today+3d}`)
 * resolved for the test date (playwright.config.ts writes them to target/e2e-examples). */
export function examples(id: string): any {
  for (const path of [`target/e2e-examples/${id}.json`, `target/e2e-fim/examples/${id}.json`, `target/e2e-fim-corpus/examples/${id}.json`]) {
    if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8'));
  }
  return { valid: {}, invalid: {} };
}

export function domId(path: (string | number)[], prefix = 'f-'): string {
  return prefix + path.map((s) => (typeof s === 'number' ? String(s) : s.replace(/[^A-Za-z0-9_]/g, '_'))).join('-');
}

export function text(t: any, lang = 'de'): string {
  if (typeof t === 'string') return t;
  return t[lang] ?? t.de ?? Object.values(t)[0];
}

export type Widget = 'text' | 'textarea' | 'date' | 'datetime' | 'time' | 'select' | 'radios' | 'checkboxes'
  | 'yes_no' | 'checkbox' | 'file' | 'static' | 'locked' | 'hidden' | 'unsupported';

/** The same ranking as antrag_core::select_widget. */
export function widget(field: any): Widget {
  const kind = field.kind ?? 'input';
  if (kind === 'label') return 'static';
  if (kind === 'hidden') return 'hidden';
  if (kind === 'locked') return 'locked';
  if (field.datatype === 'obj') return 'unsupported';
  if (kind === 'select') {
    if (field.multiple) return 'checkboxes';
    if (field.widget === 'radios') return 'radios';
    if (field.widget === 'select') return 'select';
    return (field.options?.length ?? 0) <= RADIO_LIMIT ? 'radios' : 'select';
  }
  switch (field.datatype) {
    case 'bool': return field.widget === 'checkbox' ? 'checkbox' : 'yes_no';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'time': return 'time';
    case 'file': return 'file';
    default: return field.widget === 'textarea' ? 'textarea' : 'text';
  }
}

const MAGIC: Record<string, Buffer> = {
  'application/pdf': Buffer.from('%PDF-1.4\n% Antrag test file\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
  'image/jpeg': Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64, 1), Buffer.from([0xff, 0xd9])]),
  'image/png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 2)]),
};

export function fileFor(ref: { name: string; mediaType: string }) {
  const buffer = MAGIC[ref.mediaType] ?? MAGIC['application/pdf'];
  return { name: ref.name, mimeType: ref.mediaType, buffer };
}

export class Driver {
  readonly scope: Page | Locator;
  readonly prefix: string;
  /** Whether the page runs the app: without JavaScript every button posts the step to the
   * server, files upload with it, and questions a choice opens show after "next". */
  readonly javascript: boolean;

  /** `scope`: the page, or an embedded widget's host element; `prefix`: its DOM id prefix. */
  constructor(readonly page: Page, readonly def: Def, options: { scope?: Locator; prefix?: string; javascript?: boolean } = {}) {
    this.scope = options.scope ?? page;
    this.prefix = options.prefix ?? 'f-';
    this.javascript = options.javascript ?? true;
  }

  /** Fill the nodes of the step on screen from `answers`. */
  async fillStep(answers: any) {
    const step = await this.currentStep();
    const nodes = step ? step.items.map((k: string) => this.def.items.find((n: any) => (n.field ?? n.group) === k)) : this.def.items;
    for (const node of nodes) await this.fillNode(node, answers?.[node.field ?? node.group], [node.field ?? node.group]);
  }

  /** The id of the step on screen, as the language switch keeps it (`schritt`); '' when the
   * page has none (a widget without a language switch). */
  async stepId(): Promise<string> {
    const slug = this.scope.locator('input[type="hidden"][name="schritt"]').first();
    return (await slug.count()) ? slug.inputValue() : '';
  }

  /** Where the form stands: the step's id and the page heading (two steps may share a title). */
  async position(): Promise<string> {
    return `${await this.stepId()}|${(await this.scope.locator('h1').innerText()).trim()}`;
  }

  /** The step on screen: by its id, else the step whose title is the page heading. */
  async currentStep(): Promise<any | undefined> {
    const steps = this.def.ui?.steps ?? [];
    if (steps.length === 0) return undefined;
    const id = await this.stepId();
    const heading = (await this.scope.locator('h1').innerText()).trim();
    const step = steps.find((s: any) => s.id === id) ?? steps.find((s: any) => text(s.title) === heading);
    expect(step, `a step "${id}" titled "${heading}"`).toBeTruthy();
    return step;
  }

  async fillNode(node: any, value: any, path: (string | number)[]) {
    if (value === undefined || value === null) return;
    const id = domId(path, this.prefix);
    if (node.group) {
      const isList = (node.min ?? 1) !== 1 || (node.max === undefined ? 1 : node.max) !== 1;
      if (!isList) {
        await expect(this.scope.locator('[data-settling]')).toHaveCount(0);
        if (node.visibleIf && (await this.scope.locator(`[id="${id}"]`).count()) === 0) return;
        for (const child of node.items) await this.fillNode(child, value[child.field ?? child.group], [...path, child.field ?? child.group]);
        return;
      }
      const entries: any[] = value;
      for (let i = 0; i < entries.length; i++) {
        if ((await this.scope.locator(`[id="${id}-${i}-legend"]`).count()) === 0) await this.scope.locator(`[id="${id}"]`).click();
        await expect(this.scope.locator(`[id="${id}-${i}-legend"]`)).toBeVisible();
        for (const child of node.items) await this.fillNode(child, entries[i][child.field ?? child.group], [...path, i, child.field ?? child.group]);
      }
      return;
    }
    const w = widget(node);
    if (['static', 'locked', 'hidden', 'unsupported'].includes(w)) return;
    const el = this.scope.locator(`[id="${id}"]`);
    // Typed answers reach dependent questions after the next frame: wait for the form to settle.
    await expect(this.scope.locator('[data-settling]')).toHaveCount(0);
    if ((await el.count()) === 0) {
      // Conditionally hidden (the example may keep an answer for it): nothing to fill.
      expect(node.visibleIf, `field ${path.join('.')} (#${id}) is missing but has no condition`).toBeTruthy();
      return;
    }
    switch (w) {
      case 'text':
      case 'textarea':
      case 'time':
        await el.fill(String(value));
        break;
      case 'date':
      case 'datetime': {
        const [date, time] = String(value).split('T');
        const [y, m, d] = date.split('-');
        await el.fill(d);
        await this.scope.locator(`[id="${id}-month"]`).fill(m);
        await this.scope.locator(`[id="${id}-year"]`).fill(y);
        if (w === 'datetime') await this.scope.locator(`[id="${id}-time"]`).fill(time ?? '');
        break;
      }
      case 'yes_no':
        await this.scope.locator(`[id="${value ? id : id + '-2'}"]`).check();
        break;
      case 'checkbox':
        if (value) await el.check();
        break;
      case 'radios': {
        const i = node.options.findIndex((o: any) => o.value === value);
        await this.scope.locator(`[id="${i === 0 ? id : `${id}-${i + 1}`}"]`).check();
        break;
      }
      case 'checkboxes':
        for (const v of value as string[]) {
          const i = node.options.findIndex((o: any) => o.value === v);
          await this.scope.locator(`[id="${i === 0 ? id : `${id}-${i + 1}`}"]`).check();
        }
        break;
      case 'select':
        await el.selectOption(String(value));
        break;
      case 'file': {
        const listed = this.scope.locator(`[id="${id}"]`).locator('xpath=ancestor::div[contains(@class,"antrag-form-group")]').locator('.antrag-file__name');
        if (!this.javascript) {
          // Uploaded with the step: chosen here, listed once the server has it.
          const missing = [];
          for (const ref of value as any[]) if ((await listed.filter({ hasText: ref.name }).count()) === 0) missing.push(fileFor(ref));
          if (missing.length) await el.setInputFiles(missing);
          break;
        }
        for (const ref of value as any[]) {
          await el.setInputFiles(fileFor(ref));
          await expect(listed.filter({ hasText: ref.name })).toBeVisible();
        }
        break;
      }
    }
  }

  async next() {
    await this.scope.locator('button[data-action="next"]').click();
  }

  /** Fill every step from `answers` until the answer summary; fails on any error summary. */
  async fillAll(answers: any, onStep?: (title: string) => Promise<void>) {
    let again = 0;
    let last = '';
    for (let guard = 0; guard < 50; guard++) {
      const heading = (await this.scope.locator('h1').innerText()).trim();
      if (heading === 'Überprüfen Sie Ihre Angaben') return;
      const position = await this.position();
      await this.fillStep(answers);
      if (onStep && position !== last) await onStep(heading);
      last = position;
      await this.next();
      const summary = this.scope.locator('.antrag-error-summary');
      // Without JavaScript, questions the answers opened show on the same step after "next"
      // (asked there, or flagged as missing): fill the step again, a few times at most.
      if (!this.javascript && (await this.position()) === position && again++ < 3) continue;
      again = 0;
      await expect.poll(() => this.position(), { timeout: 5000 }).not.toBe(position).catch(async () => {
        throw new Error(`stuck on "${heading}": ${(await summary.count()) ? await summary.innerText() : 'no error summary'}`);
      });
    }
    throw new Error('too many steps');
  }
}

/**
 * Open form `id`, and send it with `answers`, with `check` at every page state on the way:
 * first step empty, with errors shown (when it has required questions), every step filled, the
 * answer summary and the confirmation. `check` gets a label naming the state.
 */
export async function sendChecked(page: Page, def: any, id: string, answers: Record<string, unknown>, check: (label: string) => Promise<void>) {
  await page.goto(`/forms/${id}?lang=de`);
  await expect(page.locator('h1')).toBeVisible();
  await check(`${id}: first step, empty`);
  await page.locator('button[data-action="next"]').click();
  if (await page.locator('.antrag-error-summary').count()) {
    await expect(page.locator('.antrag-error-summary')).toBeFocused();
    await check(`${id}: first step, errors shown`);
  }
  await new Driver(page, def).fillAll(answers, async (title) => check(`${id}: ${title}, filled`));
  await expect(page.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  await check(`${id}: answer summary`);
  await page.locator('button[data-action="submit"]').click();
  // A form with a fee goes to the payment provider first (the test provider: pay), and its
  // confirmation is the payment page.
  const confirmation = page.locator('h1', { hasText: /^(Antrag erfolgreich gesendet|Test-Bezahldienst: .*)$/ });
  await expect(confirmation).toBeVisible();
  if ((await confirmation.innerText()).startsWith('Test-Bezahldienst')) {
    await page.getByRole('button', { name: 'Bezahlen' }).click();
    await expect(page.locator('h1')).toHaveText('Antrag gesendet und bezahlt');
  }
  await check(`${id}: confirmation`);
}

/** [`sendChecked`] with axe-core (WCAG 2.1 A and AA) as the check. */
export async function sendAccessibly(page: Page, def: any, id: string, answers: Record<string, unknown>) {
  await sendChecked(page, def, id, answers, (label) => expectAccessible(page, label));
}

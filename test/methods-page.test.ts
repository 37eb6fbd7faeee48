/**
 * docs/methods.md and the page the build makes of it: every anchor the app and the code point at exists,
 * and the renderer escapes whatever the file holds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_DOCS } from '../app/shell/method-notes';
import { methodsPageHtml, renderMethods, slug } from '../scripts/methods-page';
import { specs } from '../workers/spec/registry';

const ROOT = join(__dirname, '..');
const doc = readFileSync(join(ROOT, 'docs/methods.md'), 'utf8');
const { anchors } = renderMethods(doc);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const sources = () =>
  ['app', 'workers', 'shaders', 'cli', 'scripts', 'bench', 'e2e', 'test']
    .flatMap((d) => walk(join(ROOT, d)))
    .filter((p) => /\.(ts|tsx|wgsl|mjs)$/.test(p));

describe('method notes', () => {
  it('every Method notes anchor of the specs and every lab anchor is a heading of docs/methods.md', () => {
    const used: string[] = [];
    for (const spec of Object.values(specs))
      for (const f of Object.values(spec.fields))
        if (f.kind === 'enum')
          used.push(...Object.values(f.optionDocs ?? {}).filter((a): a is string => !!a));
    used.push(...Object.values(LAB_DOCS));
    expect(used.length).toBeGreaterThan(30);
    expect(used.filter((a) => !anchors.includes(a))).toEqual([]);
    // Each lab with a spec has its section.
    expect(Object.keys(specs).filter((id) => !LAB_DOCS[id])).toEqual([]);
  });

  it('every anchor of docs/methods.md cited in the code exists, and nothing cites the old shared notes', () => {
    const cited: string[] = [];
    const stale: string[] = [];
    const old = ['ALGORITHMS', 'md'].join('.');
    for (const p of sources()) {
      const text = readFileSync(p, 'utf8');
      for (const m of text.matchAll(/docs\/methods\.md#([\p{L}\p{N}_-]+)/gu)) cited.push(m[1]);
      if (text.includes(old)) stale.push(p);
    }
    expect(cited.length).toBeGreaterThan(5);
    expect(cited.filter((a) => !anchors.includes(a))).toEqual([]);
    expect(stale).toEqual([]);
  });

  it('method headings are unique and their anchors are GitHub slugs', () => {
    expect(anchors.filter((a) => /-\d+$/.test(a) && anchors.includes(a.replace(/-\d+$/, '')))).toEqual([]);
    expect(slug('Feature map elu+1')).toBe('feature-map-elu1');
    expect(slug('Block-sparse top-k and top-p')).toBe('block-sparse-top-k-and-top-p');
    expect(slug('Pruning lab (weight and activation sparsity)')).toBe(
      'pruning-lab-weight-and-activation-sparsity',
    );
    expect(renderMethods('## A\n\n## A\n').anchors).toEqual(['a', 'a-1']);
  });

  it('renders headings, lists, code and bold, and escapes everything else', () => {
    const md = [
      '## Lab <b>x</b>',
      '',
      'Text with <script>alert(1)</script>, `a<b>` and **bold** and [ok](#lab-bxb) [bad](javascript:alert(1))',
      '- one',
      '  continued',
      '- two "quoted"',
    ].join('\n');
    const { html } = renderMethods(md);
    expect(html).toContain('<h2 id="lab-bxb">Lab &lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script');
    expect(html).toContain('<code>a&lt;b&gt;</code>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="#lab-bxb">ok</a>');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<ul><li>one continued</li><li>two &quot;quoted&quot;</li></ul>');
    const page = methodsPageHtml(doc);
    expect(page.match(/<script/g)).toBeNull();
    expect(page).toContain('id="sla"');
  });
});

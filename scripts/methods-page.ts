/**
 * docs/methods.md as a page of the built site (`methods.html`), so the app's "Method notes" links work offline
 * and from any static host. No markdown library is installed, so this renders the small subset the file uses:
 * headings (with GitHub's slugs as ids, so the same anchors work on GitHub and here), paragraphs, bullet lists,
 * `code`, **bold** and [links](#anchor). Every piece of text is HTML-escaped first; links keep only in-page
 * anchors and http(s) addresses. In development the page is served by the dev server from the current file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { METHODS_PAGE } from './methods-page-name.ts';

export const METHODS_SOURCE = 'docs/methods.md';

const escapeHtml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** GitHub's heading anchor: lower case, punctuation dropped (letters, digits, '-', '_' and spaces kept), spaces → '-'. */
export function slug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Inline markup of one already-trimmed piece of text: escaped, then code spans, bold and links. */
function inline(text: string): string {
  const parts = text.split(/(`[^`]*`)/);
  return parts
    .map((p) => {
      if (p.length >= 2 && p.startsWith('`') && p.endsWith('`'))
        return `<code>${escapeHtml(p.slice(1, -1))}</code>`;
      let h = escapeHtml(p);
      h = h.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
      h = h.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) =>
        /^#[\p{L}\p{N}_-]+$/u.test(href) || /^https?:\/\/[^\s"'<>]+$/.test(href)
          ? `<a href="${href}">${label}</a>`
          : whole,
      );
      return h;
    })
    .join('');
}

export interface RenderedMethods {
  html: string;
  /** Every heading's anchor, in order. */
  anchors: string[];
}

/** The page's body and its anchors. Repeated headings get GitHub's -1, -2 … suffixes. */
export function renderMethods(md: string): RenderedMethods {
  const out: string[] = [];
  const anchors: string[] = [];
  const seen = new Map<string, number>();
  let para: string[] = [];
  let list: string[] | null = null;
  const flushPara = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) out.push(`<ul>${list.map((li) => `<li>${inline(li)}</li>`).join('')}</ul>`);
    list = null;
  };
  for (const raw of md.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flushPara();
      flushList();
      const level = h[1].length;
      const base = slug(h[2]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const id = n ? `${base}-${n}` : base;
      anchors.push(id);
      out.push(
        `<h${level} id="${escapeHtml(id)}">${inline(h[2])} <a class="anchor" href="#${escapeHtml(id)}">#</a></h${level}>`,
      );
      continue;
    }
    if (!line.trim()) {
      flushPara();
      flushList();
      continue;
    }
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (item) {
      flushPara();
      list ??= [];
      list.push(item[1]);
      continue;
    }
    if (list && /^\s+\S/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    para.push(line.trim());
  }
  flushPara();
  flushList();
  return { html: out.join('\n'), anchors };
}

export function methodsPageHtml(md: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SparseLab — method notes</title>
<style>
body { font: 16px/1.55 system-ui, sans-serif; max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; color: #1b1b1f; background: #fff; }
@media (prefers-color-scheme: dark) { body { color: #e6e6ea; background: #141418; } a { color: #8ab4ff; } code { background: #24242b; } }
code { font-size: 0.92em; background: #f1f1f4; padding: 0 0.2em; border-radius: 3px; overflow-wrap: anywhere; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #8884; } h3 { margin-top: 2rem; }
a.anchor { font-size: 0.8em; text-decoration: none; opacity: 0.4; }
:target { scroll-margin-top: 1rem; outline: 2px solid #f5a52466; outline-offset: 4px; }
</style>
</head>
<body>
<p><a href="./">← Back to the lab</a> · generated from <code>${METHODS_SOURCE}</code></p>
${renderMethods(md).html}
</body>
</html>
`;
}

/** Vite plugin: emits methods.html into the build and serves it from the dev server. */
export function methodsPage(): Plugin {
  let root = process.cwd();
  const page = () => methodsPageHtml(readFileSync(join(root, METHODS_SOURCE), 'utf8'));
  return {
    name: 'sparselab-methods-page',
    configResolved(c) {
      root = c.root;
    },
    configureServer(server) {
      server.watcher.add(join(root, METHODS_SOURCE));
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split(/[?#]/)[0];
        if (!path.endsWith(`/${METHODS_PAGE}`)) return next();
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(page());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: METHODS_PAGE, source: page() });
    },
  };
}

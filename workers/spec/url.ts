/**
 * Share-URL codec: `#/<experiment>?ver=1&key=value…`, human-readable, defaults omitted.
 * Decoding never throws: each bad field gets a message naming it and falls back to its default; a link
 * whose fields break a cross-field rule is repaired by that rule (repair.ts), each change named.
 */

import { scanNumber } from '../io/number';
import type { Issue, SpecDef } from './define';
import type { Field, Fields, FileRef, Values } from './fields';
import { describeField, fieldSchema } from './fields';
import { repairRules } from './repair';

export const URL_VERSION = 1;

/** Keys that belong to the page rather than to the experiment (presentation, locking, backend). */
export const META_KEYS = ['ver', 'backend', 'embed', 'lock', 'hide', 'tour', 'step', 'present'] as const;
export type MetaKey = (typeof META_KEYS)[number];
export type Meta = Partial<Record<MetaKey, string>>;

function encodeValue(f: Field, v: unknown): string {
  switch (f.kind) {
    case 'number':
      return String(Object.is(v, -0) ? 0 : v);
    case 'bool':
      return v ? '1' : '0';
    case 'file': {
      const r = v as FileRef;
      return `${r.sha256}~${r.shape.join('x')}~${r.name}`;
    }
    default:
      return String(v);
  }
}

function sameValue(f: Field, a: unknown, b: unknown): boolean {
  if (f.kind === 'file') return a === null && b === null;
  return a === b;
}

/** The query part (without `?`), defaults omitted, version first. */
export function encodeQuery<F extends Fields>(def: SpecDef<F>, values: Values<F>, meta: Meta = {}): string {
  const p = new URLSearchParams();
  p.set('ver', String(URL_VERSION));
  for (const [key, f] of Object.entries(def.fields)) {
    const v = (values as Record<string, unknown>)[key];
    if (v === undefined || sameValue(f, v, f.default)) continue;
    if (f.kind === 'file' && v === null) continue;
    p.set(key, encodeValue(f, v));
  }
  for (const [k, v] of Object.entries(meta)) if (k !== 'ver' && v !== undefined && v !== '') p.set(k, v);
  return p.toString().replace(/%2C/gi, ',').replace(/%7E/gi, '~').replace(/%3A/gi, ':');
}

export function toHash<F extends Fields>(def: SpecDef<F>, values: Values<F>, meta: Meta = {}): string {
  return `#/${def.id}?${encodeQuery(def, values, meta)}`;
}

/** Accepts a full URL, a hash (`#/id?…`), a path (`/id?…`) or a bare query (`?a=1` or `a=1`). */
export function parseLocation(input: string): { route: string | null; params: URLSearchParams } {
  let s = input.trim();
  const hashAt = s.indexOf('#');
  if (hashAt >= 0) s = s.slice(hashAt + 1);
  else if (/^[a-z]+:\/\//i.test(s)) s = s.replace(/^[a-z]+:\/\/[^/]*/i, '');
  const q = s.indexOf('?');
  const path = q >= 0 ? s.slice(0, q) : s.includes('=') ? '' : s;
  const query = q >= 0 ? s.slice(q + 1) : s.includes('=') ? s : '';
  const route = path.replace(/^\/+|\/+$/g, '') || null;
  return {
    route: route && /^[a-z][a-z0-9_-]{0,40}$/i.test(route) ? route : null,
    params: new URLSearchParams(query),
  };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function decodeValue(f: Field, raw: string): { ok: true; value: unknown } | { ok: false; why?: string } {
  switch (f.kind) {
    case 'number': {
      // One linear pass (a backtracking regex was quadratic on long digit runs); long values refused.
      const s = scanNumber(raw);
      return s.ok ? { ok: true, value: s.value } : { ok: false, why: raw.length > 40 ? s.why : undefined };
    }
    case 'bool':
      if (raw === '1' || raw === 'true') return { ok: true, value: true };
      if (raw === '0' || raw === 'false') return { ok: true, value: false };
      return { ok: false };
    case 'enum':
      return (f.options as readonly string[]).includes(raw) ? { ok: true, value: raw } : { ok: false };
    case 'text':
      return { ok: true, value: raw };
    case 'file': {
      const m = /^([0-9a-f]{64})~(\d+(?:x\d+){0,3})~(.{1,200})$/s.exec(raw);
      if (!m) return { ok: false };
      return { ok: true, value: { sha256: m[1], shape: m[2].split('x').map(Number), name: m[3] } };
    }
  }
}

export interface Decoded<F extends Fields> {
  values: Values<F>;
  issues: Issue[];
  meta: Meta;
  /** The fields the link set (with a valid value), in the link's order. */
  explicit: string[];
}

export function decodeParams<F extends Fields>(def: SpecDef<F>, params: URLSearchParams): Decoded<F> {
  const values: Record<string, unknown> = { ...def.defaults };
  const issues: Issue[] = [];
  const meta: Meta = {};
  const seen = new Set<string>();
  const explicit: string[] = [];
  for (const [key, raw] of params) {
    if ((META_KEYS as readonly string[]).includes(key)) {
      meta[key as MetaKey] = raw.slice(0, 500);
      continue;
    }
    const f = Object.hasOwn(def.fields, key) ? def.fields[key] : undefined;
    if (!f) {
      issues.push({ field: clip(key), message: `unknown parameter "${clip(key)}" was ignored` });
      continue;
    }
    if (seen.has(key)) {
      issues.push({ field: key, message: `${key} is given more than once; the first value is used` });
      continue;
    }
    seen.add(key);
    const d = decodeValue(f, raw);
    if (!d.ok || !fieldSchema(f).safeParse(d.value).success) {
      issues.push({
        field: key,
        message: `${key} must be ${describeField(f)} (got "${clip(raw)}"${!d.ok && d.why ? `: ${d.why}` : ''}); using the default ${String(f.default)}`,
      });
      continue;
    }
    values[key] = d.value;
    explicit.push(key);
  }
  if (meta.ver !== undefined && meta.ver !== String(URL_VERSION)) {
    issues.push({
      field: 'ver',
      message: `this link is version ${clip(meta.ver)}; this lab reads version ${URL_VERSION} and did its best`,
    });
  }
  // Cross-field rules: repaired by the rule that failed, never silently (repair.ts).
  const repaired = repairRules(def as unknown as SpecDef, values, explicit);
  return {
    values: repaired.values as Values<F>,
    issues: [...issues, ...repaired.issues],
    meta,
    explicit,
  };
}

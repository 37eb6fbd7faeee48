/**
 * Repairs a link whose fields are each valid but break a cross-field rule (k ≤ latents, kh + kl ≤ 100…).
 * One broken rule at a time: first adjust a value the user did not set (the blamed field, then the rule's
 * other numeric fields) to the nearest value that satisfies the rule, with a note; otherwise adjust one of
 * the user's values (the blamed one, else the one set last) to the nearest value that satisfies it, with a
 * message naming the user's fields and the rule. No user value is ever changed without a message naming it.
 */
import { type Issue, type SpecDef, validate } from './define';
import type { Field } from './fields';

type V = Record<string, unknown>;

function show(x: unknown): string {
  if (x === null) return 'none';
  if (typeof x === 'object') return String((x as { name?: unknown }).name ?? 'a file');
  return String(x);
}

/** Issues of `values` that involve field `k` (blamed or named). */
function involves(issues: Issue[], k: string): boolean {
  return issues.some((i) => i.field === k || i.fields?.includes(k));
}

function issuesOf(def: SpecDef, v: V): Issue[] {
  const r = validate(def, v);
  return r.ok ? [] : r.issues;
}

/**
 * The value of `k` nearest to its current value (or, for enums, the first in the field's order, default
 * first) that leaves no broken rule involving `k` and fewer broken rules in all; undefined when none does.
 */
function nearestFeasible(def: SpecDef, values: V, k: string, prefer: unknown): unknown {
  const f: Field = def.fields[k];
  const base = issuesOf(def, values).length;
  const ok = (x: unknown) => {
    const issues = issuesOf(def, { ...values, [k]: x });
    return !involves(issues, k) && issues.length < base;
  };
  const current = values[k];
  switch (f.kind) {
    case 'bool':
      return ok(!current) ? !current : undefined;
    case 'file':
      return current !== null && ok(null) ? null : undefined;
    case 'enum': {
      const order = [f.default, ...f.options].filter((o) => o !== current);
      return order.find(ok);
    }
    case 'number': {
      const from = current as number;
      const fit = (x: number) => (f.int ? Math.round(x) : x);
      // Bisection between an infeasible `bad` and a feasible `good`: the feasible point nearest to `bad`.
      const edge = (bad: number, good: number) => {
        for (let i = 0; i < 200; i++) {
          const mid = fit((bad + good) / 2);
          if (mid === bad || mid === good) break;
          if (ok(mid)) good = mid;
          else bad = mid;
          if (!f.int && Math.abs(good - bad) <= 1e-9 * Math.max(1, Math.abs(good))) break;
        }
        if (!f.int && good !== 0) {
          // A readable value on the feasible side: three significant digits, rounded away from `bad`.
          const unit = 10 ** (Math.floor(Math.log10(Math.abs(good))) - 2);
          const away = good > bad ? Math.ceil(good / unit) * unit : Math.floor(good / unit) * unit;
          for (const nice of [Number(good.toPrecision(3)), Number(away.toPrecision(3))]) {
            if (nice >= f.min && nice <= f.max && ok(nice)) return nice;
          }
        }
        return good;
      };
      const target = prefer as number;
      if (target !== from && ok(target)) return edge(from, target);
      const ends = [f.min, f.max].map(fit).filter((e) => e !== from && ok(e));
      const found = ends.map((e) => edge(from, e));
      found.sort((a, b) => Math.abs(a - from) - Math.abs(b - from));
      return found[0];
    }
  }
}

export function repairRules(
  def: SpecDef,
  start: V,
  explicit: readonly string[],
): { values: V; issues: Issue[] } {
  const values: V = { ...start };
  const issues: Issue[] = [];
  const user = new Set(explicit);
  const order = (k: string) => explicit.lastIndexOf(k);
  const touched = new Map<string, number>();
  const nFields = Object.keys(def.fields).length;
  const named = (keys: string[]) => keys.map((k) => `${k} = ${show(values[k])}`).join(' and ');

  for (let guard = 0; guard < 3 * nFields + 4; guard++) {
    const broken = issuesOf(def, values);
    if (!broken.length) return { values, issues };
    const rule = broken[0];
    const involved = [...new Set([rule.field, ...(rule.fields ?? [])])].filter((k) =>
      Object.hasOwn(def.fields, k),
    );
    if (!involved.length) break;
    const userFields = involved.filter((k) => user.has(k)).sort((a, b) => order(a) - order(b));
    const tries = (k: string) => touched.get(k) ?? 0;
    let done = false;

    // 1. A value the user did not set: the blamed field, then the rule's other numeric fields.
    const free = involved.filter(
      (k, i) => !user.has(k) && tries(k) < 2 && (i === 0 || def.fields[k].kind === 'number'),
    );
    for (const k of free) {
      const before = values[k];
      const x = nearestFeasible(def, values, k, def.defaults[k]);
      if (x === undefined) continue;
      values[k] = x;
      touched.set(k, tries(k) + 1);
      issues.push({
        field: k,
        note: true,
        message: `${k} = ${show(x)} instead of ${show(before)}${userFields.length ? `, to fit ${named(userFields)}` : ''}: ${rule.message}`,
      });
      done = true;
      break;
    }
    if (done) continue;

    // 2. One of the user's values: the blamed one, else the one set last; nearest to it that fits.
    const mine = user.has(rule.field)
      ? [rule.field, ...userFields.filter((k) => k !== rule.field).reverse()]
      : [...userFields].reverse();
    for (const k of mine) {
      if (tries(k) >= 2) continue;
      const x = nearestFeasible(def, values, k, def.defaults[k]);
      if (x === undefined) continue;
      issues.push({
        field: k,
        fields: userFields,
        message: `${named(userFields)}: ${rule.message}; using ${k} = ${show(x)}`,
      });
      values[k] = x;
      touched.set(k, tries(k) + 1);
      done = true;
      break;
    }
    if (done) continue;

    // 3. No single value fits: the blamed field goes back to its default, with a message naming it.
    const k = involved[0];
    if (values[k] === def.defaults[k] || tries(k) >= 3) break;
    issues.push({
      field: k,
      fields: userFields,
      message: `${named(involved)}: ${rule.message}; using the default ${k} = ${show(def.defaults[k])}`,
    });
    values[k] = def.defaults[k];
    touched.set(k, tries(k) + 3);
  }

  // Last resort: the user's values go back to their defaults one at a time (set last first), each named.
  for (const k of [...user].sort((a, b) => order(b) - order(a))) {
    const broken = issuesOf(def, values);
    if (!broken.length) return { values, issues };
    if (values[k] === def.defaults[k]) continue;
    issues.push({
      field: k,
      message: `${k} = ${show(values[k])} could not be kept with the link's other values (${broken[0].message}); using the default ${show(def.defaults[k])}`,
    });
    values[k] = def.defaults[k];
  }
  const broken = issuesOf(def, values);
  if (!broken.length) return { values, issues };
  // Unreachable while every spec's defaults satisfy its rules (a test checks this); said plainly if not.
  const dropped = Object.keys(def.fields).filter((k) => values[k] !== def.defaults[k]);
  return {
    values: { ...def.defaults },
    issues: [
      ...issues,
      {
        field: dropped[0] ?? '',
        fields: dropped,
        message: `the link's values break a rule (${broken[0].message}); using the defaults for ${dropped.join(', ') || 'every field'}`,
      },
    ],
  };
}

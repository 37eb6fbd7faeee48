/**
 * Views of the SAE lab: live loss curves (normalised MSE, L0, AuxK, total, explained variance) and recovery
 * over steps while training; then the feature-density histogram, the recovery matrix, PolySAE's interaction
 * weights, digits atoms with their top-activating samples, the dark-matter split, and the L0–MSE frontier
 * (points appear as runs finish). Everything arrives precomputed in result.views / progress.partial.
 */
import { useMemo, useState } from 'react';
import {
  type DarkSizesViews,
  type FrontierPoint,
  type HistoryPoint,
  isSaePartial,
  isSaeViews,
  MODEL_LABELS,
  type TrainViews,
} from '../../../workers/experiments/sae/views-data';
import { modelUses } from '../../../workers/spec/sae-models';
import { formatCount, formatNumber } from '../../viz/format';
import { BarChart, Heatmap, LineChart, type MetricRow, MetricTable, type Series } from '../../viz/react';
import type { LabViewProps } from '../types';
import { AtomGrid } from './atom-grid';

/** What the curves need to know about the run: the dictionary size and the k a TopK model keeps. */
interface CurveContext {
  latents?: number;
  k?: number;
}

function curveContext(spec: Record<string, unknown> | undefined): CurveContext {
  if (!spec) return {};
  const latents = typeof spec.latents === 'number' ? spec.latents : undefined;
  const k = modelUses('k')(spec) && typeof spec.k === 'number' ? spec.k : undefined;
  return { latents, k };
}

export function SaeViews({ result, progress, running, values }: LabViewProps) {
  const views = result?.views;
  const data = isSaeViews(views) ? views : undefined;
  const reported = progress?.partial;
  const partial = isSaePartial(reported) ? reported : undefined;
  const ctx = curveContext(running || !result ? (values as Record<string, unknown>) : result.spec);
  if (!data || running) {
    return (
      <div className="views-grid">
        <p className="placeholder">
          {running ? `${progress?.stage ?? 'Running'}…` : 'Run to train a sparse autoencoder.'}
        </p>
        {partial?.kind === 'train' ? <TrainingCurves history={partial.history} ctx={ctx} live /> : null}
        {partial?.kind === 'frontier' ? (
          <>
            <FrontierChart points={partial.points} />
            {partial.current ? <TrainingCurves history={partial.current.history} ctx={ctx} live /> : null}
          </>
        ) : null}
      </div>
    );
  }
  if (data.kind === 'frontier') {
    return (
      <div className="views-grid">
        <FrontierChart points={data.points} />
        <section className="card">
          <MetricTable
            caption={`Frontier on ${data.source}, held-out rows`}
            rows={data.points.map((p) => ({
              label: `${MODEL_LABELS[p.model]} ${p.knob} = ${fmtKnob(p.value)}`,
              value: `L0 ${formatNumber(p.l0, 3)}, NMSE ${formatNumber(p.nmse, 3)}, dead ${formatCount(p.dead)}`,
            }))}
          />
        </section>
      </div>
    );
  }
  if (data.kind === 'darkmatter') return <DarkSizes data={data} />;
  return (
    <TrainResult
      data={data}
      metrics={result!.metrics}
      parity={result!.parity}
      backend={result!.backend}
      ctx={ctx}
    />
  );
}

function DarkSizes({ data }: { data: DarkSizesViews }) {
  const S = data.sizes.length;
  const pts = (f: (r: DarkSizesViews['sizes'][number]) => number) =>
    data.sizes.map((r) => ({ x: r.latents, y: f(r) }));
  return (
    <div className="views-grid">
      <section className="card wide">
        <LineChart
          title={`Dark matter across sizes: ${MODEL_LABELS[data.model]} on ${data.source}, held-out rows`}
          xLabel="latents M"
          yLabel="fraction"
          xLog
          series={[
            {
              name: 'linearly predictable share of the error (1 − FVU_lin)',
              points: pts((r) => r.linearShare),
              markers: true,
            },
            { name: 'normalised MSE', points: pts((r) => r.nmse), markers: true, dashed: true },
            { name: 'norm probe R² (‖e‖² from x)', points: pts((r) => r.normProbeR2), markers: true },
          ]}
          height={320}
        />
        <p className="note">
          Each size is trained with the same k (or λ), steps and seed. The paper (arXiv 2410.14670) finds that
          about half of the error is linearly predictable from x and that this share stays roughly constant as
          SAEs grow, while the nonlinear part shrinks slowly.
        </p>
      </section>
      <section className="card">
        <MetricTable
          caption="Correlation of per-sample error norms ‖e‖² between sizes (Pearson, held out)"
          rows={data.sizes.flatMap((a, i) =>
            data.sizes.slice(i + 1).map((b, j) => ({
              label: `M = ${a.latents} vs ${b.latents}`,
              value: data.corr[i * S + i + 1 + j].toFixed(3),
            })),
          )}
        />
        <MetricTable
          caption="Per size"
          rows={data.sizes.map((r) => ({
            label: `M = ${r.latents}`,
            value: `NMSE ${r.nmse.toFixed(4)}, L0 ${r.l0.toFixed(2)}, linear share ${r.linearShare.toFixed(3)}`,
          }))}
        />
      </section>
    </div>
  );
}

function TrainResult({
  data,
  metrics,
  parity,
  backend,
  ctx,
}: {
  ctx: CurveContext;
  data: TrainViews;
  metrics: Record<string, number>;
  parity: { status: string; maxRelDiff?: number; ok?: boolean; compared?: string } | undefined;
  backend: string;
}) {
  const rows: MetricRow[] = [
    { label: 'Normalised MSE (held out)', value: metrics.nmse, hint: '‖x − x̂‖² / v on the held-out 10%' },
    { label: 'Explained variance (held out)', value: metrics.explained_variance },
    { label: 'L0 (held out)', value: metrics.l0, hint: 'Mean number of active latents per sample' },
    { label: 'Dead latents', value: metrics.dead_latents, hint: 'Never fired on the evaluated rows' },
    { label: 'Dense latents', value: metrics.dense_latents, hint: 'Fire on more than 10% of samples' },
    {
      label: 'Throughput',
      value: metrics.samples_per_s,
      unit: 'samples/s',
      hint: `Training on ${backend}, decoder ${data.decoder}`,
    },
  ];
  if (metrics.mmcs !== undefined) {
    rows.splice(3, 0, {
      label: 'Mean max cosine (MMCS)',
      value: metrics.mmcs,
      hint: 'Mean over true features of the best |cos| with an atom',
    });
    rows.splice(4, 0, { label: 'Features recovered (cos > 0.9)', value: metrics.recovered_fraction });
  }
  if (metrics.theta !== undefined)
    rows.push({ label: 'Inference threshold θ', value: metrics.theta, hint: 'BatchTopK’s EMA threshold' });
  if (parity?.status === 'checked') {
    rows.push({
      label: 'GPU vs CPU forward',
      value: parity.ok
        ? `agrees (${(parity.maxRelDiff ?? 0).toExponential(1)})`
        : `differs (${(parity.maxRelDiff ?? 0).toExponential(1)})`,
      hint: parity.compared,
    });
  }
  return (
    <div className="views-grid">
      <section className="card">
        <MetricTable caption={`${MODEL_LABELS[data.model]} on ${data.source}`} rows={rows} />
        <p className="muted small">{data.conventions}</p>
      </section>
      <TrainingCurves history={data.history} ctx={ctx} />
      <DensityChart data={data} />
      {data.recovery ? <RecoveryMap data={data} /> : null}
      {data.recoverySkipped ? <p className="muted small">{data.recoverySkipped}</p> : null}
      {data.poly ? <PolyView data={data} /> : null}
      {data.interaction ? <InteractionChart data={data} /> : null}
      {data.atoms ? <DigitsAtoms data={data} /> : <TopSamplesTable data={data} />}
      <DarkMatterView data={data} />
    </div>
  );
}

function TrainingCurves({
  history,
  live,
  ctx,
}: {
  history: HistoryPoint[];
  live?: boolean;
  ctx: CurveContext;
}) {
  // The series are rebuilt only when the history changes (a new progress report), not on every render.
  const curves = useMemo(() => {
    const line = (name: string, key: keyof HistoryPoint, dashed = false): Series => ({
      name,
      dashed,
      points: history.filter((h) => h[key] !== undefined).map((h) => ({ x: h.step, y: h[key] as number })),
    });
    const withAux = history.some((h) => h.aux > 0);
    const withSparsity = history.some((h) => h.sparsity > 0);
    const loss = [line('normalised MSE', 'rec'), line('total', 'total', true)];
    if (withAux) loss.push({ ...line('AuxK', 'aux'), zeroNote: 'AuxK is 0 while no latent is dead' });
    if (withSparsity) loss.push(line('sparsity penalty', 'sparsity'));
    const hasRecovery = history.some((h) => h.mmcs !== undefined);
    return {
      loss,
      l0: [line('L0', 'l0')],
      ev: [
        line('explained variance (training batches)', 'ev'),
        ...(hasRecovery ? [line('MMCS', 'mmcs', true), line('features with cos > 0.9', 'recovered')] : []),
      ],
      dead: [{ ...line('dead (no firing in the window)', 'dead'), step: true }],
      deadSummary: deadSummary(history),
    };
  }, [history]);
  if (!history.length) return null;
  const suffix = live ? ' (live)' : '';
  return (
    <>
      <section className="card">
        <LineChart
          title={`Loss${suffix}`}
          xLabel="step"
          yLabel="loss"
          yLog
          series={curves.loss}
          height={240}
        />
      </section>
      <section className="card">
        <LineChart
          title={`L0${suffix}${ctx.k !== undefined ? `: the model keeps k = ${ctx.k}` : ''}`}
          xLabel="step"
          yLabel="active latents"
          series={curves.l0}
          refLines={ctx.k !== undefined ? [{ y: ctx.k, label: `k = ${ctx.k}` }] : undefined}
          yInclude={[0]}
          height={200}
        />
      </section>
      <section className="card">
        <LineChart
          title={`Explained variance and recovery${suffix}`}
          xLabel="step"
          yLabel="fraction"
          series={curves.ev}
          height={200}
        />
      </section>
      <section className="card">
        <LineChart
          title={`Dead latents${ctx.latents ? ` of ${ctx.latents.toLocaleString('en-US')}` : ''}${suffix}: ${curves.deadSummary}`}
          xLabel="step"
          yLabel="dead latents"
          series={curves.dead}
          yInclude={[0, Math.max(4, Math.ceil((ctx.latents ?? 0) * 0.1))]}
          height={200}
        />
      </section>
    </>
  );
}

/** "0 at the end (peak 1 at step 525)": the numbers behind the curve, so a spike is read in context. */
function deadSummary(history: HistoryPoint[]): string {
  const pts = history.filter((h) => h.dead !== undefined);
  if (!pts.length) return 'no reading yet';
  const last = pts[pts.length - 1];
  let peak = pts[0];
  for (const h of pts) if (h.dead > peak.dead) peak = h;
  const end = `${last.dead} at step ${last.step.toLocaleString('en-US')}`;
  return peak.dead > last.dead
    ? `${end} (peak ${peak.dead} at step ${peak.step.toLocaleString('en-US')})`
    : end;
}

function DensityChart({ data }: { data: TrainViews }) {
  const d = data.density;
  const bars = [
    { label: 'never', value: d.dead, color: '#999' },
    ...d.counts.map((c, i) => ({ label: `${((d.edges[i] + d.edges[i + 1]) / 2).toFixed(2)}`, value: c })),
  ];
  return (
    <section className="card">
      <BarChart
        title={`Feature density: log₁₀ firing frequency over ${d.rows} rows (${d.dead} dead, ${d.dense} dense)`}
        yLabel="latents"
        xLabel="log₁₀ firing frequency (bin centre)"
        bars={bars}
      />
    </section>
  );
}

function RecoveryMap({ data }: { data: TrainViews }) {
  const r = data.recovery!;
  const [hover, setHover] = useState<string>('');
  return (
    <section className="card">
      <Heatmap
        title={`Recovery: |cos| of atoms × true features (MMCS ${r.mmcs.toFixed(3)}, ${(r.recovered * 100).toFixed(0)}% above 0.9)`}
        xLabel="true feature"
        yLabel={`atom (sorted by best match; ${r.rows} of ${r.latents})`}
        rows={r.rows}
        cols={r.cols}
        values={r.values}
        colormap="viridis"
        domain={[0, 1]}
        onCellHover={(row, col, v) =>
          setHover(`atom ${r.atoms[row]} × feature ${col}: |cos| = ${v.toFixed(3)}`)
        }
      />
      <p className="muted small" aria-live="polite">
        {hover || 'Hover a cell for the atom and feature.'}
      </p>
    </section>
  );
}

function PolyView({ data }: { data: TrainViews }) {
  const p = data.poly!;
  const overlayClasses = new Array<number>(p.n * p.n).fill(-1);
  for (const t of p.pairs) {
    if (t.a < p.n && t.b < p.n) overlayClasses[t.a * p.n + t.b] = overlayClasses[t.b * p.n + t.a] = 0;
  }
  return (
    <section className="card">
      <Heatmap
        title={`PolySAE pairwise interaction weights ‖v_ab‖ (λ₂ = ${p.lambda[0].toFixed(3)}, λ₃ = ${p.lambda[1].toFixed(3)})`}
        xLabel={data.recovery ? 'true feature (via its best atom)' : 'latent'}
        yLabel={data.recovery ? 'true feature (via its best atom)' : 'latent'}
        rows={p.n}
        cols={p.n}
        values={p.values}
        colormap="cividis"
        overlay={
          p.pairs.length
            ? { classes: overlayClasses, colors: ['#e4572e'], labels: ['true compositional pair'] }
            : undefined
        }
      />
      {p.pairs.length ? (
        <MetricTable
          caption="True compositional triples (a, b → c)"
          rows={p.pairs.map((t) => ({
            label: `f${t.a} × f${t.b} → f${t.c}`,
            value: `weight ${t.weight.toFixed(3)}, top ${(t.topFraction * 100).toFixed(1)}% of pairs, cos to f${t.c} ${t.cosToC.toFixed(2)}`,
            hint: 'Does the pair’s quadratic output direction point at the composed feature?',
          }))}
        />
      ) : (
        <p className="muted small">
          No true compositional pairs in this data (set them in the toy data to test alignment).
        </p>
      )}
    </section>
  );
}

const fmtR = (r: number | null) => (r === null || !Number.isFinite(r) ? 'n/a' : r.toFixed(2));

/**
 * PolySAE's headline diagnostic: interaction strength ‖W_ij‖ of each co-active latent pair against its
 * co-occurrence, with the toy's true correlated and compositional pairs marked (computed in the worker).
 */
function InteractionChart({ data }: { data: TrainViews }) {
  const iv = data.interaction!;
  const kinds = [
    { kind: 0, name: 'other co-active pairs', color: '#9aa0a6' },
    { kind: 1, name: 'true correlated pairs (b fires with a)', color: '#2e86de' },
    { kind: 2, name: 'true compositional pairs (a, b → c)', color: '#e4572e' },
  ];
  const series: Series[] = kinds
    .map((k) => ({
      name: k.name,
      color: k.color,
      scatter: true,
      points: iv.points.filter((q) => q.kind === k.kind).map((q) => ({ x: q.c, y: q.s })),
    }))
    .filter((s) => s.points.length > 0);
  const byKind = Object.fromEntries(iv.summary.map((s) => [s.kind, s]));
  const rows: MetricRow[] = iv.summary
    .filter((s) => s.pairs > 0)
    .map((s) => ({
      label: `${s.kind} pairs (${s.pairs})`,
      value: `mean strength ${formatNumber(s.s)}, mean co-occurrence ${formatNumber(s.c)}, top ${(s.top * 100).toFixed(0)}% by strength on average`,
    }));
  return (
    <section className="card" data-testid="interaction-chart">
      <LineChart
        title={`PolySAE (${iv.form} form): interaction strength vs co-occurrence, Pearson r = ${fmtR(iv.r)}`}
        xLabel="co-occurrence (fraction of held-out samples where both fire)"
        yLabel="interaction strength ‖W_ij‖"
        series={series}
        yInclude={[0]}
      />
      <p className="muted small" data-testid="interaction-caption">
        Each dot is a pair of latents that fired together on at least one of {formatCount(iv.rows)} held-out
        samples ({formatCount(iv.coactive)} pairs
        {iv.points.length < iv.computed ? `, ${formatCount(iv.points.length)} drawn` : ''}). Its height is the
        norm of the output the quadratic term adds when both fire,{' '}
        {iv.form === 'general' ? 'W_ij = λ₂C₂(U⁽¹⁾_i ⊙ U⁽²⁾_j + U⁽¹⁾_j ⊙ U⁽²⁾_i)' : 'W_ij = 2λ₂C₂(U_i ⊙ U_j)'}
        . If the interaction terms only tracked how often latents co-fire, strength would rise with
        co-occurrence; here r(strength, co-occurrence) = {fmtR(iv.r)} over all co-active pairs, and the same
        pairs’ code covariance gives r = {fmtR(iv.rCov)}. The paper reports r = 0.06 for PolySAE against 0.82
        between a vanilla SAE’s feature covariance and co-occurrence.
        {byKind.compositional?.pairs
          ? ` The toy’s compositional pairs (whose product adds a third feature) sit on average in the top ${(byKind.compositional.top * 100).toFixed(0)}% by strength; its correlated pairs (which co-fire but add nothing together) in the top ${((byKind.correlated?.top ?? Number.NaN) * 100).toFixed(0)}%.`
          : ''}{' '}
        {iv.labelled ? '' : 'No true pairs are known for these data, so none are marked. '}
        Where the lab departs from the paper:{' '}
        {iv.labelled
          ? 'toy features instead of language-model activations; true pairs are mapped to latents by the best cosine of the linear atoms (U⁽¹⁾C₁ᵀ), so a poorly recovered feature mislabels its pair; '
          : ''}
        the comparison statistic is this SAE’s own code covariance, not a separately trained vanilla SAE; only
        the quadratic term enters the strength, and its definition is the lab’s reading of the paper.
      </p>
      <MetricTable caption="Pairs by kind" rows={rows} />
    </section>
  );
}

function DigitsAtoms({ data }: { data: TrainViews }) {
  const a = data.atoms!;
  const [sel, setSel] = useState(0);
  const top = data.top.latents[sel];
  const n = a.width * a.height;
  const samples = top?.samples ?? [];
  return (
    <section className="card">
      <h3>Decoder atoms of the first {a.count} latents (red +, blue −; click one)</h3>
      <AtomGrid
        label={`Decoder atoms of latents 0 to ${a.count - 1} as ${a.width}×${a.height} images`}
        pixels={a.pixels}
        count={a.count}
        width={a.width}
        height={a.height}
        captions={a.frequency.map((f, i) => `#${i} ${(f * 100).toFixed(1)}%`)}
        signed
        selected={sel}
        onSelect={setSel}
      />
      <h3>
        Top-activating samples of latent #{sel} ({samples.length})
      </h3>
      {samples.length ? (
        <AtomGrid
          label={`Samples that activate latent ${sel} most`}
          pixels={samples.flatMap((s) => s.pixels ?? new Array<number>(n).fill(0))}
          count={samples.length}
          width={a.width}
          height={a.height}
          captions={samples.map((s) => `label ${s.label ?? '?'}: ${s.value.toFixed(2)}`)}
          signed={false}
          scale={8}
        />
      ) : (
        <p className="muted small">This latent never fired on the evaluated rows.</p>
      )}
    </section>
  );
}

function TopSamplesTable({ data }: { data: TrainViews }) {
  const [sel, setSel] = useState(0);
  const top = data.top.latents;
  if (!top.length) return null;
  const t = top[Math.min(sel, top.length - 1)];
  return (
    <section className="card">
      <label>
        Top-activating samples of latent{' '}
        <select value={sel} onChange={(e) => setSel(Number(e.target.value))}>
          {top.map((l) => (
            <option key={l.latent} value={l.latent}>
              #{l.latent}
            </option>
          ))}
        </select>
      </label>
      <MetricTable
        rows={t.samples.map((s) => ({ label: `sample ${s.row}`, value: s.value, hint: 'code value' }))}
      />
    </section>
  );
}

function DarkMatterView({ data }: { data: TrainViews }) {
  const dm = data.darkMatter;
  return (
    <section className="card">
      <BarChart
        title="Dark matter: the SAE's held-out error split by a linear fit ê = A·x + c"
        yLabel="share of error variance"
        bars={[
          { label: 'linearly predictable', value: Math.max(0, dm.linearVar) },
          { label: 'nonlinear', value: dm.nonlinearVar },
        ]}
      />
      <MetricTable
        rows={[
          { label: 'Error NMSE (held out)', value: dm.errorNmse },
          { label: 'Linear share 1 − FVU', value: dm.linearShare, hint: 'Paper: about half for LLM SAEs' },
          { label: 'Norm probe R² (‖e‖² from x)', value: dm.normProbeR2 },
          { label: 'Rows: fit / held out', value: `${dm.fitRows} / ${dm.testRows}` },
        ]}
      />
    </section>
  );
}

function FrontierChart({ points }: { points: FrontierPoint[] }) {
  const series = useMemo(
    (): Series[] =>
      [...new Set(points.map((p) => p.model))].map((m) => ({
        name: MODEL_LABELS[m],
        markers: true,
        points: points
          .filter((p) => p.model === m)
          .sort((a, b) => a.l0 - b.l0)
          .map((p) => ({ x: p.l0, y: p.nmse })),
      })),
    [points],
  );
  return (
    <section className="card">
      <LineChart
        title={`L0–MSE frontier (held out; ${points.length} runs so far)`}
        xLabel="L0 (active latents per sample)"
        yLabel="normalised MSE"
        xLog
        yLog
        series={series}
        height={300}
      />
    </section>
  );
}

const fmtKnob = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(3));

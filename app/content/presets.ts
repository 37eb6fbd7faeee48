/** The preset gallery: at least four per lab, each a share URL with a title and what to look at. */
import type { Preset } from './types';

export const PRESETS: Preset[] = [
  // Attention
  {
    id: 'attn-linear-needle',
    lab: 'attention',
    title: 'Linear attention loses the needle',
    blurb:
      'Each query has one key that carries its answer. Softmax attention finds it; elu+1 linear attention spreads its weight over every key, so the output has almost nothing of the needle (relative error near 1, cosine near 0.1). Look at the per-row error strip: every row fails.',
    hash: '#/attention?ver=1&method=linear&causal=0&data=needle&n=256&sweep=0',
  },
  {
    id: 'attn-blocksparse-mass',
    lab: 'attention',
    title: 'Block-sparse keeps 90% of the mass at a fifth of the compute',
    blurb:
      'On local data, keeping the top 10% of key blocks per query block (plus the diagonal and the sink block) keeps about 90% of the attention mass for under 20% of dense FLOPs. The mask overlay shows which blocks were computed; the error-vs-compute chart shows the price of going sparser.',
    hash: '#/attention?ver=1&causal=0&n=512&rho=0.1&sweep=0',
  },
  {
    id: 'attn-window-sinks',
    lab: 'attention',
    title: 'A sliding window needs its attention sinks',
    blurb:
      'The first tokens soak up a large share of every query’s attention. A 64-token window without them loses that mass and the output is wrong (relative error about 1); add four sink tokens (the sinks control) and the error falls to about 0.1 at the same cost.',
    hash: '#/attention?ver=1&method=window&data=sinks&sinks=0&sweep=0',
  },
  {
    id: 'attn-sla-rank',
    lab: 'attention',
    title: 'SLA: the large weights are high rank, the rest low rank',
    blurb:
      'Split the attention matrix into its largest 5% of weights and the remainder. The singular value chart shows the observation behind SLA: the few large weights need a high rank (exact sparse attention), the many small ones a low rank (cheap linear attention). The block map shows critical, marginal and skipped blocks.',
    hash: '#/attention?ver=1&method=sla&data=sla_structure&n=256&kh=5&kl=10&sweep=0',
  },
  {
    id: 'attn-error-vs-compute',
    lab: 'attention',
    title: 'Every method on the same data: error against compute',
    blurb:
      'One dataset, every method, several sparsities each: the points appear as they are computed, with dense attention as the anchor at (1, 0). Hover a point for its exact numbers. HiP and the sliding window are cheap and close on local data; SEA and linear attention pay for their estimate.',
    hash: '#/attention?ver=1&n=256',
  },
  // Sparse regression
  {
    id: 'reg-lasso-diabetes',
    lab: 'regression',
    title: 'The Lasso path on diabetes',
    blurb:
      'The classic: ten baseline variables, one disease-progression target, scikit-learn’s scaling and α grid. Read the path from the right: BMI enters first, then s5 and blood pressure; as α falls the model grows. The numbers match scikit-learn’s lasso_path.',
    hash: '#/regression?ver=1&solver=lasso_path&source=diabetes',
  },
  {
    id: 'reg-lars-breakpoints',
    lab: 'regression',
    title: 'LARS: the exact path and its breakpoints',
    blurb:
      'LARS with the lasso modification finds the path exactly, as a piecewise-linear function with one breakpoint per event. On diabetes one variable (s3) leaves the model and comes back: the only event where the plain LARS path and the Lasso path differ.',
    hash: '#/regression?ver=1&solver=lars_lasso&source=diabetes',
  },
  {
    id: 'reg-random-supports',
    lab: 'regression',
    title: 'Random vs adversarial supports (exploratory preconditioner)',
    blurb:
      'The setting of “Sparse linear regression is easy on random supports”: a grouped near-collinear design (d = 120 in 8 groups, n = 150), w* the worst direction on its support (k = 6). The certificate ρ(S) for D = I is ‖w*‖₁: median about 173 on random supports and 241 on adversarial ones (all in one group). The lab’s exploratory spectral-band dictionary — not the paper’s algorithm — brings it to about 1.8 and 2.7, and its Lasso predicts in-sample with error about 0.001–0.002 at the theory λ where the plain Lasso’s is about 0.96–0.99.',
    hash: '#/regression?ver=1&study=supports&solver=precond_lasso&design=grouped&groups=8&d=120&n=150&s=6&sigma=0.02&trials=4',
  },
  {
    id: 'reg-precond-vs-n',
    lab: 'regression',
    title: 'Preconditioned Lasso vs Lasso, OMP and IHT against n',
    blurb:
      'In-sample prediction error against n on the grouped design (d = 120, k = 6, σ = 0.02, a random support, worst direction). From n = 40 to 160 the exploratory preconditioned Lasso falls from about 4e-4 to 1.3e-4 (oracle λ) and 7e-3 to 1.3e-3 (theory λ); the Lasso goes from 0.06 to 0.03 (oracle) and stays near 0.8–1 (theory); OMP reaches 0.03 at n = 160, IHT stays near 0.9. Raise σ to 0.3 to watch the gap close.',
    hash: '#/regression?ver=1&study=sweep_n&solver=precond_lasso&design=grouped&groups=8&d=120&s=6&sigma=0.02&nMin=40&nMax=160&points=3&trials=1',
  },
  {
    id: 'reg-ldp-vs-d',
    lab: 'regression',
    title: 'Local privacy: error against the dimension d',
    blurb:
      'Half a million users, ε = 1, a 1-sparse w*, d from 4 to 32, the three estimators of arXiv 2310.07367 (as this lab reads them) on one chart. The non-interactive estimator, which privatises the covariance, goes from about 0.013 to 0.93 (near the trivial ‖w*‖ = 1); with public unlabeled x’s only the cross term is privatised and the error stays between 0.09 and 0.19, so the public data’s advantage grows from none to 5× across d. LDP-IHT is worst here (0.32 to 2.2): the separations the bounds promise for interaction need far more users. The dashed guides are the stated orders, anchored at each first point.',
    hash: '#/regression?ver=1&study=sweep_d&solver=ldp_ni&s=1&sigma=0.1&dMin=4&dMax=32&points=4&trials=1&ldpN=500000',
  },
  {
    id: 'reg-kron-sbl',
    lab: 'regression',
    title: 'Kronecker SBL against plain SBL',
    blurb:
      'x = x₁ ⊗ x₂ with 3 nonzeros per factor (9 in 256), measured through A ⊗ B (64 × 256). KroSBL learns γ = γ₁ ⊗ γ₂ through the two 8 × 16 factors: NMSE about 6e-5, all 9 nonzeros and no false positives in about 60 iterations and well under a second. Plain EM SBL on the dense 64 × 256 matrix is still at NMSE about 0.007 with 240-odd unpruned coefficients after its 100 iterations (over 100 times slower per iteration); OMP with k = 9 reaches about 0.3.',
    hash: '#/regression?ver=1&solver=kron_sbl&kronM=8&kronN=16&sigma=0.05',
  },
  {
    id: 'reg-phase-omp',
    lab: 'regression',
    title: 'Donoho–Tanner phase transition',
    blurb:
      'Over a grid of undersampling δ = n/d and sparsity ρ = k/n, solve many random problems and colour each cell by how often the support is recovered. Success and failure are split by a sharp edge; the theoretical ℓ1 (basis pursuit) curve is drawn on top, and greedy OMP’s edge lies below it (around ρ ≈ 0.25 at d = 50). On WebGPU, every problem of the grid is solved in one batched dispatch.',
    hash: '#/regression?ver=1&study=phase&solver=omp&cells=12&trials=8',
  },
  {
    id: 'reg-support-recovery',
    lab: 'regression',
    title: 'The Lasso finds the support, and pays for it',
    blurb:
      'A 10-sparse signal in 200 dimensions from 100 noisy measurements. At α = 0.1 the Lasso finds all ten true coefficients but adds eight false positives; switch the α rule to theory and they vanish, at the price of shrunken estimates. The stem plot labels true positives, false positives and misses.',
    hash: '#/regression?ver=1&solver=lasso&n=100&d=200&s=10',
  },
  {
    id: 'reg-privacy-eps',
    lab: 'regression',
    title: 'What privacy costs: error vs ε',
    blurb:
      'Sparse regression under local differential privacy: every user privatises their own data before the server sees it. The estimation error falls like 1/ε as the privacy budget grows, parallel to the paper’s rate d√k/(√n·ε); the dashed line is its lower bound. Which constants and mechanisms are our reading of the paper is said under the chart.',
    hash: '#/regression?ver=1&study=sweep_eps&solver=ldp_ni',
  },
  {
    id: 'reg-lasso-rate',
    lab: 'regression',
    title: 'The Lasso’s error rate against n',
    blurb:
      'With α set by theory (α ∝ σ√(log d / n)), the ℓ2 error falls like √(k log d / n): a slope of −1/2 on the log–log chart, parallel to the guide line. Switch the α rule to fixed and the error stops falling: a fixed penalty leaves a bias floor.',
    hash: '#/regression?ver=1&study=sweep_n&solver=lasso',
  },
  // Sparse autoencoders
  {
    id: 'sae-topk-superposition',
    lab: 'sae',
    title: 'TopK recovers features in superposition',
    blurb:
      '64 sparse features squeezed into 16 dimensions. A TopK autoencoder with 128 latents and k = 4 learns decoder atoms that line up with the true features: watch the mean max cosine similarity climb past 0.9 as it trains, and the recovery matrix fill its diagonal.',
    hash: '#/sae?ver=1&model=topk',
  },
  {
    id: 'sae-l1-shrinkage',
    lab: 'sae',
    title: 'L1 shrinkage vs TopK',
    blurb:
      'The same data with a ReLU autoencoder and an L1 penalty in its April-2024 form (free decoder norms, penalty λΣf_i‖d_i‖). It recovers the features too (mean max cosine about 0.97), but the penalty shrinks every code towards zero, and the dark-matter panel shows it: most of its error is a linear function of the input (about 80%, against about 20% for TopK), at normalised MSE about 0.35 (TopK: 0.18) and L0 about 9 (TopK: 4).',
    hash: '#/sae?ver=1&model=relu_l1',
  },
  {
    id: 'sae-darkmatter-sizes',
    lab: 'sae',
    title: 'Dark matter across SAE sizes',
    blurb:
      'TopK SAEs with 16, 64 and 256 latents on the same toy data (k = 4, 800 steps each). Bigger dictionaries reconstruct better (normalised MSE about 0.32, 0.21, 0.19) and less of their error is a linear function of the input (about 45%, 23%, 20%), but the samples a small SAE reconstructs badly are largely the ones a big one does: their error norms correlate at about 0.74 between 16 and 256 latents.',
    hash: '#/sae?ver=1&study=darkmatter&sweepPoints=3&steps=800&latents=64',
  },
  {
    id: 'sae-l1-2023',
    lab: 'sae',
    title: 'ReLU-L1: the 2023 unit-norm form',
    blurb:
      'The Towards-Monosemanticity form: the encoder subtracts b_dec first and every decoder atom is put back to unit norm after each step, so the penalty is plain λΣf_i. At the same λ it fires more latents than the April-2024 form (L0 about 10.6 against about 9) and recovers fewer features (about 95% against 98%, mean max cosine 0.95 against 0.97). This lab does not resample dead neurons as the 2023 paper did.',
    hash: '#/sae?ver=1&model=relu_l1_unit',
  },
  {
    id: 'sae-auxk-dead',
    lab: 'sae',
    title: 'Dead latents and how AuxK revives them',
    blurb:
      'A learning rate of 0.05 knocks out about half of the 128 latents: they stop firing and stop learning (the dead-latents curve climbs to about 60). Now set AuxK latents back to 64: the auxiliary loss trains dead latents on the unexplained residual, and most of them come back (about 16 dead).',
    hash: '#/sae?ver=1&model=topk&lr=0.05&steps=600&auxK=0',
  },
  {
    id: 'sae-frontier',
    lab: 'sae',
    title: 'The L0–MSE frontier',
    blurb:
      'Train a small SAE per sparsity level, k for TopK and λ for ReLU-L1, and plot normalised MSE against L0: one curve per architecture, points appearing as the runs finish. At the same L0, the curve further down is the better autoencoder.',
    hash: '#/sae?ver=1&study=frontier&steps=400',
  },
  {
    id: 'sae-digits-atoms',
    lab: 'sae',
    title: 'Digits: decoder atoms as images',
    blurb:
      'An SAE on the 8×8 pixels of 1797 handwritten digits: every decoder atom is drawn as an image, with the samples that activate it most. Strokes, loops and parts of digits appear; pick a latent to see which digits use it.',
    hash: '#/sae?ver=1&data=digits&latents=64&k=8&steps=1000',
  },
];

export function presetsFor(lab: string): Preset[] {
  return PRESETS.filter((p) => p.lab === lab);
}

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
      'On a realistic local head (RoPE, local decay), keeping the top 10% of key blocks per query block (plus the diagonal and the sink block) keeps about 95% of the attention mass, relative error about 0.07, for under 20% of dense FLOPs. The mask overlay shows which blocks were computed.',
    hash: '#/attention?ver=1&causal=0&data=rope_local&n=512&rho=0.1&sweep=0',
  },
  {
    id: 'attn-window-sinks',
    lab: 'attention',
    title: 'A sliding window needs its attention sinks',
    blurb:
      'On an A-shape head the first tokens soak up a large share of every query’s attention. A 64-token window without them keeps only about 44% of the mass and the output is wrong (relative error about 0.9); add four sink tokens (the sinks control) and the error falls to about 0.005 at the same cost.',
    hash: '#/attention?ver=1&method=window&data=a_shape&sinks=0&sweep=0',
  },
  {
    id: 'attn-sla-rank',
    lab: 'attention',
    title: 'SLA: the large weights are high rank, the rest low rank',
    blurb:
      'A realistic retrieval-style head (topic blocks, sinks, RoPE). Split the attention matrix into its largest 5% of weights and the remainder: 99% of the energy needs about 275 singular values for the large weights but about 54 for the rest — the observation behind SLA. With the paper’s sum and a projection fitted on a quarter of the rows, the linear branch cuts the sparse-only held-out error about in half (≈ 0.78 → 0.42); the untrained identity projection makes it worse (≈ 0.91). At this short causal length the critical blocks hold only about half the mass, so the error stays high.',
    hash: '#/attention?ver=1&method=sla&data=block_clusters&n=512&kh=5&kl=0&combine=sum&featureMap=softmax&sweep=0&backend=cpu',
  },
  {
    id: 'attn-real-block-sparse',
    lab: 'attention',
    title: 'Real attention is block-sparse',
    blurb:
      'The chart: the share of attention mass in the top 10% of 64-token key blocks, for N = 512 to 4096, on heads built from the patterns measured in real models (sinks, A-shape, vertical-slash, topic blocks, 3D video locality) against i.i.d. Gaussian Q/K. At N = 4096 the realistic heads keep 0.91–0.99 of their mass there (the video heads reach it only at long sequences: about 0.6 at N = 512, where the 4×4×4-tile order helps); Gaussian data falls to about 0.13. On the A-shape head, block-sparse attention at ρ = 0.1 keeps about 98% of the mass with relative error about 0.04 at 15% of dense FLOPs.',
    hash: '#/attention?ver=1&data=a_shape&n=1024&rho=0.1&massCurve=1&sweep=0&backend=cpu',
  },
  {
    id: 'attn-sla-95',
    lab: 'attention',
    title: 'SLA at 95%: what a fitted linear branch adds, and what needs training',
    blurb:
      'A video-DiT-like head (3D locality, N = 2048), 95% block sparsity, the paper’s O_s + Proj(O_l) with the softmax feature map. Held-out relative error: the sparse part alone (Proj = 0, the paper’s initialisation) about 0.12; Proj fitted by ridge regression on a quarter of the rows about 0.10; Proj = identity about 0.79. Without training the linear branch removes only a sixth of the sparse error: the near-dense quality the paper reports at this sparsity needs its fine-tuning, which this lab does not do.',
    hash: '#/attention?ver=1&method=sla&causal=0&data=video3d&n=2048&kh=4.6&kl=0&combine=sum&featureMap=softmax&sweep=0&backend=cpu',
  },
  {
    id: 'attn-llsa-cost',
    lab: 'attention',
    title: 'LLSA: selection cost against N',
    blurb:
      'Flat block top-k scores every pair of 16-token blocks, so its selection cost grows as N²; LLSA’s hierarchical top-k scores all blocks only at the coarsest level and then K·16 children, so it grows about linearly (the chart, up to N = 131072). Measured here (N = 2048, L = 2, K = 4, training-free): half the selection multiply-adds of flat top-k, and its picks hold about 0.44 of the dense mass against 0.52 for the best possible K blocks; relative error about 0.11 at 7% of dense FLOPs.',
    hash: '#/attention?ver=1&method=llsa&causal=0&data=video3d&n=2048&llsaLevels=2&llsaK=4&sweep=0&backend=cpu',
  },
  {
    id: 'attn-hybrid',
    lab: 'attention',
    title: 'Per-head hybrid: window for local heads, sparse for the rest',
    blurb:
      'Four heads with different patterns (local, retrieval, sink-heavy, vertical-slash). The auto rule gives a head the sliding window when its window + sink mass reaches 0.9 and block-sparse attention otherwise. The table lists each head’s choice; the chart puts the mix (relative error about 0.10 at 19% of dense FLOPs) beside all heads block-sparse (about 0.10 at 25%) and all dense. A single layer cannot show what training with such a mix gains.',
    hash: '#/attention?ver=1&data=mixed_heads&heads=4&n=1024&hybrid=auto&sweep=0&backend=cpu',
  },
  {
    id: 'attn-error-budget',
    lab: 'attention',
    title: 'Error budget: the cheapest method for cosine ≥ 0.99',
    blurb:
      'On a vertical-slash head the tuner bisects each method’s knob for the cheapest setting with cosine ≥ 0.99; its steps appear in the error-vs-compute chart. Block-sparse top-k needs ρ = 0.4 (about half the FLOPs), HiP k = 64, the window the whole sequence; linear and log-linear attention cannot reach it at any setting. Each winner has a link.',
    hash: '#/attention?ver=1&data=vertical_slash&n=512&tune=cosine:0.99&sweep=0&backend=cpu',
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
    id: 'sae-polysae-interactions',
    lab: 'sae',
    title: 'PolySAE: interactions are not co-occurrence',
    blurb:
      'PolySAE’s general form (separate projections per order, ranks 12/6/3, AuxK) on toy data with four correlated pairs (b fires with a) and three compositional pairs (when a and b both fire, x gains a third feature). The scatter plots each co-active latent pair’s interaction strength against how often the pair fires together: the correlation is near zero (r ≈ 0.05), as the paper reports for language models (0.06). The planted pairs do not stand out at this size: compositional and correlated pairs both sit near the middle by strength (on average in the top 58% and 62%), with about half the true features recovered.',
    hash: '#/sae?ver=1&model=polysae&corrPairs=4&compPairs=3&features=18&dims=16&latents=32&k=4&rank=12&rank2=6&rank3=3&steps=800&samples=4096',
  },
  {
    id: 'sae-digits-atoms',
    lab: 'sae',
    title: 'Digits: decoder atoms as images',
    blurb:
      'An SAE on the 8×8 pixels of 1797 handwritten digits: every decoder atom is drawn as an image, with the samples that activate it most. Strokes, loops and parts of digits appear; pick a latent to see which digits use it.',
    hash: '#/sae?ver=1&data=digits&latents=64&k=8&steps=1000',
  },
  // Pruning
  {
    id: 'prune-24-vs-unstructured',
    lab: 'pruning',
    title: '2:4 vs unstructured at 50%',
    blurb:
      'Every method at 10–90% sparsity on one layer with correlated inputs, plus 2:4 and 4:8 at 50%. The same 50% costs more as 2:4 than unstructured for every method (magnitude about 0.37 vs 0.27, SparseGPT about 0.20 vs 0.17): a group of four has less freedom than a whole row. 4:8 sits between them. SparseGPT, which updates the remaining weights, is lowest throughout.',
    hash: '#/pruning?ver=1&study=sweep&data=correlated&rows=32&cols=96&tokens=384&heldTokens=96',
  },
  {
    id: 'prune-wanda-outliers',
    lab: 'pruning',
    title: 'Wanda vs magnitude on outlier activations',
    blurb:
      'Eight input channels are 20× larger than the rest, as in LLM activations. Wanda scores |W|·‖X_col‖, keeps the weights on those channels and loses about 0.08 of the output (held-out relErr); switch Method to Magnitude and the error jumps to about 0.27, because small weights on huge inputs are pruned. The score distribution shows the two populations.',
    hash: '#/pruning?ver=1&method=wanda',
  },
  {
    id: 'prune-sparsegpt-update',
    lab: 'pruning',
    title: 'SparseGPT’s weight update',
    blurb:
      'On strongly correlated inputs at 2:4, SparseGPT’s OBS update spreads each pruned weight’s error over the columns not yet visited: held-out relErr about 0.13, against 0.30 for the same mask without the update (relErrMaskOnly) and 0.36 for Wanda. Set “SparseGPT: mask” to Wanda’s: the update alone takes Wanda’s mask from 0.36 to about 0.21. Both the mask and the update matter.',
    hash: '#/pruning?ver=1&method=sparsegpt&pattern=2:4&data=correlated',
  },
  {
    id: 'prune-gradual-vs-oneshot',
    lab: 'pruning',
    title: 'Gradual vs one-shot pruning',
    blurb:
      'The digits MLP pruned to 90% by magnitude: one-shot at mid-training falls to about 0.64 test accuracy before fine-tuning and recovers to about 0.93 after; gradual magnitude pruning (cubic schedule) ends closest to dense (about 0.95 vs 0.965). The soup of three fine-tunes sharing the one-shot mask keeps its sparsity exactly; at this scale it matches the average ingredient, not the best.',
    hash: '#/pruning?ver=1&study=training&data=digits_mlp&sparsity=0.9&epochs=12',
  },
  {
    id: 'prune-kernel-saves',
    lab: 'pruning',
    title: 'What a sparse kernel saves',
    blurb:
      'A layer pruned to 90% by Wanda, multiplied with 512 held-out tokens by a CSR kernel and by our dense tiled matmul on the same adapter. The ideal is 10× fewer multiply-adds and the weights take about 80% less memory; the measured speed-up is lower (irregular reads), and on a software adapter only the ratio means anything. Try pattern 2:4 for the compressed N:M kernel (ideal 2×).',
    hash: '#/pruning?ver=1&method=wanda&sparsity=0.9&heldTokens=512',
  },
];

export function presetsFor(lab: string): Preset[] {
  return PRESETS.filter((p) => p.lab === lab);
}

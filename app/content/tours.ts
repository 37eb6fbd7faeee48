/** Guided tours: ordered steps, each a state of the lab with narration, optionally a prediction checkpoint. */
import type { Tour } from './types';

export const TOURS: Tour[] = [
  {
    id: 'attention-retrieval',
    lab: 'attention',
    title: 'What sparse and linear attention keep',
    steps: [
      {
        hash: '#/attention?ver=1&method=dense&causal=0&data=needle&n=256&sweep=0&lock=data,n',
        narration:
          'Needle retrieval: every query has exactly one key that carries its answer. Dense softmax attention puts nearly all of each row’s weight on that key: one bright cell per row of the map.',
      },
      {
        hash: '#/attention?ver=1&method=linear&causal=0&data=needle&n=256&sweep=0&lock=data,n',
        narration: 'Now linear attention with the elu+1 feature map, on the same Q, K and V.',
        highlight: 'method',
        question: 'Will linear attention find the needle?',
        answer:
          'No. Its kernel cannot be sharp enough: the weight spreads over every key, the relative error is about 1 and the cosine with dense output about 0.1. Every row in the error strip fails.',
      },
      {
        hash: '#/attention?ver=1&method=window&data=sinks&sinks=0&sweep=0',
        narration:
          'Other data: the first tokens attract much of every query’s attention (“attention sinks”). A sliding window of 64 recent tokens drops them.',
        highlight: 'sinks',
        question: 'What happens to the error if we keep just the first four tokens visible as well?',
        answer:
          'It falls from about 1 to about 0.1, at the same cost: the window plus four sinks keeps the mass that matters.',
      },
      {
        hash: '#/attention?ver=1&method=window&data=sinks&sinks=4&sweep=0',
        narration:
          'Window plus sinks: the mask overlay shows the band and the sink columns; the error strip is quiet again.',
      },
      {
        hash: '#/attention?ver=1&method=sla&data=block_clusters&n=512&kh=5&kl=0&combine=sum&featureMap=softmax&sweep=0&backend=cpu',
        narration:
          'Why combine sparse and linear attention? On a realistic head, split the attention matrix into its few largest weights and the rest: the singular values show the large part is high rank, the remainder low rank. SLA computes the first exactly and the second with linear attention.',
      },
    ],
  },
  {
    id: 'attention-papers',
    lab: 'attention',
    title: 'Checking sparse-attention papers’ claims',
    steps: [
      {
        hash: '#/attention?ver=1&data=a_shape&n=1024&rho=0.1&massCurve=1&sweep=0&backend=cpu',
        narration:
          'Sparse-attention papers rest on one measurement: a few key blocks hold most of the attention mass. The chart shows it for heads built from the patterns seen in real models, against i.i.d. Gaussian Q/K.',
        highlight: 'data',
        question: 'How much of the mass do the top 10% of key blocks hold for Gaussian Q/K?',
        answer:
          'About 13%: random data is diffuse, so any sparse method looks bad on it. The realistic heads keep about 90% or more.',
      },
      {
        hash: '#/attention?ver=1&method=sla&causal=0&data=video3d&n=2048&kh=4.6&kl=0&combine=sum&featureMap=softmax&sweep=0&backend=cpu',
        narration:
          'SLA at 95% sparsity, as the paper combines it: O_s + Proj(O_l). Compare the held-out errors of the three projections in the table.',
        highlight: 'projection',
        question: 'Does a projection fitted without training bring SLA near dense quality?',
        answer:
          'No: it takes the error from about 0.12 (sparse part alone) to about 0.10. The identity projection is far worse (about 0.79). The paper’s near-dense results need its fine-tuning.',
      },
      {
        hash: '#/attention?ver=1&method=llsa&causal=0&data=video3d&n=2048&llsaLevels=2&llsaK=4&sweep=0&backend=cpu',
        narration:
          'LLSA chooses blocks hierarchically: its selection cost grows about linearly in N where flat block top-k grows as N². The recall figures show what that costs in mass at this size.',
      },
      {
        hash: '#/attention?ver=1&data=vertical_slash&n=512&tune=cosine:0.99&sweep=0&backend=cpu',
        narration:
          'An error budget instead of a sparsity: for cosine ≥ 0.99, the tuner finds each method’s cheapest setting, or says it cannot meet it.',
        highlight: 'tune',
      },
    ],
  },
  {
    id: 'regression-lasso',
    lab: 'regression',
    title: 'The Lasso, from path to phase transition',
    steps: [
      {
        hash: '#/regression?ver=1&solver=lasso_path&source=diabetes',
        narration:
          'The Lasso path on the diabetes data: every coefficient as a function of the penalty α, from α_max (all zero, on the right) down to 0.001·α_max.',
        question: 'Which variable enters the model first?',
        answer:
          'BMI, then s5, then blood pressure: the variables most correlated with the remaining residual enter one by one.',
      },
      {
        hash: '#/regression?ver=1&solver=lars_lasso&source=diabetes',
        narration:
          'LARS computes the same path exactly, breakpoint by breakpoint. One variable, s3, leaves the model and re-enters: that drop is the lasso modification of LARS.',
      },
      {
        hash: '#/regression?ver=1&solver=lasso&n=100&d=200&s=10',
        narration:
          'Synthetic data where we know the truth: 10 non-zero coefficients out of 200, 100 noisy measurements. At α = 0.1 the Lasso finds all ten and adds false positives.',
        highlight: 'alphaRule',
      },
      {
        hash: '#/regression?ver=1&solver=lasso&n=100&d=200&s=10&alphaRule=theory',
        narration:
          'With the theoretical α ∝ σ√(log d / n) the false positives are gone; the estimates shrink towards zero instead.',
      },
      {
        hash: '#/regression?ver=1&study=phase&solver=omp&cells=12&trials=8',
        narration:
          'When is recovery possible at all? Over a grid of δ = n/d and ρ = k/n, the fraction of random problems whose support is recovered jumps from 1 to 0 across a sharp edge; the Donoho–Tanner curve marks where ℓ1 recovery fails.',
        question: 'Where will the edge be at δ = 0.5?',
        answer:
          'Near ρ ≈ 0.39 for ℓ1 recovery (the drawn curve); greedy OMP’s edge lies lower, around ρ ≈ 0.25 here.',
      },
    ],
  },
  {
    id: 'sae-superposition',
    lab: 'sae',
    title: 'An autoencoder finds features in superposition',
    steps: [
      {
        hash: '#/sae?ver=1&model=topk&lock=features,dims',
        narration:
          'Toy data: 64 sparse features, each active one time in ten, squeezed into 16 dimensions. More features than dimensions: they are in superposition. We train a TopK sparse autoencoder with 128 latents, four active per sample.',
        question: 'Can the autoencoder recover the 64 true directions?',
        answer:
          'Mostly, yes: the mean max cosine similarity between learned atoms and true features passes 0.9, and the recovery matrix shows a bright diagonal.',
      },
      {
        hash: '#/sae?ver=1&model=relu_l1',
        narration:
          'A ReLU autoencoder with an L1 penalty on the same data. Look at the dark-matter panel: most of its error is linearly predictable from the input, the signature of L1 shrinkage.',
        highlight: 'model',
      },
      {
        hash: '#/sae?ver=1&study=frontier&steps=400',
        narration:
          'Sparsity against reconstruction: one SAE per k (TopK) or λ (L1), plotted as normalised MSE against L0. Lower at the same L0 is better.',
      },
    ],
  },
  {
    id: 'pruning',
    lab: 'pruning',
    title: 'Pruning a layer: which weights, and what to do about the rest',
    steps: [
      {
        hash: '#/pruning?ver=1&method=magnitude&lock=data',
        narration:
          'A linear layer W (128 × 256) whose inputs have eight outlier channels, 20× larger than the rest, as in LLM activations. Magnitude pruning removes the 50% smallest |W|: held-out output error about 0.27.',
      },
      {
        hash: '#/pruning?ver=1&method=wanda&lock=data',
        narration: 'Wanda scores each weight by |W_ij|·‖X_:,j‖ and prunes per output row.',
        highlight: 'method',
        question: 'Same sparsity, same layer: will Wanda’s error be higher or lower than magnitude’s 0.27?',
        answer:
          'Much lower, about 0.08: the small weights on the outlier channels carry a large share of the output, and Wanda keeps them.',
      },
      {
        hash: '#/pruning?ver=1&method=wanda&pattern=2:4&data=correlated',
        narration:
          'Now inputs whose channels are strongly correlated, and a 2:4 pattern (2 of every 4 inputs kept, what sparse tensor cores accelerate). Wanda’s error is about 0.36: its score cannot see correlations.',
      },
      {
        hash: '#/pruning?ver=1&method=sparsegpt&pattern=2:4&data=correlated',
        narration:
          'SparseGPT chooses the mask column block by column block and updates the remaining weights to compensate (optimal brain surgeon with H = XᵀX).',
        highlight: 'method',
        question: 'Is it the mask or the update that helps?',
        answer:
          'Mostly the update: relErr about 0.13 with it, about 0.30 with SparseGPT’s own mask and no update (relErrMaskOnly).',
      },
      {
        hash: '#/pruning?ver=1&method=dsnot&data=relu&sparsity=0.6',
        narration:
          'DSnoT keeps the weights and only swaps pruned and kept ones within each row, to cancel the expected output shift Σ W_ij·μ_j. On post-ReLU inputs (non-zero means) it takes Wanda’s 0.24 to about 0.19; the chart shows each row’s shift before and after.',
      },
      {
        hash: '#/pruning?ver=1&method=wanda&sparsity=0.9&heldTokens=512',
        narration:
          'What does sparsity buy? The pruned layer is multiplied by held-out tokens with a CSR kernel and with our dense matmul: the kernel chart gives the measured speed-up beside the ideal (10× at 90%) and the memory saved.',
      },
    ],
  },
  {
    id: 'pipe',
    lab: 'matmul',
    title: 'How a kernel is checked',
    steps: [
      {
        hash: '#/matmul?ver=1&m=64&n=64&k=64&lock=m,n,k',
        narration:
          'Every kernel in SparseLab runs on WebGPU and is compared with a plain CPU implementation of the same maths. Here: a 64×64 matrix product.',
      },
      {
        hash: '#/matmul?ver=1&m=300&n=257&k=129&seed=3',
        narration:
          'Sizes that are not multiples of the tile are the usual place for bugs. Look at the parity badge.',
        highlight: 'm',
        question: 'Will the GPU result differ from the CPU reference by more than one part in ten thousand?',
        answer:
          'No: float32 rounding keeps the largest relative difference around 10⁻⁷, far below the 10⁻⁴ tolerance.',
      },
      {
        hash: '#/matmul?ver=1&m=300&n=257&k=129&seed=3&backend=cpu',
        narration:
          'The CPU backend runs the same experiment with the reference code: same seed, same data, same numbers.',
      },
    ],
  },
];

export function tourFor(id: string | undefined): Tour | undefined {
  return TOURS.find((t) => t.id === id);
}

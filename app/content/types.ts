/** Presets and tours: the shareable, teachable content of the labs. Each is plain data around a share URL. */

export interface Preset {
  id: string;
  /** Experiment id (the tab it opens). */
  lab: string;
  title: string;
  /** Two to four sentences: what to look at. */
  blurb: string;
  /** The share hash, e.g. `#/attention?ver=1&method=sla`. */
  hash: string;
}

export interface TourStep {
  /** The state this step shows (a share hash; `lock`/`hide` may be part of it). */
  hash: string;
  narration: string;
  /** A control to draw attention to (its field key). */
  highlight?: string;
  /** A checkpoint: the audience predicts before the answer is revealed on the next key press. */
  question?: string;
  answer?: string;
}

export interface Tour {
  id: string;
  lab: string;
  title: string;
  steps: TourStep[];
}

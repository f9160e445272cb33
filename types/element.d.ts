// Types for dist/pe-playground.js (import 'pe-playground/element'): the <pe-playground>
// element, plus the same engine API as the package's main entry.
import type { Engine } from './pe-playground.js';
export * from './pe-playground.js';

/** The element's state: every key of the page's URL hash (web/src/state.js). */
export interface PlaygroundState {
  a: string;
  b: string;
  scheme: string;
  vs: string;
  dim: number;
  heads: number;
  seed: number;
  causal: boolean;
  shift: number;
  head: number;
  len: number;
  train: number;
  view: 'order' | 'heatmaps' | 'adds' | 'distance' | 'length' | 'explain' | 'lab';
  embed: boolean;
  hide: Array<'controls' | 'sentences' | 'title' | 'exports'>;
  trained: boolean;
  layer: number;
  settings: Record<string, Record<string, string>>;
  [labKey: `lab.${string}`]: unknown;
}

export interface PlaygroundChangeDetail {
  state: PlaygroundState;
  /** The state as hash text (the page's #... without '#'). */
  hash: string;
}

/** What the shown view exports (as the page's PNG/SVG/CSV/JSON buttons get it). */
export interface PlaygroundExport {
  name: string;
  title: string;
  svgs: SVGSVGElement[];
  csv: string;
  json: unknown;
}

export class PePlayground extends HTMLElement {
  /** Resolves after the first render (rejects when the engine cannot start). */
  readonly ready: Promise<void>;
  /** The engine shared by every element of the page (null until ready). */
  readonly engine: Engine | null;
  readonly state: PlaygroundState | undefined;
  exportable(): PlaygroundExport | null;
  addEventListener(type: 'change', listener: (e: CustomEvent<PlaygroundChangeDetail>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

/** Defines the element under `name` (default 'pe-playground'; done on import). */
export function definePlayground(name?: string): typeof PePlayground;

declare global {
  interface HTMLElementTagNameMap {
    'pe-playground': PePlayground;
  }
}

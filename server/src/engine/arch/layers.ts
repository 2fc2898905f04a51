import type { Op, Origin } from './graph.js';

/**
 * A network as a layer list, what the graph builder reads (`graphFromLayers`). The language's
 * model statements are layer lists located by source spans (`LayerDecl = Layer<Span>`); a
 * genotype lowers to one located by labels (`layer 2.1`), so neither goes through the other.
 */
export type Layer<L extends Origin = Origin> =
  | { readonly kind: 'op'; readonly span: L; readonly op: Op }
  | {
      readonly kind: 'merge';
      readonly span: L;
      readonly mode: 'add' | 'concat';
      readonly paths: readonly (readonly Layer<L>[])[];
    }
  /** A layer that did not lower (already reported): shapes after it are unknown, so nothing more is checked. */
  | { readonly kind: 'invalid'; readonly span: L };

/**
 * Links into the method notes (docs/methods.md, served by the built site as methods.html, see
 * scripts/methods-page.ts). Anchors come from code tables (the spec's `optionDocs`, LAB_DOCS below), never
 * from the URL.
 */
import { METHODS_PAGE } from '../../scripts/methods-page-name';

/** Each lab's section of docs/methods.md. */
export const LAB_DOCS: Record<string, string> = {
  attention: 'attention-lab',
  regression: 'sparse-regression-lab',
  sae: 'sparse-autoencoder-lab',
  matmul: 'matmul-check',
  pruning: 'pruning-lab-weight-and-activation-sparsity',
};

export const methodNotesHref = (anchor?: string): string =>
  anchor ? `${METHODS_PAGE}#${encodeURIComponent(anchor)}` : METHODS_PAGE;

export function MethodNotes({ anchor, children }: { anchor?: string; children?: string }) {
  return (
    <a className="method-notes" href={methodNotesHref(anchor)} target="_blank" rel="noopener">
      {children ?? 'Method notes'}
    </a>
  );
}

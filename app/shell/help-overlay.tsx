/** The `?` overlay: what the lab is for, keyboard shortcuts and what the badges mean. */
import { useEffect, useRef } from 'react';
import { useLab } from '../store/context';
import { LAB_DOCS, MethodNotes } from './method-notes';

export const SHORTCUTS: Array<[string, string]> = [
  ['?', 'Show or hide this help'],
  ['1 – 9', 'Switch lab'],
  ['R', 'Run again'],
  ['P', 'Pause / resume a training run'],
  ['Esc', 'Cancel the run / close this help'],
  ['S', 'Copy the share link'],
  ['T', 'Light / dark theme'],
  ['L', 'Large text (projector)'],
];

export function HelpOverlay() {
  const open = useLab((s) => s.help);
  const setHelp = useLab((s) => s.setHelp);
  const page = useLab((s) => s.page);
  const experiment = useLab((s) => s.experiment);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-title" onClose={() => setHelp(false)}>
      <h2 id="help-title">What SparseLab is for</h2>
      <p data-testid="help-about">
        SparseLab lets you see what sparsity and linearity do to attention, sparse regression and sparse
        autoencoders: each method runs next to its dense baseline on the same data, on your GPU through WebGPU
        or on the CPU. Every run is a share link, and “Export → Python” turns it into a script that recomputes
        it in PyTorch or scikit-learn and checks itself, so a finding here can move into your own code.
      </p>
      <h3>Keyboard shortcuts</h3>
      <table>
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <th scope="row">
                <kbd>{k}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        The badge at the top names the WebGPU adapter the compute worker found; “software” means a CPU
        implementation such as SwiftShader (right answers, slow). Every WebGPU result is compared with the CPU
        reference; the parity badge shows the largest relative difference.
      </p>
      <p data-testid="help-method-notes">
        What each method computes, its paper, where its reference, kernel and tests are, and where the lab
        departs from the paper:{' '}
        <MethodNotes anchor={page === 'lab' ? LAB_DOCS[experiment] : undefined}>
          {page === 'lab' && LAB_DOCS[experiment] ? 'method notes for this lab' : 'method notes'}
        </MethodNotes>
        . Each method’s control also links to its own section.
      </p>
      <button type="button" onClick={() => setHelp(false)}>
        Close
      </button>
    </dialog>
  );
}

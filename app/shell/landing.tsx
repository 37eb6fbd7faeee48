/** The landing page: the labs in one screen, the preset gallery and the tours. */
import { PRESETS } from '../content/presets';
import { TOURS } from '../content/tours';
import { LABS } from '../panels/registry';
import { useLab, useRuntime } from '../store/context';
import { stepHash } from './presenter';

export function Landing() {
  const { store } = useRuntime();
  const setExperiment = useLab((s) => s.setExperiment);
  const open = (hash: string) => store.getState().loadLocation(hash);
  return (
    <div className="landing">
      <section className="intro">
        <h2>An interactive lab for sparsity and linearity in machine learning</h2>
        <p>
          Each lab runs real kernels on your GPU through WebGPU, in a worker, and checks them against a plain
          CPU reference. Change a parameter and the experiment runs again; share the address and the same
          experiment opens elsewhere, with the same data and numbers. Bring your own <code>.npy</code> or CSV,
          or run any link headless with <code>npx sparselab run</code>.
        </p>
      </section>
      <section className="lab-cards" aria-label="Labs">
        {LABS.map((l) => (
          <article key={l.id} className="card">
            <h3>{l.title}</h3>
            <p>{l.blurb}</p>
            <button type="button" onClick={() => setExperiment(l.id)}>
              Open {l.title}
            </button>
          </article>
        ))}
      </section>
      <section aria-labelledby="gallery-title">
        <h2 id="gallery-title">Presets</h2>
        <div className="gallery">
          {PRESETS.map((p) => (
            <a
              key={p.id}
              className="card preset"
              href={p.hash}
              data-testid={`preset-${p.id}`}
              onClick={(e) => {
                e.preventDefault();
                open(p.hash);
              }}
            >
              <img
                src={`presets/${p.id}.jpg`}
                alt=""
                loading="lazy"
                onError={(e) => e.currentTarget.remove()}
              />
              <h3>{p.title}</h3>
              <p>{p.blurb}</p>
              <span className="tag">{LABS.find((l) => l.id === p.lab)?.title ?? p.lab}</span>
            </a>
          ))}
        </div>
      </section>
      <section aria-labelledby="tours-title">
        <h2 id="tours-title">Guided tours</h2>
        <ul className="tours">
          {TOURS.map((t) => (
            <li key={t.id}>
              <strong>{t.title}</strong> ({t.steps.length} steps){' '}
              <button type="button" onClick={() => open(stepHash(t, 0, false))}>
                Start
              </button>{' '}
              <button
                type="button"
                onClick={() => open(stepHash(t, 0, true))}
                data-testid={`present-${t.id}`}
              >
                Present
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

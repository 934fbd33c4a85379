// Misclassified test images with their true class and top-3 predictions. Pixels come from the engine in
// batches (link.ts loadImages), so a tile without them shows its index until they arrive.
import { useEffect } from 'react';
import type { EvaluateResult } from '../../../../engine/protocol';
import type { Misclassified } from './evaluation';
import { loadImages } from './link';
import { SampleImage } from './SampleImage';
import { useDebug } from './store';

export function Gallery({ r, items, testid }: { r: EvaluateResult; items: Misclassified[]; testid: string }) {
  const images = useDebug((s) => s.images);
  const key = items.map((m) => m.index).join(',');
  // Keyed by the indices shown, not the list object (recomputed on every render of the parent).
  useEffect(() => {
    void loadImages(key ? key.split(',').map(Number) : []);
  }, [key]);
  return (
    <div className="gallery" data-testid={testid} data-count={items.length}>
      {items.map((m) => {
        const img = images[m.index];
        return (
          <figure key={m.index} className="gallery-item" data-testid="gallery-item" data-index={m.index}>
            {img ? (
              <SampleImage data={img.data} shape={img.shape} size={56} />
            ) : (
              <span className="sample-image pending">#{m.index}</span>
            )}
            <figcaption>
              <div className="truth" title="true class">
                {r.classes[m.label]}
              </div>
              {m.top.map((t, k) => (
                <div key={k} className={k === 0 ? 'top1' : 'muted'}>
                  {r.classes[t.cls]} {(t.prob * 100).toFixed(0)}%
                </div>
              ))}
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}

// The banner that offers unsaved work of windows that are gone (recovery.ts), one row per copy.
import { useEffect, useState } from 'react';
import { loadDoc } from './files';
import { removeCopy, watchOrphans, type RecoveryCopy } from './recovery';

type Offer = RecoveryCopy & { done: () => void };

export function RecoveryBanner() {
  const [offers, setOffers] = useState<Offer[]>([]);
  useEffect(
    () =>
      watchOrphans((copy, done) =>
        setOffers((o) => (o.some((x) => x.key === copy.key) ? o : [...o, { ...copy, done }])),
      ),
    [],
  );
  if (!offers.length) return null;
  // Either way the copy is settled: restored work lives on as this window's own copy; discarded is gone.
  const settle = (offer: Offer, restore: boolean) => {
    if (restore) loadDoc(offer.doc, { name: null, path: null });
    removeCopy(offer.key);
    offer.done();
    setOffers((o) => o.filter((x) => x.key !== offer.key));
  };
  return (
    <div data-testid="recovery">
      {offers.map((offer) => (
        <div className="banner" data-testid="recovery-item" data-key={offer.key} key={offer.key}>
          Unsaved work from {new Date(offer.at).toLocaleString()} ({offer.doc.name}) was recovered.
          <button className="btn btn-primary" onClick={() => settle(offer, true)}>
            Restore
          </button>
          <button className="btn" onClick={() => settle(offer, false)}>
            Discard
          </button>
        </div>
      ))}
    </div>
  );
}

// The confusion matrix with class names: rows are true classes, columns predictions; a cell's colour is its
// share of the row. A click picks the cell (its misclassified samples are listed beside it).
import type { EvaluateResult } from '../../../../engine/protocol';
import { colorOf, scale } from './colormap';
import { cell, shareOfRow } from './evaluation';

const S = scale(0, 1);

export function Confusion(props: {
  r: EvaluateResult;
  picked: { i: number; j: number } | null;
  onPick(c: { i: number; j: number }): void;
}) {
  const { r, picked, onPick } = props;
  const C = r.classes.length;
  return (
    <div className="confusion-wrap">
      <table className="confusion" data-testid="confusion">
        <thead>
          <tr>
            <th className="corner">true ↓ · predicted →</th>
            {r.classes.map((c, j) => (
              <th key={j} className="pred" title={c}>
                <span>{c}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: C }, (_, i) => (
            <tr key={i}>
              <th className="true" title={r.classes[i]}>
                {r.classes[i]}
              </th>
              {Array.from({ length: C }, (_, j) => {
                const share = shareOfRow(r, i, j);
                const on = picked?.i === i && picked.j === j;
                return (
                  <td
                    key={j}
                    className={`${i === j ? 'diag' : ''} ${on ? 'picked' : ''}`}
                    style={{
                      background: cell(r, i, j) ? colorOf(S, share) : undefined,
                      color: !cell(r, i, j) ? undefined : share > 0.55 ? '#111' : '#fff',
                    }}
                    data-testid={`confusion-${i}-${j}`}
                    data-count={cell(r, i, j)}
                    title={`${cell(r, i, j)} × ${r.classes[i]} predicted as ${r.classes[j]}`}
                    onClick={() => onPick({ i, j })}
                  >
                    {cell(r, i, j) || ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

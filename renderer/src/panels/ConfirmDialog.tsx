// The unsaved-changes guard's question. Cancel (the default, also Escape or a click outside) keeps the
// document exactly as it is; "Discard" goes on with what the user asked for (New, Open, a template).
import { useUi } from '../app/store';
import { saveFile } from '../app/files';

export function ConfirmDiscardDialog() {
  const pending = useUi((s) => s.pending);
  const cancel = () => useUi.getState().set({ dialog: null, pending: undefined });
  const discard = () => {
    cancel();
    pending?.then();
  };
  const saveFirst = async () => {
    cancel();
    await saveFile();
    pending?.then();
  };
  return (
    <div className="dialog-backdrop" onClick={cancel}>
      <div
        className="dialog confirm"
        role="alertdialog"
        aria-label="Unsaved changes"
        data-testid="confirm-discard"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>Unsaved changes</h2>
        </header>
        <p>This network has changes that are not saved. Discard them to {pending?.what ?? 'continue'}?</p>
        <div className="row">
          <button className="btn" data-testid="confirm-save" onClick={() => void saveFirst()}>
            Save first
          </button>
          <span className="spacer" />
          <button className="btn" data-testid="confirm-cancel" autoFocus onClick={cancel}>
            Cancel
          </button>
          <button className="btn btn-danger" data-testid="confirm-discard-ok" onClick={discard}>
            Discard changes
          </button>
        </div>
      </div>
    </div>
  );
}

// Asks before a delete, and whether the instance's data goes with it: kept by default, like the
// API's own default, so a re-create with the same user id finds it again.
import { useEffect, useRef, useState } from 'preact/hooks';

export interface DeleteDialogProps {
  readonly userId: string;
  readonly onCancel: () => void;
  readonly onConfirm: (keepData: boolean) => void;
}

export function DeleteDialog({ userId, onCancel, onConfirm }: DeleteDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [keepData, setKeepData] = useState(true);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} class="delete-dialog" aria-labelledby="delete-title" onCancel={onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm(keepData);
        }}
      >
        <h2 id="delete-title">Delete {userId}?</h2>
        <p>Its gateway stops and its objects are removed.</p>
        <fieldset>
          <legend>Its data</legend>
          <label>
            <input type="radio" name="data" value="keep" checked={keepData} onChange={() => setKeepData(true)} />
            Keep the data: creating <code>{userId}</code> again picks it up
          </label>
          <label>
            <input type="radio" name="data" value="delete" checked={!keepData} onChange={() => setKeepData(false)} />
            Delete the data too (WhatsApp link, sessions, files): this cannot be undone
          </label>
        </fieldset>
        <div class="dialog-buttons">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" class="danger">{keepData ? 'Delete, keep data' : 'Delete with data'}</button>
        </div>
      </form>
    </dialog>
  );
}

// The sign-in form. The key is read from the field at submit, sent once and cleared from the page:
// from then on the browser holds only a session cookie that scripts cannot read.
import { useState } from 'preact/hooks';
import type { ConsoleSessionView } from '../../contracts/console-session.js';
import { ApiError, signIn } from './console-api.js';

export interface SignInProps {
  /** Why the console is signed out, when it was not by choice. */
  readonly reason: string | undefined;
  readonly onSignedIn: (session: ConsoleSessionView) => void;
}

function refusal(err: unknown): string {
  if (!(err instanceof ApiError)) return 'The manager could not be reached.';
  if (err.status === 429) return `Too many failed attempts; try again in ${err.retryAfter ?? 'a few'} s.`;
  return err.message;
}

export function SignIn({ reason, onSignedIn }: SignInProps) {
  const [error, setError] = useState(reason);
  const [busy, setBusy] = useState(false);
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const field = (event.currentTarget as HTMLFormElement).elements.namedItem('apiKey') as HTMLInputElement;
    const apiKey = field.value;
    field.value = '';
    setBusy(true);
    try {
      onSignedIn(await signIn(apiKey));
    } catch (err) {
      setError(refusal(err));
      setBusy(false);
      field.focus();
    }
  };
  return (
    <main class="sign-in">
      <form onSubmit={(event) => void submit(event)}>
        <h1>OpenClaw console</h1>
        <label for="api-key">API key</label>
        <input id="api-key" name="apiKey" type="password" autocomplete="off" spellcheck={false} required autofocus />
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        {error && <p class="error" role="alert">{error}</p>}
        <p class="hint">The manager's <code>OPENCLAW_MANAGER_API_KEY</code>. It is checked once; this browser then keeps only a session cookie.</p>
      </form>
    </main>
  );
}

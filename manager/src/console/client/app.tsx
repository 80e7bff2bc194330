// The console's top: asks the manager whether this browser is signed in, then shows the sign-in
// form or the dashboard, and goes back to the form when the session ends.
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleSessionView } from '../../contracts/console-session.js';
import { ConsoleApi, currentSession } from './console-api.js';
import { Dashboard } from './dashboard.js';
import { SignIn } from './sign-in.js';

type Auth =
  | { readonly state: 'checking' }
  | { readonly state: 'signed-out'; readonly reason: string | undefined }
  | { readonly state: 'signed-in'; readonly api: ConsoleApi };

const signedIn = (session: ConsoleSessionView): Auth => ({ state: 'signed-in', api: new ConsoleApi(session.csrfToken) });

export function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  useEffect(() => {
    currentSession().then(
      (session) => setAuth(session ? signedIn(session) : { state: 'signed-out', reason: undefined }),
      () => setAuth({ state: 'signed-out', reason: 'The manager could not be reached.' }),
    );
  }, []);
  switch (auth.state) {
    case 'checking':
      return <p class="empty">Loading…</p>;
    case 'signed-out':
      return <SignIn reason={auth.reason} onSignedIn={(session) => setAuth(signedIn(session))} />;
    case 'signed-in':
      return <Dashboard api={auth.api} onSignedOut={(reason) => setAuth({ state: 'signed-out', reason })} />;
  }
}

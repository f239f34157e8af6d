/**
 * Who is signed in, for the whole dashboard: loads GET /api/session once, signs in and out, and
 * hands out the CSRF token every write must send as `x-csrf-token`. Integration (owner of web/):
 * - api.ts adds `...csrfHeader()` to the headers of POST/PATCH/PUT/DELETE requests, and on a 401
 *   calls `session.expired()` so App shows <Login /> again;
 * - App.svelte calls `session.load()` at start and shows <Login /> while `session.state` is
 *   'signed-out' (and nothing while 'loading').
 */
import { sessionResponse, type SessionResponse, type User } from '../../shared/api/auth';
import { apiError } from '../../shared/api/errors';

type State = 'loading' | 'signed-out' | 'signed-in';

class SessionState {
  state = $state<State>('loading');
  user = $state.raw<User | null>(null);
  /** When the server will end the session if it stays idle (moves on every load). */
  expiresAt = $state<string | null>(null);
  private csrfToken: string | null = null;

  /** Asks the server who we are; a 401 means signed out. */
  async load(): Promise<void> {
    const res = await fetch('/api/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (res.ok) this.accept(sessionResponse.parse(await res.json()));
    else this.clear();
  }

  /** Resolves to null when signed in, or the message to show (wrong password, locked for N s, ...). */
  async signIn(email: string, password: string): Promise<string | null> {
    const res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const payload: unknown = await res.json().catch(() => null);
    if (res.ok) {
      this.accept(sessionResponse.parse(payload));
      return null;
    }
    const error = apiError.safeParse(payload);
    return error.success ? error.data.error.message : `Signing in failed (${res.status}).`;
  }

  /** Ends this session, or with `everywhere` every session of this account. */
  async signOut(everywhere = false): Promise<void> {
    await fetch(everywhere ? '/api/sessions' : '/api/session', { method: 'DELETE', credentials: 'same-origin', headers: csrfHeader() }).catch(() => {});
    this.clear();
  }

  /** The API answered 401: the session ended (idle, expired, logged out elsewhere). */
  expired(): void {
    this.clear();
  }

  get token(): string | null {
    return this.csrfToken;
  }

  hasRole(...roles: User['role'][]): boolean {
    return this.user !== null && roles.includes(this.user.role);
  }

  private accept(s: SessionResponse): void {
    this.user = s.user;
    this.csrfToken = s.csrfToken;
    this.expiresAt = s.expiresAt;
    this.state = 'signed-in';
  }

  private clear(): void {
    this.user = null;
    this.csrfToken = null;
    this.expiresAt = null;
    this.state = 'signed-out';
  }
}

export const session = new SessionState();

/** Spread into the headers of every write: `{ 'x-csrf-token': … }`, or nothing before sign-in. */
export function csrfHeader(): Record<string, string> {
  const token = session.token;
  return token ? { 'x-csrf-token': token } : {};
}

/** How sign-in behaves; every field has a default. */
export interface AuthOptions {
  /** Mark the session cookie Secure: always, never, or 'auto' (when the request came over https). */
  secureCookies?: boolean | 'auto';
  /** Session lifetime in ms (default 7 days). */
  sessionTtlMs?: number;
  /** Failed sign-ins allowed per e-mail + IP within the window (default 5 per 15 minutes). */
  signInFailures?: number;
  signInWindowMs?: number;
  /** Invitation lifetime in ms (default 7 days). */
  invitationTtlMs?: number;
}

export type ResolvedAuthOptions = Required<AuthOptions>;

const DAY = 24 * 60 * 60 * 1000;

export function resolveAuthOptions(options: AuthOptions = {}): ResolvedAuthOptions {
  return {
    secureCookies: options.secureCookies ?? 'auto',
    sessionTtlMs: options.sessionTtlMs ?? 7 * DAY,
    signInFailures: options.signInFailures ?? 5,
    signInWindowMs: options.signInWindowMs ?? 15 * 60 * 1000,
    invitationTtlMs: options.invitationTtlMs ?? 7 * DAY,
  };
}

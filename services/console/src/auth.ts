import Keycloak from 'keycloak-js';
import type { ConsoleConfig } from './config.ts';
import { clearDrafts } from './shell/drafts.ts';

/** Who is signed in, as the token says: the unit the account belongs to and its roles. */
export type Official = {
  username: string;
  unitCode: string;
  unitLevel: string;
  roles: string[];
};

/** Set in the tab's session storage while it is signed in. */
const SIGNED_IN = 'ansinh:signed-in';

/** Seconds of validity a token must still have before a request; refreshed otherwise. */
const MIN_VALIDITY_SECONDS = 30;

/**
 * The login through Keycloak (authorization code with PKCE on the realm's public client). A page
 * opened without a session stays signed out (the public page needs none); `login` goes to Keycloak
 * and comes back to the page it left. Tokens are refreshed before each request; a refresh that
 * fails (the session ended) logs in again and returns to the same page.
 */
export class Session {
  private readonly keycloak: Keycloak;

  private constructor(keycloak: Keycloak) {
    this.keycloak = keycloak;
  }

  static async start(config: ConsoleConfig): Promise<Session> {
    const keycloak = new Keycloak({
      url: config.keycloakUrl,
      realm: config.realm,
      clientId: config.clientId,
    });
    // A tab that was signed in asks Keycloak again (a redirect that comes straight back), so a reload
    // keeps the session while Keycloak's lasts; a visitor of the public page never goes there.
    const wasSignedIn = window.sessionStorage.getItem(SIGNED_IN) !== null;
    await keycloak.init({
      pkceMethod: 'S256',
      checkLoginIframe: false,
      responseMode: 'fragment',
      ...(wasSignedIn ? { onLoad: 'check-sso' as const } : {}),
    });
    if (keycloak.authenticated) window.sessionStorage.setItem(SIGNED_IN, '1');
    else window.sessionStorage.removeItem(SIGNED_IN);
    return new Session(keycloak);
  }

  get official(): Official | null {
    const token = this.keycloak.tokenParsed as
      (Record<string, unknown> & { realm_access?: { roles?: string[] } }) | undefined;
    if (!this.keycloak.authenticated || !token) return null;
    return {
      username: String(token['preferred_username'] ?? ''),
      unitCode: String(token['unit_code'] ?? ''),
      unitLevel: String(token['unit_level'] ?? ''),
      roles: token.realm_access?.roles ?? [],
    };
  }

  login(): Promise<void> {
    window.sessionStorage.setItem(SIGNED_IN, '1');
    return this.keycloak.login({ redirectUri: window.location.href, locale: 'vi' });
  }

  logout(): Promise<void> {
    clearDrafts();
    window.sessionStorage.removeItem(SIGNED_IN);
    return this.keycloak.logout({ redirectUri: `${window.location.origin}/` });
  }

  /** A valid access token, or null when signed out; a session that has ended goes back through the login. */
  async token(): Promise<string | null> {
    if (!this.keycloak.authenticated) return null;
    try {
      await this.keycloak.updateToken(MIN_VALIDITY_SECONDS);
    } catch {
      await this.login();
      return null;
    }
    return this.keycloak.token ?? null;
  }
}

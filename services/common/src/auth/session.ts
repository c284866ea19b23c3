import { forbidden, unauthenticated } from '../errors/app-error.ts';
import { rolesAllow, type Action } from './permissions.ts';
import type { Principal } from './token-verifier.ts';
import { pathCovers } from './unit-path.ts';

/**
 * The caller of one request: who they are and the subtree of administrative units they may see
 * and change. Anonymous sessions see only the public part of the graph.
 */
export class Session {
  readonly principal: Principal | undefined;
  /** ltree path of the user's unit, or undefined when the unit is unknown (then nothing is in scope). */
  readonly scopePath: string | undefined;

  private constructor(principal: Principal | undefined, scopePath: string | undefined) {
    this.principal = principal;
    this.scopePath = scopePath;
  }

  static anonymous(): Session {
    return new Session(undefined, undefined);
  }

  static of(principal: Principal, scopePath: string | undefined): Session {
    return new Session(principal, scopePath);
  }

  get isAuthenticated(): boolean {
    return this.principal !== undefined;
  }

  requirePrincipal(): Principal {
    if (!this.principal) throw unauthenticated();
    return this.principal;
  }

  /** Throws unless the user holds a role granting `action`; returns the scope path to filter by. */
  assert(action: Action): string {
    const principal = this.requirePrincipal();
    if (!rolesAllow(principal.roles, action)) {
      throw forbidden('Tài khoản của bạn không có quyền thực hiện thao tác này.');
    }
    if (!this.scopePath) {
      throw forbidden(
        'Đơn vị của tài khoản không có trong danh mục đơn vị hành chính. Liên hệ quản trị viên.',
      );
    }
    return this.scopePath;
  }

  /** Whether a role of the logged-in user grants `action` (no scope check: for fields of records already in scope). */
  allows(action: Action): boolean {
    return this.principal !== undefined && rolesAllow(this.principal.roles, action);
  }

  /** Throws unless a role of the user grants `action` on a field of a record already in scope. */
  assertField(action: Action, field: string): void {
    this.requirePrincipal();
    if (!this.allows(action)) {
      throw forbidden(
        `Tài khoản của bạn không được xem thông tin "${field}" (quyền ${action}); liên hệ quản trị viên nếu công việc cần.`,
      );
    }
  }

  /** Throws unless `action` is allowed on the unit at `unitPath`. */
  assertOnUnit(action: Action, unitPath: string | undefined): void {
    const scope = this.assert(action);
    if (!unitPath || !pathCovers(scope, unitPath)) throw forbidden();
  }

  covers(unitPath: string | undefined): boolean {
    return this.scopePath !== undefined && unitPath !== undefined && pathCovers(this.scopePath, unitPath);
  }
}

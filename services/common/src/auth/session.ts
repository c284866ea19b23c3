import { forbidden, unauthenticated } from '../errors/app-error.ts';
import { isWriteAction, rolesAllow, type Action } from './permissions.ts';
import type { Principal, UnitLevel } from './token-verifier.ts';
import { pathCovers } from './unit-path.ts';
import { displayDate } from '../time/display-date.ts';

/**
 * The unit a user acts for, as it stands on the day of the request: the unit with the token's
 * `unit_code` in force today, or (a former district) the last unit with that code, which has ended.
 */
export type UnitScope = {
  /** The unit version (administrative_units.id). */
  unitId: string;
  code: string;
  level: UnitLevel;
  /** Its ltree path (version-qualified labels: `42_20250701.18073_20250701`). */
  path: string;
  /** Its own path and the paths of the units merged whole into it: what it reads, across eras. */
  readPaths: readonly string[];
  /** Last day in force (`yyyy-mm-dd`), for a unit that has ended; null while in force. */
  validTo: string | null;
};

/**
 * Actions on no unit's records, granted by role alone: the ministry's national view (every
 * province's sync status). Any other action needs a unit scope (`assert`).
 */
export type UnscopedAction = Extract<Action, 'national-sync:read'>;

const NATIONAL_HAS_NO_UNIT =
  'Tài khoản cấp toàn quốc (Bộ Y tế) không gắn với đơn vị hành chính nào nên không xem hay thay đổi được hồ sơ, đối tượng hay dữ liệu của đơn vị; chỉ dùng được các chức năng theo dõi toàn quốc.';

/**
 * The caller of one request: who they are and the subtree of administrative units they may see
 * and change. Anonymous sessions see only the public part of the graph; a national account (the
 * ministry) is authenticated but has no unit scope at all.
 */
export class Session {
  readonly principal: Principal | undefined;
  /** The user's unit, or undefined when the unit is unknown (then nothing is in scope). */
  readonly scope: UnitScope | undefined;

  private constructor(principal: Principal | undefined, scope: UnitScope | undefined) {
    this.principal = principal;
    this.scope = scope;
  }

  /** ltree path of the user's unit (undefined: nothing is in scope). */
  get scopePath(): string | undefined {
    return this.scope?.path;
  }

  /** The paths the user reads under: the unit's own and those of the units merged whole into it. */
  get readPaths(): readonly string[] {
    return this.scope?.readPaths ?? [];
  }

  /** Whether the user's unit is in force today: a unit that has ended reads its own records only. */
  get writable(): boolean {
    return this.scope !== undefined && this.scope.validTo === null;
  }

  static anonymous(): Session {
    return new Session(undefined, undefined);
  }

  /**
   * A session of `principal` acting for `scope` (a path alone: a unit in force that reads only its
   * own subtree). A national principal never gets a scope, whatever unit its code might name.
   */
  static of(principal: Principal, scope: UnitScope | string | undefined): Session {
    if (principal.unitLevel === 'national') return new Session(principal, undefined);
    if (typeof scope !== 'string') return new Session(principal, scope);
    return new Session(principal, {
      unitId: '',
      code: principal.unitCode,
      level: principal.unitLevel,
      path: scope,
      readPaths: [scope],
      validTo: null,
    });
  }

  get isAuthenticated(): boolean {
    return this.principal !== undefined;
  }

  /** Whether the caller is a national account (the ministry): no unit, no unit's records. */
  get isNational(): boolean {
    return this.principal?.unitLevel === 'national';
  }

  requirePrincipal(): Principal {
    if (!this.principal) throw unauthenticated();
    return this.principal;
  }

  /**
   * Throws unless the user holds a role granting `action` (and, for a change, acts for a unit in
   * force); returns the user's own unit path.
   */
  assert(action: Action): string {
    const principal = this.requirePrincipal();
    // Whatever its roles, a national account acts for no unit: every scoped action is refused.
    if (principal.unitLevel === 'national') throw forbidden(NATIONAL_HAS_NO_UNIT);
    if (!rolesAllow(principal.roles, action)) {
      throw forbidden('Tài khoản của bạn không có quyền thực hiện thao tác này.');
    }
    if (!this.scope) {
      throw forbidden(
        'Đơn vị của tài khoản không có trong danh mục đơn vị hành chính. Liên hệ quản trị viên.',
      );
    }
    if (this.scope.validTo !== null && isWriteAction(action)) {
      throw forbidden(
        `Đơn vị ${this.scope.code} đã chấm dứt hoạt động từ sau ngày ${displayDate(this.scope.validTo)}: tài khoản chỉ được xem dữ liệu trước đó, không được thay đổi.`,
      );
    }
    return this.scope.path;
  }

  /**
   * Throws unless a role of the user grants `action`, an action on no unit's records (the
   * ministry's national view); no scope is needed or given. Returns the caller.
   */
  assertUnscoped(action: UnscopedAction): Principal {
    const principal = this.requirePrincipal();
    if (!rolesAllow(principal.roles, action)) {
      throw forbidden('Chỉ Bộ Y tế (tài khoản cấp toàn quốc) dùng được chức năng theo dõi toàn quốc này.');
    }
    return principal;
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

  /** Whether the user reads the unit at `unitPath` (under its own unit or one merged whole into it). */
  covers(unitPath: string | undefined): boolean {
    return unitPath !== undefined && this.readPaths.some((path) => pathCovers(path, unitPath));
  }

  /** Whether the user may change records of the unit at `unitPath`: under its own unit, in force. */
  coversForWrite(unitPath: string | undefined): boolean {
    return this.writable && unitPath !== undefined && pathCovers(this.scope!.path, unitPath);
  }
}

import { identifierArgument } from '../text/identifier-argument.ts';
import { UUID_FORMAT } from '../text/text-policy.ts';

/**
 * An `ID` argument (a uuid), refused as bad input on `field` unless it is one: a malformed id never
 * reaches the database, where it would be an error rather than "not found".
 */
export const idArgument = (id: string, field = 'id'): string =>
  identifierArgument(id, UUID_FORMAT, field, 'Mã định danh');

import type { ChangeAction, Resolvers } from '../generated/resolvers-types.ts';
import { upper } from '../persons/person.resolvers.ts';

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);

export const changeRecordResolvers = {
  ChangeRecord: {
    id: (record) => String(record.id),
    entity: (record) => record.tableName,
    entityId: (record) => record.rowId,
    action: (record) => upper(record.action) as ChangeAction,
    changedAt: (record) => iso(record.changedAt),
    changedBy: (record) => record.actorName,
    changedByUnitCode: (record) => record.actorUnitCode,
    before: (record) => (record.before ? JSON.stringify(record.before) : null),
    after: (record) => (record.after ? JSON.stringify(record.after) : null),
  },
} satisfies Pick<Resolvers, 'ChangeRecord'>;

import {
  badInput,
  entityKey,
  forbidden,
  idArgument,
  lower,
  notFound,
  subtreeFor,
  upper,
  UUID_FORMAT,
  type Session,
} from '@ansinh/common';
import type { RegistryContext } from '../context.ts';
import { ETHNICITIES } from '../code-lists/ethnicities.ts';
import { historyOfPerson } from '../history/change-record.repository.ts';
import type { Person } from './person.entity.ts';
import { findPersonsInSubtree, type PersonCursor } from './person.repository.ts';
import { readPersonSearch } from './person-search.ts';
import {
  createPerson,
  deletePerson,
  setPersonStatus,
  updatePerson,
  type PersonChanges,
} from './person.service.ts';
import type {
  Gender as GenderValue,
  PersonStatus,
  RelationToHead,
  Resolvers,
} from '../generated/resolvers-types.ts';

const MAX_PAGE = 200;

/** The unit version a record refers to (a foreign key: it exists). */
export async function residenceUnitOf(unitId: string, context: RegistryContext) {
  const unit = await context.loaders.unitById.load(unitId);
  if (!unit) throw new Error(`unknown unit ${unitId}`);
  return unit;
}
// The cursor names only the last person's id: a name inside it would show a folded name to the
// roles that may not read names (person:read-identity); the name to continue from is read back.
const encodeCursor = (person: Person) => Buffer.from(person.id, 'utf8').toString('base64url');
async function decodeCursor(cursor: string, context: RegistryContext): Promise<PersonCursor> {
  const id = cursor.length <= 64 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!UUID_FORMAT.test(id)) throw badInput('after', 'Con trỏ phân trang (after) không hợp lệ.');
  // Row-level security hides persons outside the scope: their cursors are refused the same way.
  const person = await context.loaders.personById.load(id);
  if (!person) {
    throw badInput('after', 'Con trỏ phân trang (after) không còn hiệu lực: hãy tìm lại từ trang đầu.');
  }
  return { nameFolded: person.nameFolded ?? '', id };
}

/** Searching by name or ID number tells whether a name or number is on the register: a read of it. */
export function assertSearchAllowed(
  filter: { name?: string | null; idNumber?: string | null } | null | undefined,
  session: Session,
) {
  if (filter?.name) session.assertField('person:read-identity', 'filter.name');
  if (filter?.idNumber) session.assertField('person:read-identity', 'filter.idNumber');
}

/** A person, if the caller's scope covers their commune of residence. */
export async function personInScope(id: string, context: RegistryContext): Promise<Person> {
  context.session.assert('person:read');
  const person = UUID_FORMAT.test(id) ? await context.loaders.personById.load(id) : null;
  // Row-level security hides persons outside the scope, so they are simply not found.
  if (!person) throw notFound('Không tìm thấy đối tượng trong phạm vi đơn vị của bạn.');
  const unit = await context.loaders.unitById.load(person.residenceUnitId);
  if (!context.session.covers(unit?.path)) throw forbidden('Đối tượng này không thuộc đơn vị của bạn.');
  return person;
}

export const personResolvers = {
  Query: {
    person: (_parent, args, context) => personInScope(args.id, context),
    persons: async (_parent, args, context) => {
      const first = args.first ?? 50;
      if (first < 1 || first > MAX_PAGE)
        throw badInput('first', `Số bản ghi mỗi trang phải từ 1 đến ${MAX_PAGE}.`);
      const paths = await subtreeFor(
        context.session,
        'person:read',
        args.unitCode,
        context.loaders.scopeUnits,
      );
      assertSearchAllowed(args.filter, context.session);
      const search = readPersonSearch({
        ...args.filter,
        status: args.filter?.status ? lower(args.filter.status) : undefined,
        householdId: args.filter?.householdId
          ? idArgument(args.filter.householdId, 'filter.householdId')
          : null,
      });
      if ('field' in search) throw badInput(search.field, search.message);
      const page = await findPersonsInSubtree(context.em, paths, search, {
        first,
        after: args.after ? await decodeCursor(args.after, context) : undefined,
      });
      for (const person of page.persons) context.loaders.personById.prime(person.id, person);
      const edges = page.persons.map((node) => ({ cursor: encodeCursor(node), node }));
      return {
        edges,
        totalCount: page.totalCount,
        totalCountIsExact: page.totalCountIsExact,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
    history: async (_parent, args, context) => {
      await personInScope(args.personId, context);
      return historyOfPerson(context.em, args.personId);
    },
    ethnicities: () => [...ETHNICITIES].map(([code, name]) => ({ code, name })),
  },
  Mutation: {
    createPerson: (_parent, args, context) =>
      createPerson(context.em, context.session, { ...args.input, gender: lower(args.input.gender) }),
    updatePerson: (_parent, args, context) => {
      const { gender, ...rest } = args.input;
      const changes: PersonChanges = Object.fromEntries(
        Object.entries({ ...rest, gender: gender ? lower(gender) : gender }).filter(
          ([, value]) => value !== undefined,
        ),
      );
      return updatePerson(context.em, context.session, idArgument(args.id), changes);
    },
    setPersonStatus: (_parent, args, context) =>
      setPersonStatus(context.em, context.session, idArgument(args.id), lower(args.status), args.date),
    deletePerson: (_parent, args, context) => deletePerson(context.em, context.session, idArgument(args.id)),
  },
  Person: {
    __resolveReference: (reference, context) =>
      personInScope(entityKey(reference, 'id', UUID_FORMAT), context),
    birthDate: (person) => person.birthDate ?? String(person.birthYear),
    gender: (person) => upper(person.gender) as GenderValue,
    status: (person) => upper(person.status) as PersonStatus,
    ethnicity: (person) =>
      person.ethnicityCode
        ? { code: person.ethnicityCode, name: ETHNICITIES.get(person.ethnicityCode) ?? person.ethnicityCode }
        : null,
    relationToHead: (person) =>
      person.relationToHead ? (upper(person.relationToHead) as RelationToHead) : null,
    residenceUnit: (person, _args, context) => residenceUnitOf(person.residenceUnitId, context),
    residenceUnitCode: async (person, _args, context) =>
      (await residenceUnitOf(person.residenceUnitId, context)).code,
    household: (person, _args, context) =>
      person.householdId ? context.loaders.householdById.load(person.householdId) : null,
    paymentAccounts: (person, _args, context) => context.loaders.accountsByPerson.load(person.id),
    duplicateWarnings: (person, _args, context) => context.loaders.openWarningsByPerson.load(person.id),
    history: (person, _args, context) => historyOfPerson(context.em, person.id),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Person'>;

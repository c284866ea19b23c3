import { badInput, forbidden, notFound } from '@ansinh/common';
import type { RegistryContext } from '../context.ts';
import type { Person } from './person.entity.ts';
import { findPersonsInSubtree } from './person.repository.ts';
import { createPerson } from './person.service.ts';
import type { Gender } from './person.rules.ts';
import type { Gender as GenderValue, PersonStatus, Resolvers } from '../generated/resolvers-types.ts';

const MAX_PAGE = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) throw badInput('after', 'Con trỏ phân trang (after) không hợp lệ.');
  return id;
};

/** A person, if the caller's scope covers their commune of residence. */
async function personInScope(id: string, context: RegistryContext): Promise<Person> {
  context.session.assert('person:read');
  const person = UUID.test(id) ? await context.loaders.personById.load(id) : null;
  // Row-level security hides persons outside the scope, so they are simply not found.
  if (!person) throw notFound('Không tìm thấy đối tượng trong phạm vi đơn vị của bạn.');
  const unit = await context.loaders.unitByCode.load(person.residenceUnitCode);
  if (!context.session.covers(unit?.path)) throw forbidden('Đối tượng này không thuộc đơn vị của bạn.');
  return person;
}

async function scopePathFor(unitCode: string | null | undefined, context: RegistryContext): Promise<string> {
  const scope = context.session.assert('person:read');
  if (!unitCode) return scope;
  const unit = await context.loaders.unitByCode.load(unitCode);
  if (!unit) throw badInput('unitCode', `Không tìm thấy đơn vị có mã "${unitCode}".`);
  if (!context.session.covers(unit.path)) throw forbidden();
  return unit.path;
}

export const personResolvers = {
  Query: {
    person: (_parent, args, context) => personInScope(args.id, context),
    persons: async (_parent, args, context) => {
      const first = args.first ?? 50;
      if (first < 1 || first > MAX_PAGE)
        throw badInput('first', `Số bản ghi mỗi trang phải từ 1 đến ${MAX_PAGE}.`);
      const path = await scopePathFor(args.unitCode, context);
      const page = await findPersonsInSubtree(context.em, path, {
        first,
        afterId: args.after ? decodeCursor(args.after) : undefined,
      });
      for (const person of page.persons) context.loaders.personById.prime(person.id, person);
      const edges = page.persons.map((node) => ({ cursor: encodeCursor(node.id), node }));
      return {
        edges,
        totalCount: page.totalCount,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
  },
  Mutation: {
    createPerson: (_parent, args, context) =>
      createPerson(context.em, context.session, {
        ...args.input,
        gender: args.input.gender.toLowerCase() as Gender,
      }),
  },
  Person: {
    __resolveReference: (reference, context) => personInScope(reference.id, context),
    birthDate: (person) => person.birthDate ?? String(person.birthYear),
    gender: (person) => person.gender.toUpperCase() as GenderValue,
    status: (person) => person.status.toUpperCase() as PersonStatus,
    residenceUnit: async (person, _args, context) => {
      const unit = await context.loaders.unitByCode.load(person.residenceUnitCode);
      if (!unit) throw new Error(`person ${person.id} lives in unknown unit ${person.residenceUnitCode}`);
      return unit;
    },
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Person'>;

import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, type Session } from '@ansinh/common';
import { AdministrativeUnit } from '../units/administrative-unit.entity.ts';
import { Person } from './person.entity.ts';
import { livingCitizenIdTaken } from './person.repository.ts';
import { validateNewPerson, type NewPersonInput } from './person.rules.ts';

/** Registers a new person in a commune within the caller's scope; writes nothing on any refusal. */
export async function createPerson(
  em: EntityManager,
  session: Session,
  input: NewPersonInput,
  today = new Date(),
): Promise<Person> {
  session.assert('person:write');
  const validated = validateNewPerson(input, today);
  if ('problems' in validated) {
    const [first, ...rest] = validated.problems;
    throw badInput(first!.field, [first!, ...rest].map((problem) => problem.message).join(' '));
  }
  const { person } = validated;
  const unit = await em.findOne(AdministrativeUnit, { code: person.residenceUnitCode, validTo: null });
  if (!unit || unit.level !== 'commune') {
    throw badInput('residenceUnitCode', `Không tìm thấy xã/phường có mã "${person.residenceUnitCode}".`);
  }
  session.assertOnUnit('person:write', unit.path);
  const citizenIdTaken = () =>
    new AppError('CONFLICT', 'Số CCCD này đã thuộc về một đối tượng khác đang còn sống trong hệ thống.', {
      field: 'citizenId',
    });
  if (person.citizenId && (await livingCitizenIdTaken(em, person.citizenId))) throw citizenIdTaken();
  const created = em.create(Person, { ...person, status: 'living' });
  try {
    await em.flush();
  } catch (error) {
    // Another request registered the same CCCD between the check and the insert.
    if (error instanceof UniqueConstraintViolationException) throw citizenIdTaken();
    throw error;
  }
  return created;
}

import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  badInput,
  displayDate,
  forbidden,
  notFound,
  todayInVietnam,
  type Session,
} from '@ansinh/common';
import { raiseDuplicateWarnings } from '../duplicates/duplicate-warning.repository.ts';
import { fieldText } from '../text/field-text.ts';
import { unitById } from '../units/unit.loader.ts';
import { isoDateOf } from '../units/unit-dates.ts';
import { writableCommune } from '../units/writable-commune.ts';
import type { AdministrativeUnit } from '../units/administrative-unit.entity.ts';
import { Person } from './person.entity.ts';
import { holdsActiveEntitlement, livingCitizenIdTaken } from './person.repository.ts';
import {
  birthDayOf,
  parseBirthDate,
  personInputOf,
  validateNewPerson,
  type FieldProblem,
  type NewPerson,
  type NewPersonInput,
} from './person.rules.ts';

const citizenIdTaken = () =>
  new AppError('CONFLICT', 'Số CCCD này đã thuộc về một đối tượng khác đang còn sống trong hệ thống.', {
    field: 'citizenId',
  });

function refuse(problems: FieldProblem[]): never {
  throw badInput(problems[0]!.field, problems.map((problem) => problem.message).join(' '));
}

/** Whether the caller may change records of `unit`: in force today, under the caller's own unit (in force too). */
export function unitWritableBy(session: Session, unit: AdministrativeUnit, today = new Date()): boolean {
  const validTo = isoDateOf(unit.validTo);
  return (validTo === null || validTo >= todayInVietnam(today)) && session.coversForWrite(unit.path);
}

/**
 * A person the caller may change; row-level security hides the others, so they are not found. A
 * person the caller reads but may not change (still on a unit that has ended: a split commune's people
 * awaiting assignment, or a commune of a former district) is FORBIDDEN, unless the change moves them
 * to a commune the caller may write (`movingOut`).
 */
export async function writablePerson(
  em: EntityManager,
  session: Session,
  id: string,
  options: { movingOut?: boolean } = {},
): Promise<Person> {
  session.assert('person:write');
  const person = await em.findOne(Person, { id });
  if (!person) throw notFound('Không tìm thấy đối tượng trong phạm vi đơn vị của bạn.');
  const unit = await unitById(em, person.residenceUnitId);
  if (!options.movingOut && !unitWritableBy(session, unit)) {
    const validTo = isoDateOf(unit.validTo);
    throw forbidden(
      validTo
        ? `Đối tượng còn thuộc ${unit.fullName} (mã ${unit.code}), đơn vị đã chấm dứt hoạt động từ sau ngày ${displayDate(validTo)}: hãy chuyển đối tượng về xã/phường hiện nay (mã xã nơi cư trú) trước khi sửa.`
        : 'Đối tượng này không thuộc đơn vị của bạn.',
    );
  }
  return person;
}

async function flushPerson(em: EntityManager): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    // Another request registered the same CCCD between the check and the write.
    if (error instanceof UniqueConstraintViolationException) throw citizenIdTaken();
    throw error;
  }
}

/**
 * Registers a new person in a commune within the caller's scope and raises duplicate warnings, in one
 * transaction; writes nothing on any refusal.
 */
export async function createPerson(
  em: EntityManager,
  session: Session,
  input: NewPersonInput,
  today = new Date(),
): Promise<Person> {
  session.assert('person:write');
  const validated = validateNewPerson(input, today);
  if ('problems' in validated) refuse(validated.problems);
  const { residenceUnitCode, ...person } = validated.person;
  const commune = await writableCommune(em, session, residenceUnitCode);
  if (person.citizenId && (await livingCitizenIdTaken(em, person.citizenId))) throw citizenIdTaken();
  const [created] = await createPersons(em, session, [{ ...person, residenceUnitId: commune.id }]);
  return created!;
}

/** A new person through the person rules, at the commune (in force) the caller may write. */
export type PlacedNewPerson = Omit<NewPerson, 'residenceUnitCode'> & { residenceUnitId: string };

/**
 * Registers new persons, already through the person rules and at communes the caller may write, and
 * raises their duplicate warnings, in one transaction: all of them or, on any refusal, none. A CCCD
 * that a living person holds (registered by another request since the caller checked it) is a
 * CONFLICT on `citizenId`.
 */
export async function createPersons(
  em: EntityManager,
  session: Session,
  persons: readonly PlacedNewPerson[],
): Promise<Person[]> {
  session.assert('person:write');
  if (!persons.length) return [];
  return em.transactional(async (tx) => {
    const created = persons.map((person) => tx.create(Person, { ...person, status: 'living' }));
    await flushPerson(tx);
    await raiseDuplicateWarnings(
      tx,
      created.map((person) => person.id),
    );
    return created;
  });
}

export type PersonChanges = Partial<NewPersonInput>;

/** Changes a person's details; every field is checked again as for a new person. */
export async function updatePerson(
  em: EntityManager,
  session: Session,
  id: string,
  changes: PersonChanges,
  today = new Date(),
): Promise<Person> {
  const moving = changes.residenceUnitCode !== undefined && changes.residenceUnitCode !== null;
  const person = await writablePerson(em, session, id, { movingOut: moving });
  const unit = await unitById(em, person.residenceUnitId);
  const merged = personInputOf({ ...person, residenceUnitCode: unit.code });
  for (const [field, value] of Object.entries(changes)) {
    if (value !== undefined) (merged as Record<string, unknown>)[field] = value;
  }
  if (changes.fullName === null || changes.birthDate === null || changes.gender === null) {
    throw badInput('input', 'Họ tên, ngày sinh và giới tính không được xóa.');
  }
  if (changes.residenceUnitCode === null) {
    throw badInput('residenceUnitCode', 'Mã xã nơi cư trú không được xóa.');
  }
  // Stored values are not held to rules newer than the record; what the caller sends is.
  const unchanged = new Set(
    (Object.keys(merged) as (keyof NewPersonInput)[]).filter((field) => changes[field] === undefined),
  );
  const validated = validateNewPerson(merged, today, unchanged);
  if ('problems' in validated) refuse(validated.problems);
  const { residenceUnitCode, ...next } = validated.person;
  // A code names the commune in force today: the person's own, or a reused code's new commune.
  const residenceUnitId = moving
    ? (await writableCommune(em, session, residenceUnitCode)).id
    : person.residenceUnitId;
  if (
    next.citizenId &&
    next.citizenId !== person.citizenId &&
    person.status === 'living' &&
    (await livingCitizenIdTaken(em, next.citizenId))
  ) {
    throw citizenIdTaken();
  }
  return em.transactional(async (tx) => {
    const changed = tx.assign(await tx.findOneOrFail(Person, { id }), { ...next, residenceUnitId });
    await flushPerson(tx);
    if (
      changes.fullName !== undefined ||
      changes.birthDate !== undefined ||
      changes.citizenId !== undefined ||
      residenceUnitId !== person.residenceUnitId
    ) {
      await raiseDuplicateWarnings(tx, [id]);
    }
    return changed;
  });
}

/** Records a death or a move away on a date, or sets the person back to living (undoing a mistake). */
export async function setPersonStatus(
  em: EntityManager,
  session: Session,
  id: string,
  status: Person['status'],
  date: string | null | undefined,
  today = new Date(),
): Promise<Person> {
  const person = await writablePerson(em, session, id);
  let statusDate: string | null = null;
  if (status !== 'living') {
    const dateText = date ? fieldText('date', date) : '';
    if (typeof dateText !== 'string') throw badInput(dateText.field, dateText.message);
    if (!dateText) throw badInput('date', 'Cần ngày mất hoặc ngày chuyển đi.');
    // A day read as a birth date is: a day of the calendar, not after today in Vietnam.
    const parsed = parseBirthDate(dateText, todayInVietnam(today));
    const day = typeof parsed === 'string' ? birthDayOf(parsed) : null;
    if (day === null) {
      throw badInput('date', 'Ngày phải có dạng dd/mm/yyyy hoặc yyyy-mm-dd và không ở tương lai.');
    }
    if (day < (person.birthDate ?? `${person.birthYear}-01-01`)) {
      throw badInput('date', 'Ngày không được trước ngày sinh.');
    }
    statusDate = day;
  } else if (
    person.citizenId &&
    person.status !== 'living' &&
    (await livingCitizenIdTaken(em, person.citizenId))
  ) {
    throw citizenIdTaken();
  }
  person.status = status;
  person.statusDate = statusDate;
  await flushPerson(em);
  return person;
}

/** Removes a record entered by mistake (the change history keeps what it held). */
export async function deletePerson(em: EntityManager, session: Session, id: string): Promise<string> {
  const person = await writablePerson(em, session, id);
  if (await holdsActiveEntitlement(em, id)) {
    throw new AppError(
      'CONFLICT',
      'Đối tượng đang hưởng chính sách, không thể xóa. Hãy ghi nhận thôi hưởng hoặc tình trạng (đã mất, chuyển đi).',
      { field: 'id' },
    );
  }
  await em.remove(person).flush();
  return id;
}

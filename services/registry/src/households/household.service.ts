import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { AppError, badInput, forbidden, notFound, todayInVietnam, type Session } from '@ansinh/common';
import { Person, type RelationToHead } from '../persons/person.entity.ts';
import { checkResidenceUnitCode, yearOf } from '../persons/person.rules.ts';
import { unitWritableBy, writablePerson } from '../persons/person.service.ts';
import { unitById } from '../units/unit.loader.ts';
import { fieldText } from '../text/field-text.ts';
import { writableCommune } from '../units/writable-commune.ts';
import { Household, type PovertyStatus } from './household.entity.ts';
import { checkPoverty, HOUSEHOLD_CODE_MISSING } from './household.rules.ts';

export type HouseholdInput = {
  code?: string;
  residenceUnitCode?: string;
  address?: string | null | undefined;
  povertyStatus?: PovertyStatus | null | undefined;
  povertyYear?: number | null | undefined;
};

/** An address as given: cleaned by the text policy, null when empty; refused as bad input otherwise. */
function addressOf(address: string | null | undefined): string | null {
  if (!address) return null;
  const cleaned = fieldText('address', address);
  if (typeof cleaned !== 'string') throw badInput(cleaned.field, cleaned.message);
  return cleaned || null;
}

function assertPoverty(status: PovertyStatus, year: number | null | undefined, today: Date): void {
  const problem = checkPoverty(status, year ?? null, yearOf(todayInVietnam(today)));
  if (problem) throw badInput(problem.field, problem.message);
}

export async function createHousehold(
  em: EntityManager,
  session: Session,
  input: Required<Pick<HouseholdInput, 'code' | 'residenceUnitCode'>> & HouseholdInput,
  today = new Date(),
): Promise<Household> {
  session.assert('person:write');
  const code = fieldText('householdCode', input.code, 'code');
  if (typeof code !== 'string') throw badInput(code.field, code.message);
  if (!code) throw badInput(HOUSEHOLD_CODE_MISSING.field, HOUSEHOLD_CODE_MISSING.message);
  const address = addressOf(input.address);
  const unitCodeProblem = checkResidenceUnitCode(input.residenceUnitCode);
  if (unitCodeProblem) throw badInput(unitCodeProblem.field, unitCodeProblem.message);
  const unit = await writableCommune(em, session, input.residenceUnitCode);
  const povertyStatus = input.povertyStatus ?? 'none';
  assertPoverty(povertyStatus, input.povertyYear, today);
  const household = em.create(Household, {
    code,
    residenceUnitId: unit.id,
    address,
    povertyStatus,
    povertyYear: input.povertyYear ?? null,
  });
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('CONFLICT', `Xã đã có hộ mã "${code}".`, { field: 'code' });
    }
    throw error;
  }
  return household;
}

async function writableHousehold(em: EntityManager, session: Session, id: string): Promise<Household> {
  session.assert('person:write');
  const household = await em.findOne(Household, { id });
  if (!household) throw notFound('Không tìm thấy hộ trong phạm vi đơn vị của bạn.');
  const unit = await unitById(em, household.residenceUnitId);
  if (!unitWritableBy(session, unit)) {
    throw forbidden(
      `Hộ thuộc ${unit.fullName} (mã ${unit.code}): tài khoản của bạn chỉ được xem, không được sửa.`,
    );
  }
  return household;
}

export async function updateHousehold(
  em: EntityManager,
  session: Session,
  id: string,
  input: HouseholdInput,
  today = new Date(),
): Promise<Household> {
  const address = input.address !== undefined ? addressOf(input.address) : undefined;
  const household = await writableHousehold(em, session, id);
  const povertyStatus = input.povertyStatus ?? household.povertyStatus;
  const povertyYear = input.povertyYear !== undefined ? input.povertyYear : household.povertyYear;
  // As for persons: what is stored is not held to rules newer than the record, what changes is.
  if (input.povertyStatus != null || input.povertyYear !== undefined) {
    assertPoverty(povertyStatus, povertyYear, today);
  }
  if (address !== undefined) household.address = address;
  household.povertyStatus = povertyStatus;
  household.povertyYear =
    input.povertyStatus === 'none' && input.povertyYear === undefined ? null : (povertyYear ?? null);
  await em.flush();
  return household;
}

/**
 * Puts a person in a household of their commune (or takes them out). A new head replaces the old one,
 * whose relation becomes OTHER until an official sets it.
 */
export async function setHouseholdMember(
  em: EntityManager,
  session: Session,
  personId: string,
  householdId: string | null | undefined,
  relationToHead: RelationToHead | undefined,
): Promise<Person> {
  const person = await writablePerson(em, session, personId);
  if (!householdId) {
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(Household, { headPersonId: personId }, { headPersonId: null });
      await tx.nativeUpdate(Person, { id: personId }, { householdId: null, relationToHead: null });
    });
    return em.refreshOrFail(person);
  }
  const household = await writableHousehold(em, session, householdId);
  if (household.residenceUnitId !== person.residenceUnitId) {
    throw badInput('householdId', 'Hộ và đối tượng phải cùng xã/phường.');
  }
  if (!relationToHead) throw badInput('relationToHead', 'Cần quan hệ với chủ hộ.');
  await em.transactional(async (tx) => {
    if (relationToHead === 'head') {
      if (household.headPersonId && household.headPersonId !== personId) {
        await tx.nativeUpdate(Person, { id: household.headPersonId }, { relationToHead: 'other' });
      }
      await tx.nativeUpdate(Household, { id: householdId }, { headPersonId: personId });
    } else if (household.headPersonId === personId) {
      await tx.nativeUpdate(Household, { id: householdId }, { headPersonId: null });
    }
    await tx.nativeUpdate(Person, { id: personId }, { householdId, relationToHead });
  });
  await em.refreshOrFail(household);
  return em.refreshOrFail(person);
}

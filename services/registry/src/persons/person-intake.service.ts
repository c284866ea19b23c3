import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, conflict, type Session } from '@ansinh/common';
import { writableCommune } from '../units/writable-commune.ts';
import { Person } from './person.entity.ts';
import type { Gender } from './person.entity.ts';
import { livingCitizenIdTaken } from './person.repository.ts';
import {
  identityConflictMessage,
  identityDifferences,
  intakeGender,
  MAX_INTAKE_PERSONS,
} from './person-intake.rules.ts';
import { validateNewPerson, type FieldProblem } from './person.rules.ts';
import { createPerson } from './person.service.ts';

/** An applicant a province's one-stop system sends with a dossier, at the commune in force that received it. */
export type IntakePersonInput = {
  citizenId: string;
  fullName: string;
  birthDate: string;
  gender?: Gender | null | undefined;
  ethnicityCode?: string | null | undefined;
  phone?: string | null | undefined;
  address?: string | null | undefined;
  residenceUnitCode: string;
};

/** The register's person for one applicant (found or registered now), or the refusal naming its field. */
export type IntakePersonOutcome = { personId: string; created: boolean } | { error: AppError };

const takenOutsideScope = () =>
  conflict(
    'citizenId',
    'Số CCCD này đã thuộc về một đối tượng đang còn sống ngoài phạm vi tỉnh của hệ thống: không tiếp nhận được hồ sơ. Hãy đề nghị đơn vị đang quản lý đối tượng chuyển đối tượng về tỉnh trước.',
  );

function refuse(problems: readonly FieldProblem[]): never {
  throw badInput(problems[0]!.field, problems.map((problem) => problem.message).join(' '));
}

/**
 * Finds or registers the applicants of dossiers sent by the province's one-stop system, each on its
 * own (a refusal of one never blocks another, and writes nothing for it): the living person with the
 * CCCD in the caller's scope when there is one, who must be the person described (a different name,
 * birth date, gender or commune of residence is a CONFLICT naming the fields; the register is never
 * overwritten from a dossier); else a new person registered by the person rules and service, as
 * `createPerson`, at the commune given. A CCCD that a living person outside the caller's scope holds
 * is a CONFLICT that says nothing of that person.
 */
export async function intakePersons(
  em: EntityManager,
  session: Session,
  inputs: readonly IntakePersonInput[],
  today = new Date(),
): Promise<IntakePersonOutcome[]> {
  session.assert('intake:write');
  if (inputs.length < 1 || inputs.length > MAX_INTAKE_PERSONS) {
    throw badInput('inputs', `Mỗi lần gửi từ 1 đến ${MAX_INTAKE_PERSONS.toLocaleString('vi-VN')} người.`);
  }
  const outcomes: IntakePersonOutcome[] = [];
  // One at a time, in order: two dossiers of one new person in a batch register them once.
  for (const input of inputs) {
    try {
      outcomes.push(await intakePerson(em, session, input, today));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.push({ error });
    }
  }
  return outcomes;
}

async function intakePerson(
  em: EntityManager,
  session: Session,
  input: IntakePersonInput,
  today: Date,
): Promise<{ personId: string; created: boolean }> {
  const sentGender = input.gender ?? null;
  const person = {
    fullName: input.fullName,
    birthDate: input.birthDate,
    gender: intakeGender(sentGender, input.citizenId),
    ethnicityCode: input.ethnicityCode,
    citizenId: input.citizenId,
    phone: input.phone,
    residenceUnitCode: input.residenceUnitCode,
    address: input.address,
  };
  const validated = validateNewPerson(person, today);
  if ('problems' in validated) refuse(validated.problems);
  const citizenId = validated.person.citizenId;
  if (!citizenId) throw badInput('citizenId', 'Cần số CCCD của người nộp hồ sơ.');
  const commune = await writableCommune(em, session, validated.person.residenceUnitCode);
  const sent = {
    fullName: validated.person.fullName,
    birthDate: validated.person.birthDate ?? String(validated.person.birthYear),
    gender: sentGender,
    residenceUnitId: commune.id,
  };

  const existing = await livingPersonInScope(em, citizenId);
  if (existing) return matching(existing, sent);
  if (await livingCitizenIdTaken(em, citizenId)) throw takenOutsideScope();
  try {
    const created = await createPerson(em, session, person, today);
    return { personId: created.id, created: true };
  } catch (error) {
    // Registered by a concurrent request (a retry of the same dossier) between the look-up and the write.
    if (error instanceof AppError && error.code === 'CONFLICT' && error.field === 'citizenId') {
      const registered = await livingPersonInScope(em.fork(), citizenId);
      if (registered) return matching(registered, sent);
      throw takenOutsideScope();
    }
    throw error;
  }
}

/** The living person with the CCCD whom the caller reads (row-level security hides the others). */
function livingPersonInScope(em: EntityManager, citizenId: string): Promise<Person | null> {
  return em.findOne(Person, { citizenId, status: 'living' });
}

function matching(
  person: Person,
  sent: Parameters<typeof identityDifferences>[1],
): { personId: string; created: boolean } {
  const fields = identityDifferences(
    {
      fullName: person.fullName,
      birthYear: person.birthYear,
      birthDate: person.birthDate ?? null,
      gender: person.gender,
      residenceUnitId: person.residenceUnitId,
    },
    sent,
  );
  if (fields.length) {
    // Only the commune differing: the dossier names another commune than the one the person lives in.
    const field =
      fields.length === 1 && fields[0] === 'residenceUnitCode' ? 'residenceUnitCode' : 'citizenId';
    throw conflict(field, identityConflictMessage(fields), { fields });
  }
  return { personId: person.id, created: false };
}

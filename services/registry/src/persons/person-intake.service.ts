import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, conflict, type Session } from '@ansinh/common';
import { writableCommune } from '../units/writable-commune.ts';
import { Person } from './person.entity.ts';
import type { Gender } from './person.entity.ts';
import { livingCitizenIdsTaken, livingCitizenIdTaken } from './person.repository.ts';
import {
  identityConflictMessage,
  identityDifferences,
  intakeGender,
  MAX_INTAKE_PERSONS,
  type SentIdentity,
} from './person-intake.rules.ts';
import { validateNewPerson, type FieldProblem, type NewPerson, type NewPersonInput } from './person.rules.ts';
import { createPerson, createPersons, type PlacedNewPerson } from './person.service.ts';

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
 * Finds or registers the applicants of dossiers sent by the province's one-stop system, each with its
 * own outcome, in order (a refusal of one never blocks another, and writes nothing for it): the living
 * person with the CCCD in the caller's scope when there is one, who must be the person described (a
 * different name, birth date, gender or commune of residence is a CONFLICT naming the fields; the
 * register is never overwritten from a dossier); else a new person registered by the person rules and
 * service, as `createPerson`, at the commune given. A CCCD that a living person outside the caller's
 * scope holds is a CONFLICT that says nothing of that person. Two dossiers of one new person register
 * them once: the first that passes the checks, and the later ones are compared with that person.
 *
 * The batch is checked with a query per step rather than per applicant (each commune once, the
 * persons in scope and the CCCDs taken elsewhere in one query each), and the new persons are
 * registered in one transaction; should another request register one of their CCCDs meanwhile, they
 * are settled one at a time instead.
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
  const outcomes = new Array<IntakePersonOutcome>(inputs.length);

  const checked: Applicant[] = [];
  inputs.forEach((input, index) => {
    const applicant = settled(() => checkedApplicant(input, today));
    if ('error' in applicant) outcomes[index] = applicant;
    else checked.push({ ...applicant, index, input });
  });

  const communes = new Map<string, { id: string } | { error: AppError }>();
  for (const { person } of checked) {
    const code = person.residenceUnitCode;
    if (!communes.has(code)) {
      communes.set(code, await settledAsync(() => writableCommune(em, session, code)));
    }
  }
  const placed: Placed[] = [];
  for (const applicant of checked) {
    const commune = communes.get(applicant.person.residenceUnitCode)!;
    if ('error' in commune) outcomes[applicant.index] = commune;
    else placed.push({ ...applicant, sent: sentIdentity(applicant, commune.id) });
  }

  const citizenIds = [...new Set(placed.map((applicant) => applicant.person.citizenId))];
  // Taken anywhere first, then in scope: a person another request registers in the caller's scope
  // between the two reads is found in scope, never reported as held elsewhere.
  const taken = await livingCitizenIdsTaken(em, citizenIds);
  const inScope = new Map<string, Person>();
  if (citizenIds.length) {
    for (const person of await em.find(Person, { citizenId: { $in: citizenIds }, status: 'living' })) {
      inScope.set(person.citizenId!, person);
    }
  }

  const registrants = new Map<string, Placed>();
  const repeats: Placed[] = [];
  for (const applicant of placed) {
    const citizenId = applicant.person.citizenId;
    const existing = inScope.get(citizenId);
    if (existing) outcomes[applicant.index] = settled(() => matching(existing, applicant.sent));
    else if (taken.has(citizenId)) outcomes[applicant.index] = { error: takenOutsideScope() };
    else if (registrants.has(citizenId)) repeats.push(applicant);
    else registrants.set(citizenId, applicant);
  }

  let created: Person[];
  try {
    // In CCCD order: two batches registering some of the same CCCDs at once wait for each other at
    // the unique index rather than deadlock.
    const byCitizenId = [...registrants.values()].sort((a, b) =>
      a.person.citizenId < b.person.citizenId ? -1 : 1,
    );
    created = await createPersons(em, session, byCitizenId.map(placedNewPerson));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // Nothing was written: a concurrent request (a retry of the same dossiers) registered one of the
    // CCCDs since the look-up. These applicants are settled one at a time, each as if sent alone.
    const alone = [...registrants.values(), ...repeats].sort((a, b) => a.index - b.index);
    for (const applicant of alone) {
      outcomes[applicant.index] = await settledAsync(() => intakePerson(em, session, applicant.input, today));
    }
    return outcomes;
  }
  const registered = new Map<string, Person>();
  for (const person of created) {
    registered.set(person.citizenId!, person);
    outcomes[registrants.get(person.citizenId!)!.index] = { personId: person.id, created: true };
  }
  for (const applicant of repeats) {
    const person = registered.get(applicant.person.citizenId)!;
    outcomes[applicant.index] = settled(() => matching(person, applicant.sent));
  }
  return outcomes;
}

/** An applicant through the person rules: as `createPerson` takes them, and as they passed. */
type CheckedApplicant = {
  personInput: NewPersonInput;
  person: NewPerson & { citizenId: string };
  sentGender: Gender | null;
};

/** One of the batch's applicants, through the person rules. */
type Applicant = CheckedApplicant & { index: number; input: IntakePersonInput };

/** An applicant at a commune the caller may write, with what is compared with a person the register holds. */
type Placed = Applicant & { sent: SentIdentity };

function placedNewPerson({ person, sent }: Placed): PlacedNewPerson {
  const { residenceUnitCode: _code, ...rest } = person;
  return { ...rest, residenceUnitId: sent.residenceUnitId };
}

/** The applicant through the person rules (the CCCD's gender when none is sent), or the refusal naming the field. */
function checkedApplicant(input: IntakePersonInput, today: Date): CheckedApplicant {
  const sentGender = input.gender ?? null;
  const person: NewPersonInput = {
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
  return { personInput: person, person: { ...validated.person, citizenId }, sentGender };
}

function sentIdentity(applicant: CheckedApplicant, residenceUnitId: string): SentIdentity {
  return {
    fullName: applicant.person.fullName,
    birthDate: applicant.person.birthDate ?? String(applicant.person.birthYear),
    gender: applicant.sentGender,
    residenceUnitId,
  };
}

/** The outcome of one applicant's step: its value, or its refusal (any other error is the whole call's). */
function settled<T>(work: () => T): T | { error: AppError } {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { error };
  }
}

async function settledAsync<T>(work: () => Promise<T>): Promise<T | { error: AppError }> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { error };
  }
}

/** One applicant on its own: the path of a batch whose new persons could not be registered together. */
async function intakePerson(
  em: EntityManager,
  session: Session,
  input: IntakePersonInput,
  today: Date,
): Promise<{ personId: string; created: boolean }> {
  const applicant = checkedApplicant(input, today);
  const citizenId = applicant.person.citizenId;
  const commune = await writableCommune(em, session, applicant.person.residenceUnitCode);
  const sent = sentIdentity(applicant, commune.id);

  // In this order for the reason given in intakePersons.
  const taken = await livingCitizenIdTaken(em, citizenId);
  const existing = await livingPersonInScope(em, citizenId);
  if (existing) return matching(existing, sent);
  if (taken) throw takenOutsideScope();
  try {
    const created = await createPerson(em, session, applicant.personInput, today);
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

function matching(person: Person, sent: SentIdentity): { personId: string; created: boolean } {
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

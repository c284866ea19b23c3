import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, conflict, forbidden, todayInVietnam, type Session } from '@ansinh/common';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Application } from '../../applications/application.entity.ts';
import { checkFiledOn, checkMemberCount } from '../../applications/application-input.rule.ts';
import { loadWorkflows } from '../../applications/application.repository.ts';
import { fileDossier, resubmitApplication } from '../../applications/application.service.ts';
import { workflowInForce } from '../../applications/workflow.rule.ts';
import { chooseCategory } from './category-code.rule.ts';
import { resolveCommune, type UnitVersion } from './commune-code.rule.ts';
import {
  checkBatchSize,
  contentDifferences,
  readSubmission,
  withIntakeField,
  type IntakeDossierInput,
  type Submission,
} from './intake-input.rule.ts';
import {
  categoryCandidates,
  existingDossiers,
  recordSubmission,
  unitLineage,
  type ExistingDossier,
} from './intake.repository.ts';
import { intakeAccepts, type SyncMode } from '../outbound/sync-mode.rule.ts';
import { syncModeOf } from '../outbound/sync.repository.ts';
import {
  RegistryUnavailableError,
  type RegistryApplicant,
  type RegistryPersons,
  type RegistryRefusal,
} from './registry-persons.client.ts';

/** The system submitting: its client (the `source` of its dossiers), its province, and its request. */
export type IntakeCaller = {
  clientId: string;
  provinceCode: string;
  authorization: string;
  requestId: string;
};

/** What became of one dossier submitted. */
export type IntakeOutcome = {
  index: number;
  externalCode: string;
  application: Application | null;
  /** Filed by this call (false: the dossier filed before under the code). */
  created: boolean;
  /** Its new documents were taken as the completion of a dossier returned for it. */
  resubmitted: boolean;
  error: AppError | null;
};

const MODE_NAMES: Record<SyncMode, string> = {
  'two-way': 'hai chiều',
  inbound: 'một chiều vào',
  outbound: 'một chiều ra',
  none: 'chưa kết nối',
};

/**
 * Who may submit: a province's integration client (role integration, `intake:write`) acting for its
 * province in force, whose sync mode takes dossiers in (two-way or inbound). Refuses the whole call.
 */
export async function intakeCaller(
  em: EntityManager,
  session: Session,
  request: { authorization: string | undefined; requestId: string },
): Promise<IntakeCaller> {
  session.assert('intake:write');
  const principal = session.requirePrincipal();
  const scope = session.scope!;
  if (scope.level !== 'province' || !principal.clientId) {
    throw forbidden('Chỉ hệ thống một cửa của tỉnh (tài khoản tích hợp cấp tỉnh) mới gửi hồ sơ qua đồng bộ.');
  }
  const mode = await syncModeOf(em, scope.code);
  if (!intakeAccepts(mode)) {
    throw forbidden(
      `Tỉnh (mã ${scope.code}) chưa nhận hồ sơ từ hệ thống một cửa: chế độ đồng bộ hiện nay là "${MODE_NAMES[mode]}". Quản trị viên cần đặt chế độ "hai chiều" hoặc "một chiều vào" trước.`,
    );
  }
  // The subgraph server passes the verified caller's header; without it the registry cannot act for them.
  if (!request.authorization)
    throw new Error('intake: the caller’s Authorization header is not in the context');
  return {
    clientId: principal.clientId,
    provinceCode: scope.code,
    authorization: request.authorization,
    requestId: request.requestId,
  };
}

/** A dossier to file, once its category, commune and filing day have been checked. */
type Prepared = {
  submission: Submission;
  commune: UnitVersion;
  categoryId: string;
};

type Item =
  | { index: number; code: string; kind: 'done'; outcome: IntakeOutcome }
  | {
      index: number;
      code: string;
      kind: 'new';
      submission: Submission;
      prepared?: Prepared;
      personId?: string;
    }
  | { index: number; code: string; kind: 'resubmit'; submission: Submission; existing: ExistingDossier }
  | { index: number; code: string; kind: 'repeat'; of: number };

/** The registry's names of an applicant's fields, as the intake's input names them. */
const REGISTRY_FIELDS: Record<string, string> = {
  citizenId: 'applicant.citizenId',
  oldIdNumber: 'applicant.citizenId',
  fullName: 'applicant.fullName',
  birthDate: 'applicant.birthDate',
  gender: 'applicant.gender',
  ethnicityCode: 'applicant.ethnicityCode',
  phone: 'applicant.phone',
  address: 'applicant.address',
  residenceUnitCode: 'communeCode',
};

// The registry's answer names the field: an own property only (a `constructor` names no field).
const registryField = (field: string) =>
  Object.hasOwn(REGISTRY_FIELDS, field) ? REGISTRY_FIELDS[field]! : 'applicant';

function registryRefusal(refusal: RegistryRefusal): AppError {
  const code = (['BAD_USER_INPUT', 'FORBIDDEN', 'CONFLICT', 'NOT_FOUND'] as const).find(
    (known) => known === refusal.code,
  );
  return new AppError(code ?? 'BAD_USER_INPUT', refusal.message, {
    field: registryField(refusal.field ?? 'applicant'),
    ...(refusal.fields ? { details: { fields: refusal.fields.map(registryField) } } : {}),
  });
}

function contentConflict(fields: readonly string[], returned: boolean): AppError {
  if (fields.length === 1 && fields[0] === 'documents') {
    return conflict(
      'documents',
      returned
        ? 'Hồ sơ đang được trả lại để bổ sung: gửi lại hồ sơ với giấy tờ bổ sung, không thay đổi thông tin khác.'
        : 'Hồ sơ với mã này đã được tiếp nhận và không ở trạng thái trả lại để bổ sung: không thay đổi được giấy tờ.',
      { fields },
    );
  }
  return conflict(
    'externalCode',
    `Mã hồ sơ này đã được dùng cho một hồ sơ với nội dung khác (${fields.join(', ')}): hồ sơ đã tiếp nhận không bị thay đổi.`,
    { fields },
  );
}

const registryUnavailable = () =>
  new GraphQLError(
    'Sổ đối tượng (registry) tạm thời không trả lời: chưa hồ sơ nào được ghi. Vui lòng gửi lại sau.',
    { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } },
  );

/** A code that could not be read is echoed bounded: a result never repeats a huge value. */
const echoed = (code: unknown) => (typeof code === 'string' ? code.slice(0, 100) : '');

/**
 * Files the dossiers a province's one-stop system submits, each on its own and all or nothing: its
 * applicant found by CCCD or registered in the registry (registry-persons.client.ts), its commune of
 * either era resolved to today's, its category open in the filing month, filed through the
 * application service at that commune with the system's code, and what was submitted recorded in the
 * same transaction. Idempotent on (source, externalCode): the same content again answers the same
 * dossier; different content is a CONFLICT listing the fields; new documents while the dossier is
 * returned for completion are its resubmission. Every check that needs no person is made before the
 * registry is asked, so a refused dossier writes nothing in either subgraph. The results are in the
 * order of the inputs, with field paths relative to each input.
 */
export async function submitDossiers(
  em: EntityManager,
  session: Session,
  registry: RegistryPersons,
  caller: IntakeCaller,
  inputs: readonly IntakeDossierInput[],
  options: { logger: Logger; now?: Date },
): Promise<IntakeOutcome[]> {
  checkBatchSize(inputs.length);
  const now = options.now ?? new Date();
  const today = todayInVietnam(now);
  const done = (index: number, code: string, outcome: Partial<IntakeOutcome>): Item => ({
    index,
    code,
    kind: 'done',
    outcome: {
      index,
      externalCode: code,
      application: null,
      created: false,
      resubmitted: false,
      error: null,
      ...outcome,
    },
  });

  // 1. Each input as submitted (no database).
  const read = inputs.map((input, index) => {
    try {
      return { index, submission: readSubmission(input, caller.clientId, today) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return done(index, echoed(input.externalCode), { error });
    }
  });

  // 2. Codes filed before (a retry, a conflict, or a completion) and codes repeated within the batch.
  const submitted = read.filter(
    (entry): entry is { index: number; submission: Submission } => 'submission' in entry,
  );
  const existing = await existingDossiers(em, caller.clientId, [
    ...new Set(submitted.map(({ submission }) => submission.externalCode)),
  ]);
  const firstOfCode = new Map<string, Submission & { index: number }>();
  const items: Item[] = read.map((entry) => {
    if (!('submission' in entry)) return entry;
    const { index, submission } = entry;
    const code = submission.externalCode;
    const earlier = firstOfCode.get(code);
    if (earlier) {
      const fields = contentDifferences(earlier.content, submission.content);
      return fields.length
        ? done(index, code, { error: contentConflict(fields, false) })
        : { index, code, kind: 'repeat', of: earlier.index };
    }
    firstOfCode.set(code, { ...submission, index });
    const before = existing.get(code);
    if (!before) return { index, code, kind: 'new', submission };
    const fields = contentDifferences(before.content, submission.content);
    if (!fields.length) return done(index, code, { application: before.application });
    const returned = before.application.state === 'returned';
    if (returned && fields.length === 1 && fields[0] === 'documents') {
      return { index, code, kind: 'resubmit', submission, existing: before };
    }
    return done(index, code, { error: contentConflict(fields, returned) });
  });

  // 3. The new dossiers' commune, category and filing day (reference data read once for the batch).
  const fresh = items.filter((item): item is Extract<Item, { kind: 'new' }> => item.kind === 'new');
  if (fresh.length) {
    const codesOf = (pick: (content: Submission['content']) => string) => [
      ...new Set(fresh.map((item) => pick(item.submission.content))),
    ];
    const lineage = await unitLineage(
      em,
      codesOf((content) => content.communeCode),
    );
    const categories = await categoryCandidates(
      em,
      codesOf((content) => content.categoryCode),
      caller.provinceCode,
    );
    const workflows = await loadWorkflows(em);
    for (const item of fresh) {
      try {
        const { content } = item.submission;
        const commune = resolveCommune(content.communeCode, lineage, today);
        if (!session.coversForWrite(commune.path)) {
          throw new AppError(
            'FORBIDDEN',
            `Xã/phường mã ${content.communeCode} (${commune.fullName}) không thuộc tỉnh của hệ thống gửi hồ sơ.`,
            { field: 'communeCode' },
          );
        }
        const category = chooseCategory(
          content.categoryCode,
          categories,
          caller.provinceCode,
          content.filedOn,
        );
        checkFiledOn(content.filedOn, today, {
          categoryFrom: category.validFromMonth,
          categoryTo: category.validToMonth,
          programFrom: category.programValidFromMonth,
          programTo: category.programValidToMonth,
          unitValidFrom: commune.validFrom,
        });
        if (!workflowInForce(workflows, caller.provinceCode, content.filedOn)) {
          throw badInput('filedOn', 'Không có quy trình giải quyết hồ sơ áp dụng cho ngày tiếp nhận này.');
        }
        checkMemberCount(content.memberCount, category.perMember);
        item.prepared = { submission: item.submission, commune, categoryId: category.id };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        items[item.index] = done(item.index, item.code, { error });
      }
    }
  }

  // 4. Their applicants, found or registered by the registry, in one call.
  const toRegister = items.filter(
    (item): item is Extract<Item, { kind: 'new' }> & { prepared: Prepared } =>
      item.kind === 'new' && item.prepared !== undefined,
  );
  if (toRegister.length) {
    const applicants: RegistryApplicant[] = toRegister.map(({ prepared }) => {
      const { applicant } = prepared.submission.content;
      return {
        ...applicant,
        gender: applicant.gender ? (applicant.gender.toUpperCase() as RegistryApplicant['gender']) : null,
        residenceUnitCode: prepared.commune.code,
      };
    });
    let persons: Awaited<ReturnType<RegistryPersons['intakePersons']>>;
    try {
      persons = await registry.intakePersons(applicants, caller);
    } catch (error) {
      if (!(error instanceof RegistryUnavailableError)) throw error;
      options.logger.warn({ reason: error.message, dossiers: applicants.length }, 'registry unavailable');
      throw registryUnavailable();
    }
    toRegister.forEach((item, position) => {
      const person = persons[position]!;
      if ('error' in person)
        items[item.index] = done(item.index, item.code, { error: registryRefusal(person.error) });
      else item.personId = person.personId;
    });
  }

  // 5. The writes, in the order submitted: each dossier in its own transaction.
  const outcomes: IntakeOutcome[] = [];
  for (const item of items) {
    outcomes.push(await settle(em, session, caller, item, outcomes, now));
  }
  return outcomes;
}

async function settle(
  em: EntityManager,
  session: Session,
  caller: IntakeCaller,
  item: Item,
  earlier: readonly IntakeOutcome[],
  now: Date,
): Promise<IntakeOutcome> {
  const outcome = (fields: Partial<IntakeOutcome>): IntakeOutcome => ({
    index: item.index,
    externalCode: item.code,
    application: null,
    created: false,
    resubmitted: false,
    error: null,
    ...fields,
  });
  if (item.kind === 'done') return item.outcome;
  if (item.kind === 'repeat') {
    const first = earlier[item.of]!;
    return outcome({ application: first.application, error: first.error });
  }
  const record = (submission: Submission) => (tx: EntityManager, applicationId: string) =>
    recordSubmission(tx, {
      applicationId,
      sourceSystem: caller.clientId,
      externalCode: submission.externalCode,
      provinceCode: caller.provinceCode,
      content: submission.content,
    });
  try {
    if (item.kind === 'resubmit') {
      const application = await resubmitApplication(
        em,
        session,
        item.existing.application.id,
        item.submission.documents,
        now,
        record(item.submission),
      );
      return outcome({ application, resubmitted: true });
    }
    if (!item.prepared || !item.personId) throw new Error(`intake: dossier ${item.index} was not prepared`);
    const { submission, categoryId } = item.prepared;
    const filed = await fileDossier(
      em,
      session,
      {
        personId: item.personId,
        categoryId,
        filedOn: submission.content.filedOn,
        memberCount: submission.content.memberCount,
        externalDossierCode: submission.externalCode,
        documents: submission.documents,
      },
      now,
      record(submission),
    );
    if (filed.created) return outcome({ application: filed.application, created: true });
    return outcome(await againstFiled(em, caller, submission));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // The same code filed by a concurrent request in the meantime: compare with what it submitted.
    if (error.code === 'CONFLICT' && error.field === 'externalDossierCode' && item.kind === 'new') {
      return outcome(await againstFiled(em, caller, item.submission));
    }
    return outcome({ error: withIntakeField(error) });
  }
}

/** A code filed by another request while this one was checking: the same content, or a conflict. */
async function againstFiled(
  em: EntityManager,
  caller: IntakeCaller,
  submission: Submission,
): Promise<Partial<IntakeOutcome>> {
  const filed = (await existingDossiers(em, caller.clientId, [submission.externalCode])).get(
    submission.externalCode,
  );
  if (!filed) return { error: conflict('externalCode', 'Mã hồ sơ này vừa được dùng cho một hồ sơ khác.') };
  const fields = contentDifferences(filed.content, submission.content);
  return fields.length
    ? { error: contentConflict(fields, filed.application.state === 'returned') }
    : { application: filed.application };
}

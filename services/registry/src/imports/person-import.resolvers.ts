import { badInput, downloadPath, jobOwnerOf, unitInScope, type JobRecord } from '@ansinh/common';
import type { ImportField, Resolvers } from '../generated/resolvers-types.ts';
import { CANONICAL_FIELDS, type CanonicalField } from './column-mapping.ts';
import {
  INLINE_IMPORT_MAX_BYTES,
  PERSON_IMPORT,
  type PersonImportPayload,
  type PersonImportResult,
} from './person-import.job.ts';

/** `FULL_NAME` → `fullName`. */
const fieldOf = (field: ImportField): CanonicalField => {
  const canonical = field
    .toLowerCase()
    .replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  if (!(CANONICAL_FIELDS as readonly string[]).includes(canonical))
    throw badInput('mapping', `Trường ${field} không nhập được.`);
  return canonical as CanonicalField;
};

export const personImportResolvers = {
  Mutation: {
    /**
     * Queues the import of an uploaded file as a job of the caller; a small file (INLINE_IMPORT_MAX_BYTES)
     * runs at once in this request, through the same job, and comes back done.
     */
    importPersons: async (_parent, args, context) => {
      context.session.assert('person:write');
      const principal = context.session.requirePrincipal();
      const owner = jobOwnerOf(context.session);
      // NOT_FOUND unless the upload is in the caller's scope (and not expired).
      const upload = await context.files.stat(args.file, owner.unitPath);
      let defaultUnitCode: string | undefined;
      if (args.unitCode) {
        const units = context.loaders.scopeUnits;
        const commune = { level: 'commune' } as const;
        defaultUnitCode = (await unitInScope(context.session, 'person:write', args.unitCode, units, commune))
          .code;
      } else if (principal.unitLevel === 'commune') {
        defaultUnitCode = principal.unitCode;
      }
      const payload: PersonImportPayload = {
        fileId: upload.id,
        fileName: upload.fileName,
        mapping: args.mapping?.map((assignment) => ({
          column: assignment.column,
          field: fieldOf(assignment.field),
        })),
        defaultUnitCode,
      };
      const jobs = context.jobs!;
      return upload.bytes <= INLINE_IMPORT_MAX_BYTES
        ? jobs.runNow(PERSON_IMPORT, payload, owner)
        : jobs.enqueue(PERSON_IMPORT, payload, owner);
    },
  },
  Job: {
    personImport: (job: JobRecord) => {
      if (job.kind !== PERSON_IMPORT || job.state !== 'done' || !job.result) return null;
      const { reportFileId, ...result } = job.result as PersonImportResult;
      return {
        ...result,
        reportUrl: reportFileId ? downloadPath({ service: job.service, id: reportFileId }) : null,
      };
    },
  },
} satisfies Pick<Resolvers, 'Mutation' | 'Job'>;

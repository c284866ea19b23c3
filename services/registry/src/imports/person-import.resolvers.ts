import { badInput } from '@ansinh/common';
import type { ImportField, Resolvers } from '../generated/resolvers-types.ts';
import { CANONICAL_FIELDS, type CanonicalField } from './column-mapping.ts';
import { importPersons } from './person-import.service.ts';
import { SpreadsheetError } from './spreadsheet-source.ts';

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
    importPersons: async (_parent, args, context) => {
      context.session.assert('person:write');
      const principal = context.session.requirePrincipal();
      const upload = await context.files.open(args.file, principal.subject);
      let defaultUnitCode: string | undefined;
      if (args.unitCode) {
        const unit = await context.loaders.unitByCode.load(args.unitCode);
        if (!unit || unit.level !== 'commune') {
          throw badInput('unitCode', `Không tìm thấy xã/phường có mã "${args.unitCode}".`);
        }
        context.session.assertOnUnit('person:write', unit.path);
        defaultUnitCode = unit.code;
      } else if (principal.unitLevel === 'commune') {
        defaultUnitCode = principal.unitCode;
      }
      const report = await context.files.reserve(
        principal.subject,
        `loi-nhap-${upload.fileName.replace(/\.\w+$/, '')}.xlsx`,
      );
      try {
        const result = await importPersons({
          // The request's own session: its pool, role, scope and actor (set in services/common subgraph.ts).
          database: {
            pool: await context.em.getConnection().getNativeClient(),
            session: context.em.getSessionContext() ?? {},
          },
          file: upload.path,
          fileName: upload.fileName,
          mapping: args.mapping?.map((assignment) => ({
            column: assignment.column,
            field: fieldOf(assignment.field),
          })),
          defaultUnitCode,
          report,
        });
        if (result.reportId) await report.commit();
        else await context.files.remove(report.id);
        context.logger.info(
          { importId: result.id, rows: result.rows, created: result.created, rejected: result.rejected },
          'persons imported',
        );
        return { ...result, reportUrl: result.reportId ? `/import-report?id=${result.reportId}` : null };
      } catch (error) {
        await context.files.remove(report.id);
        if (error instanceof SpreadsheetError) throw badInput('file', error.message);
        throw error;
      } finally {
        await context.files.remove(args.file);
      }
    },
  },
} satisfies Pick<Resolvers, 'Mutation'>;

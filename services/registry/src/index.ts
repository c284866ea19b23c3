import { fileURLToPath } from 'node:url';
import { fileRoutes, loadTypeDefs, type SubgraphDefinition } from '@ansinh/common';
import { createRegistryContext, type RegistryContext } from './context.ts';
import { Person } from './persons/person.entity.ts';
import { personResolvers } from './persons/person.resolvers.ts';
import { personExportResolvers } from './persons/person-export.resolvers.ts';
import { personIntakeResolvers } from './persons/person-intake.resolvers.ts';
import { AdministrativeUnit } from './units/administrative-unit.entity.ts';
import { Household } from './households/household.entity.ts';
import { PaymentAccount } from './accounts/payment-account.entity.ts';
import { ChangeRecord } from './history/change-record.entity.ts';
import { DuplicateWarning } from './duplicates/duplicate-warning.entity.ts';
import { unitResolvers } from './units/unit.resolvers.ts';
import { householdResolvers } from './households/household.resolvers.ts';
import { paymentAccountResolvers } from './accounts/payment-account.resolvers.ts';
import { changeRecordResolvers } from './history/change-record.resolvers.ts';
import { duplicateWarningResolvers } from './duplicates/duplicate-warning.resolvers.ts';
import { dataGapResolvers } from './data-gaps/data-gaps.resolvers.ts';
import { personImportResolvers } from './imports/person-import.resolvers.ts';
import { registryJobResolvers, registryJobs } from './imports/registry-jobs.ts';
import { reformResolvers } from './reform/reform.resolvers.ts';
import { ReformReview } from './reform/reform-review.entity.ts';

export const registryTypeDefs = loadTypeDefs(import.meta.url);

export const registrySubgraph: SubgraphDefinition<RegistryContext> = {
  name: 'registry',
  defaultPort: 4001,
  schema: 'registry',
  requestTransaction: true,
  typeDefs: registryTypeDefs,
  resolvers: {
    Query: {
      ...unitResolvers.Query,
      ...personResolvers.Query,
      ...householdResolvers.Query,
      ...paymentAccountResolvers.Query,
      ...duplicateWarningResolvers.Query,
      ...dataGapResolvers.Query,
      ...registryJobResolvers.Query,
      ...reformResolvers.Query,
    },
    Mutation: {
      ...personResolvers.Mutation,
      ...personExportResolvers.Mutation,
      ...personIntakeResolvers.Mutation,
      ...householdResolvers.Mutation,
      ...paymentAccountResolvers.Mutation,
      ...duplicateWarningResolvers.Mutation,
      ...personImportResolvers.Mutation,
      ...registryJobResolvers.Mutation,
      ...reformResolvers.Mutation,
    },
    AdministrativeUnit: unitResolvers.AdministrativeUnit,
    Person: personResolvers.Person,
    Household: householdResolvers.Household,
    PaymentAccount: paymentAccountResolvers.PaymentAccount,
    PaymentProvider: paymentAccountResolvers.PaymentProvider,
    ChangeRecord: changeRecordResolvers.ChangeRecord,
    DuplicateWarning: duplicateWarningResolvers.DuplicateWarning,
    DataGap: dataGapResolvers.DataGap,
    Job: registryJobResolvers.Job,
    ReformReview: reformResolvers.ReformReview,
    ReformUnitMove: reformResolvers.ReformUnitMove,
    ReformSplitCase: reformResolvers.ReformSplitCase,
    ReformStrandedUnit: reformResolvers.ReformStrandedUnit,
  },
  entities: [
    AdministrativeUnit,
    Person,
    Household,
    PaymentAccount,
    ChangeRecord,
    DuplicateWarning,
    ReformReview,
  ],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createRegistryContext,
  // Files are uploaded here only to be imported.
  routes: (contextOf) => fileRoutes(contextOf, { uploadAction: 'person:write' }),
  jobs: registryJobs,
};

export { AdministrativeUnit, Person };
export { checkCitizenId } from './persons/citizen-id.rule.ts';
export { parseBirthDate, validateNewPerson } from './persons/person.rules.ts';
export {
  formatImportReport,
  importUnitLists,
  importUnitsFile,
  loadNationalUnits,
  NATIONAL_UNITS_DIRECTORY,
  type UnitsImportReport,
} from './units/import/units-import.ts';
export { parseIsoDate } from './units/unit-dates.ts';
export { importPersons, type PersonImportReport } from './imports/person-import.service.ts';
export { foldText } from '@ansinh/common/standalone';
export { carryAcrossReform, type CarryOverOptions } from './reform/reform-carry-over.ts';
export { formatReformReport, type ReformCarryOverReport } from './reform/reform.rules.ts';
export {
  PERSON_IMPORT,
  type PersonImportPayload,
  type PersonImportResult,
} from './imports/person-import.job.ts';

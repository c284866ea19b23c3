import { readFileSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';

/** The parts of services/common's SDL a subgraph includes (its package.json `ansinh.sharedSdl`, as loadTypeDefs reads it). */
const sharedSdl = (name: string): string[] =>
  (
    JSON.parse(readFileSync(`services/${name}/package.json`, 'utf8')) as { ansinh?: { sharedSdl?: string[] } }
  ).ansinh?.sharedSdl?.map((part) => `services/common/src/${part}/${part}.graphql`) ?? [];

/**
 * Resolver types generated from each subgraph's SDL (never hand-written twins): `npm run codegen`.
 * Mappers tie GraphQL types to the entities the resolvers really return.
 */
const subgraph = (
  name: string,
  context: string,
  mappers: Record<string, string>,
  scalars: Record<string, string> = {},
) => ({
  [`services/${name}/src/generated/resolvers-types.ts`]: {
    schema: [`services/${name}/src/**/*.graphql`, ...sharedSdl(name)],
    plugins: ['typescript', 'typescript-resolvers'],
    config: {
      federation: true,
      useTypeImports: true,
      enumsAsTypes: true,
      contextType: `../context.ts#${context}`,
      mappers,
      scalars: { ID: 'string', ...scalars },
      mapperTypeSuffix: 'Entity',
      avoidOptionals: false,
      maybeValue: 'T | null | undefined',
      inputMaybeValue: 'T | null | undefined',
    },
  },
});

const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  generates: {
    ...subgraph(
      'registry',
      'RegistryContext',
      {
        AdministrativeUnit: '../units/administrative-unit.entity.ts#AdministrativeUnit',
        Person: '../persons/person.entity.ts#Person',
        Household: '../households/household.entity.ts#Household',
        PaymentAccount: '../accounts/payment-account.entity.ts#PaymentAccount',
        PaymentProvider: '../code-lists/payment-providers.ts#PaymentProvider',
        ChangeRecord: '../history/change-record.entity.ts#ChangeRecord',
        DuplicateWarning: '../duplicates/duplicate-warning.entity.ts#DuplicateWarning',
        DataGap: '../data-gaps/data-gaps.repository.ts#DataGapParent',
        ReformReview: '../reform/reform-review.repository.ts#ReformReviewRow',
        ReformUnitMove: '../reform/reform.rules.ts#ReformMove',
        ReformSplitCase: '../reform/reform.rules.ts#ReformSplit',
        ReformStrandedUnit: '../reform/reform.rules.ts#ReformStranded',
        Job: '@ansinh/common#JobRecord',
      },
      { Upload: 'string' },
    ),
    ...subgraph(
      'approvals',
      'ApprovalsContext',
      {
        Entitlement: '../entitlements/entitlement.entity.ts#Entitlement',
        ChangeRecord: '@ansinh/common#ChangeRecordRow',
        Program: '../programs/program.entity.ts#Program',
        Category: '../programs/program.entity.ts#Category',
        CoefficientBand: '../programs/program.entity.ts#CategoryBand',
        StandardLevel: '../entitlements/entitlement.entity.ts#StandardLevel',
        Decision: '../decisions/decision.entity.ts#Decision',
        EntitlementChange: '../decisions/decision.repository.ts#EntitlementChangeRow',
        PolicyConflict: '../decisions/decision.repository.ts#PolicyConflictRow',
        StopProposal: '../decisions/decision.repository.ts#StopProposalRow',
        Person: '../entitlements/entitlement.repository.ts#EntityReference',
        AdministrativeUnit: '../entitlements/entitlement.repository.ts#EntityReference',
        Job: '@ansinh/common#JobRecord',
        Application: '../applications/application.entity.ts#Application',
        ApplicationEvent: '../applications/application.entity.ts#ApplicationEvent',
        Resolution42List: '../resolution-42/r42.repository.ts#R42ListView',
        Resolution42Row: '../resolution-42/r42.repository.ts#R42RowView',
      },
      { VND: 'number' },
    ),
    ...subgraph(
      'payments',
      'PaymentsContext',
      {
        PaymentLine: '../payment-lines/payment-line.entity.ts#PaymentLine',
        PaymentList: '../payment-lists/payment-list.entity.ts#PaymentList',
        PaymentListAdjustment: '../payment-lists/payment-list.repository.ts#AdjustmentRow',
        Recovery: '../payment-lists/payment-list.repository.ts#RecoveryRow',
        CoveredMonth: '../payment-lists/payment-list.repository.ts#CoveredMonthRow',
        Person: '../payment-lines/payment-line.entity.ts#PersonReference',
        ChangeRecord: '@ansinh/common#ChangeRecordRow',
        Job: '@ansinh/common#JobRecord',
      },
      { VND: 'number' },
    ),
    ...subgraph('reporting', 'ReportingContext', { Job: '@ansinh/common#JobRecord' }, { VND: 'number' }),
    // The console's operations, typed from the public graph (the API schema of the supergraph): a schema
    // change that breaks a screen fails here or in its typecheck.
    'services/console/src/generated/': {
      schema: 'schema/api.graphql',
      documents: ['services/console/src/**/*.{ts,tsx}', '!services/console/src/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        scalars: { ID: 'string', VND: 'number', Upload: 'File' },
      },
    },
  },
};

export default config;

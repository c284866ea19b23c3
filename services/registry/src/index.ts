import { fileURLToPath } from 'node:url';
import { loadTypeDefs, type SubgraphDefinition } from '@ansinh/common';
import { createRegistryContext, type RegistryContext } from './context.ts';
import { Person } from './persons/person.entity.ts';
import { personResolvers } from './persons/person.resolvers.ts';
import { AdministrativeUnit } from './units/administrative-unit.entity.ts';
import { unitResolvers } from './units/unit.resolvers.ts';

export const registryTypeDefs = loadTypeDefs(import.meta.url);

export const registrySubgraph: SubgraphDefinition<RegistryContext> = {
  name: 'registry',
  defaultPort: 4001,
  schema: 'registry',
  typeDefs: registryTypeDefs,
  resolvers: {
    Query: { ...unitResolvers.Query, ...personResolvers.Query },
    Mutation: personResolvers.Mutation,
    AdministrativeUnit: unitResolvers.AdministrativeUnit,
    Person: personResolvers.Person,
  },
  entities: [AdministrativeUnit, Person],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createRegistryContext,
};

export { AdministrativeUnit, Person };
export { checkCitizenId } from './persons/citizen-id.rule.ts';
export { parseBirthDate, validateNewPerson } from './persons/person.rules.ts';

import type { BaseContext } from '@ansinh/common';
import { createPersonByIdLoader } from './persons/person.repository.ts';
import { createUnitByCodeLoader, createUnitChildrenLoader } from './units/unit.loader.ts';

export function createRegistryContext(base: BaseContext) {
  return {
    ...base,
    loaders: {
      personById: createPersonByIdLoader(base.em),
      unitByCode: createUnitByCodeLoader(base.em),
      unitChildren: createUnitChildrenLoader(base.em),
    },
  };
}

export type RegistryContext = ReturnType<typeof createRegistryContext>;

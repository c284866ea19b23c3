type ResolverMap = Record<string, Record<string, unknown>>;

/** Capabilities' resolvers as one map: each type's fields from every capability that has some; a field resolved twice is a mistake. */
export function mergeResolvers(service: string, ...maps: ResolverMap[]): ResolverMap {
  const merged: ResolverMap = Object.create(null) as ResolverMap;
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      for (const field of Object.keys(fields)) {
        if (merged[type] && field in merged[type])
          throw new Error(`${service}: ${type}.${field} is resolved twice`);
      }
      merged[type] = { ...merged[type], ...fields };
    }
  }
  return merged;
}

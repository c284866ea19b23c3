/**
 * GraphQL enum values are upper case (`NEAR_POOR`), stored values lower case (`near_poor`): the
 * mapping both ways, keeping the literal types so that a generated enum type checks against a
 * stored one.
 */
export const lower = <T extends string>(value: T) => value.toLowerCase() as Lowercase<T>;
export const upper = <T extends string>(value: T) => value.toUpperCase() as Uppercase<T>;

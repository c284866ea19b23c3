/**
 * A PostgreSQL array literal (`{"a","b"}`) for a raw-SQL parameter cast to an array type: MikroORM
 * expands a JavaScript array parameter into a list of values, which `unnest(?::text[])` cannot take.
 */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}

import { generateKeyPair, SignJWT } from 'jose';
import type { Random } from '../generator/random.ts';
import { hostileSpreadsheets, randomBytes } from './hostile-spreadsheets.ts';
import { rawRequest, slowHeaders, type Answer, type RawRequest } from './raw-http.ts';

/**
 * `refused`: the input must be turned down with a clear error. `any`: a fuzzed input that may happen
 * to be valid; it must only never get a server error. `survive`: the client goes away, nobody is there
 * to answer; only the services' survival counts.
 */
export type Expectation = 'refused' | 'any' | 'survive';

export type HostileCase = {
  family: string;
  name: string;
  expect: Expectation;
  send(): Promise<Answer>;
};

export type Target = {
  gateway: string;
  subgraphs: Record<string, string>;
  issuer: string;
  /**
   * Access tokens of demo users (a commune officer, a district, the province), kept fresh by the runner:
   * cases read them when they are sent, never when the corpus is built.
   */
  tokens: { officer: string; district: string; province: string };
  personInScope: string;
  personOutOfScope: string;
};

const json = (value: unknown) => JSON.stringify(value);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type TokenOf = () => string;
const jsonHeaders = (token?: TokenOf) => ({
  'content-type': 'application/json',
  ...(token ? bearer(token()) : {}),
});

const IMPORT = `mutation ($file: Upload!) { importPersons(file: $file) { id state personImport { rows created updated rejected problems { row column message } } } }`;

/** A GraphQL multipart body with one file (or none), as browsers and curl send it. */
export function multipartBody(
  parts: { name: string; value: string | Buffer; fileName?: string }[],
  boundary = 'ansinhArmorBoundary7MA4YWxkTrZu0gW',
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.fileName
      ? `form-data; name="${part.name}"; filename="${part.fileName}"`
      : `form-data; name="${part.name}"`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.fileName ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`,
      ),
      Buffer.from(part.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const importParts = (file: Buffer | string, fileName: string, map: unknown = { 0: ['variables.file'] }) => [
  { name: 'operations', value: json({ query: IMPORT, variables: { file: null } }) },
  { name: 'map', value: json(map) },
  { name: '0', value: file, fileName },
];

const REFUSED_CSV = 'Họ và tên;Ngày sinh;Giới tính\nNguyễn Văn Tương Lai;01/01/2099;Nam\n';

/** Every hostile input of the armor benchmark, built from the seed. */
export async function hostileCases(target: Target, random: Random): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const add = (family: string, name: string, expect: Expectation, request: () => RawRequest) =>
    cases.push({ family, name, expect, send: () => rawRequest(request()) });
  const graphql = (family: string, name: string, expect: Expectation, body: unknown, token?: TokenOf) =>
    add(family, name, expect, () => ({
      url: target.gateway,
      headers: jsonHeaders(token),
      body: typeof body === 'string' ? body : json(body),
    }));
  const multipart = (
    name: string,
    expect: Expectation,
    parts: Parameters<typeof multipartBody>[0],
    options: { token?: TokenOf; boundary?: string; abortAfterBytes?: number } = {},
  ) => {
    const { body, contentType } = multipartBody(parts, options.boundary);
    add('multipart', name, expect, () => ({
      url: target.gateway,
      headers: { 'content-type': contentType, ...(options.token ? bearer(options.token()) : {}) },
      body,
      ...(options.abortAfterBytes !== undefined ? { abortAfterBytes: options.abortAfterBytes } : {}),
    }));
  };
  const officer = () => target.tokens.officer;
  const district = () => target.tokens.district;
  const province = () => target.tokens.province;

  // --- Operations that would eat a service (the issue's cases first).
  const heavyPersons = `persons(first: 200) { edges { node { id fullName residenceUnit { name } entitlements { monthlyAmount } payments { month total status } } } }`;
  graphql(
    'operation',
    '1,000 aliases of persons(first: 200) with federated fields',
    'refused',
    { query: `{ ${Array.from({ length: 1000 }, (_, index) => `a${index}: ${heavyPersons}`).join(' ')} }` },
    officer,
  );
  graphql(
    'operation',
    '100,000 selections',
    'refused',
    { query: `{ persons(first: 1) { edges { node { ${'id '.repeat(100_000)} } } } }` },
    officer,
  );
  graphql(
    'operation',
    '20 aliases of persons(first: 200)',
    'refused',
    {
      query: `{ ${Array.from({ length: 20 }, (_, index) => `a${index}: ${heavyPersons}`).join(' ')} }`,
    },
    officer,
  );
  graphql(
    'operation',
    'nesting 10,000 deep',
    'refused',
    { query: `${'{a'.repeat(10_000)}${'}'.repeat(10_000)}` },
    officer,
  );
  graphql('operation', '5,000 directives on a field', 'refused', {
    query: `{ ethnicities { code ${'@include(if: true) '.repeat(5000)} } }`,
  });
  graphql('operation', 'fragment cycle', 'refused', {
    query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
  });
  graphql('operation', '2,000 fragments spread in each other', 'refused', {
    query: `{ ...F0 } ${Array.from({ length: 2000 }, (_, index) => `fragment F${index} on Query { ethnicities { code } ${index < 1999 ? `...F${index + 1}` : ''} }`).join(' ')}`,
  });
  graphql('operation', 'introspection nested 60 ofType deep', 'refused', {
    query: `{ __schema { types { fields { type { ${'ofType { '.repeat(60)}name${' }'.repeat(60)} } } } } }`,
  });
  graphql(
    'operation',
    'persons(first: 1000000)',
    'refused',
    { query: '{ persons(first: 1000000) { totalCount } }' },
    officer,
  );
  graphql(
    'operation',
    'persons(first: -5)',
    'refused',
    { query: '{ persons(first: -5) { totalCount } }' },
    officer,
  );
  graphql(
    'operation',
    'persons with a 100 KB cursor',
    'refused',
    {
      query: `{ persons(first: 5, after: "${'x'.repeat(100_000)}") { totalCount } }`,
    },
    officer,
  );
  graphql(
    'operation',
    'variables with a million-element array',
    'refused',
    {
      query: 'query ($c: [ID!]) { persons(first: 1) { totalCount } }',
      variables: { c: Array.from({ length: 200_000 }, (_, index) => String(index)) },
    },
    officer,
  );
  graphql('operation', 'a 1.5 MB string argument', 'refused', {
    query: `{ administrativeUnit(code: "${'4'.repeat(1_500_000)}") { name } }`,
  });
  graphql('operation', 'a 3 MB body', 'refused', {
    query: `{ ethnicities { code } } #${'x'.repeat(3 << 20)}`,
  });
  graphql(
    'operation',
    'a batch of 1,000 operations',
    'refused',
    Array.from({ length: 1000 }, () => ({ query: `{ ${heavyPersons} }` })),
    officer,
  );
  graphql('operation', 'body: JSON null', 'refused', 'null');
  graphql('operation', 'body: JSON number', 'refused', '42');
  graphql('operation', 'body: a string', 'refused', '"{ ethnicities { code } }"');
  graphql('operation', 'body: query is an object', 'refused', { query: { a: 1 } });
  graphql('operation', 'body: query null', 'refused', { query: null });
  graphql('operation', 'body: unterminated JSON', 'refused', '{"query": "{ ethnicities { code } }"');
  graphql(
    'operation',
    'body: __proto__ in variables',
    'refused',
    '{"query":"query ($code: ID!) { administrativeUnit(code: $code) { name } }","variables":{"__proto__":{"code":"42"},"constructor":{"prototype":{"polluted":1}}}}',
  );
  graphql('operation', 'body: NUL and lone surrogate in the query', 'refused', {
    query: '{ ethnicities { code\u0000 \ud800 } }',
  });
  graphql('operation', 'operationName that names nothing', 'refused', {
    query: '{ ethnicities { code } }',
    operationName: 'X'.repeat(10_000),
  });
  graphql('operation', 'extensions: bogus persisted query', 'refused', {
    extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } },
  });
  add('operation', 'GET with a 100 KB query string', 'refused', () => ({
    url: `${target.gateway}?query=${encodeURIComponent(`{ ethnicities { code ${'x '.repeat(50_000)} } }`)}`,
    method: 'GET',
    headers: { 'apollo-require-preflight': 'true' },
  }));
  add('operation', 'mutation by GET', 'refused', () => ({
    url: `${target.gateway}?query=${encodeURIComponent('mutation { deletePerson(id: "x") }')}`,
    method: 'GET',
    headers: { ...bearer(officer()), 'apollo-require-preflight': 'true' },
  }));
  add('operation', 'text/plain body (cross-site request)', 'refused', () => ({
    url: target.gateway,
    headers: { 'content-type': 'text/plain', ...bearer(officer()) },
    body: json({ query: 'mutation { deletePerson(id: "00000000-0000-0000-0000-000000000000") }' }),
  }));
  add('operation', 'a 60 KB header', 'refused', () => ({
    url: target.gateway,
    headers: { 'content-type': 'application/json', 'x-junk': 'x'.repeat(60_000) },
    body: json({ query: '{ ethnicities { code } }' }),
  }));
  add('operation', '2,000 headers', 'refused', () => ({
    url: target.gateway,
    headers: {
      'content-type': 'application/json',
      ...Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`x-h${index}`, 'v'])),
    },
    body: json({ query: '{ ethnicities { code } }' }),
  }));
  add('operation', 'body cut off half-way (client leaves)', 'survive', () => ({
    url: target.gateway,
    headers: { 'content-type': 'application/json', 'content-length': '100000' },
    body: json({ query: '{ ethnicities { code } }' }),
    abortAfterBytes: 10,
  }));
  cases.push({
    family: 'operation',
    name: 'slowloris: headers one byte a second',
    expect: 'refused',
    send: async () =>
      (await slowHeaders(target.gateway, 70_000))
        ? { status: 408, text: '{"error":"connection closed by the server"}' }
        : { status: 200, text: 'the server kept the connection open for 70 s' },
  });

  // Fuzzed operations: valid queries with syntax broken at seeded places.
  const bases = [
    '{ persons(first: 5) { edges { node { id fullName entitlements { monthlyAmount } } } } }',
    '{ administrativeUnits(parentCode: "42") { code name successors { code } } }',
    'mutation { createPerson(input: { fullName: "Nguyễn Văn A", birthDate: "1950", gender: MALE, residenceUnitCode: "18073" }) { id } }',
    '{ dataGaps { total } }',
  ];
  const breakers = [
    '{',
    '}',
    '(',
    ')',
    '$',
    '@',
    '"',
    '...',
    '\u0000',
    '\\',
    ':',
    '!',
    '[',
    '#\n}',
    '\ud83d',
  ];
  for (let index = 0; index < 160; index += 1) {
    const base = random.pick(bases);
    let query: string;
    const cut = random.int(1, base.length - 1);
    switch (index % 4) {
      case 0:
        query = base.slice(0, cut);
        break;
      case 1:
        query = base.slice(0, cut) + random.pick(breakers) + base.slice(cut);
        break;
      case 2:
        query = base.slice(0, cut) + base.slice(random.int(0, base.length - 1));
        break;
      default:
        query =
          base.slice(0, cut) +
          String.fromCharCode(...randomBytes(random, random.int(1, 8))) +
          base.slice(cut);
    }
    graphql('operation-fuzz', `fuzzed operation ${index}`, 'any', { query }, officer);
  }

  // --- Tokens.
  const [header, payload] = officer().split('.');
  const { privateKey } = await generateKeyPair('RS256');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const selfSigned = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: JSON.parse(Buffer.from(header!, 'base64url').toString()).kid })
    .sign(privateKey);
  const unsigned = `${Buffer.from(json({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
  const flipped = officer().slice(0, -4) + (officer().endsWith('AAAA') ? 'BBBB' : 'AAAA');
  const foreign = await new SignJWT({ ...claims, iss: 'https://evil.example/realms/ansinh' })
    .setProtectedHeader({ alg: 'RS256' })
    .sign(privateKey);
  const tokenCases: [string, Record<string, string>][] = [
    ['a token signed with another key under the realm key id', bearer(selfSigned)],
    ['alg none', bearer(unsigned)],
    ['a token with a flipped signature', bearer(flipped)],
    ['a token of another issuer', bearer(foreign)],
    ['garbage bearer', { authorization: 'Bearer ' + 'x'.repeat(5000) }],
    ['three dots', { authorization: 'Bearer ...' }],
    ['Basic credentials', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }],
    ['empty bearer', { authorization: 'Bearer ' }],
  ];
  for (const [name, headers] of tokenCases) {
    add('token', name, 'refused', () => ({
      url: target.gateway,
      headers: { 'content-type': 'application/json', ...headers },
      body: json({ query: '{ persons(first: 1) { totalCount } }' }),
    }));
  }

  // --- Scope: other units' data and writes.
  graphql(
    'scope',
    'a person of another district',
    'refused',
    { query: `{ person(id: "${target.personOutOfScope}") { fullName citizenId } }` },
    officer,
  );
  graphql(
    'scope',
    'persons of another commune',
    'refused',
    { query: '{ persons(unitCode: "18229", first: 5) { totalCount } }' },
    officer,
  );
  graphql(
    'scope',
    'create a person in another commune',
    'refused',
    {
      query:
        'mutation { createPerson(input: { fullName: "Nguyễn Văn Xa", birthDate: "1950", gender: MALE, residenceUnitCode: "18229" }) { id } }',
    },
    officer,
  );
  graphql(
    'scope',
    'update a person of another district',
    'refused',
    {
      query: `mutation { updatePerson(id: "${target.personOutOfScope}", input: { address: "Thôn 9" }) { id } }`,
    },
    officer,
  );
  graphql(
    'scope',
    'delete a person of another district',
    'refused',
    { query: `mutation { deletePerson(id: "${target.personOutOfScope}") }` },
    officer,
  );
  graphql(
    'scope',
    'a district account writes',
    'refused',
    {
      query:
        'mutation { createPerson(input: { fullName: "Nguyễn Văn Huyện", birthDate: "1950", gender: MALE, residenceUnitCode: "18073" }) { id } }',
    },
    district,
  );
  graphql('scope', 'anonymous reads persons', 'refused', { query: '{ persons(first: 1) { totalCount } }' });
  graphql('scope', 'anonymous writes', 'refused', {
    query: `mutation { deletePerson(id: "${target.personInScope}") }`,
  });
  graphql(
    'scope',
    'the province deletes a person with entitlements',
    'any',
    { query: `mutation { deletePerson(id: "not-a-uuid") }` },
    province,
  );

  // --- Text that must not be stored.
  const hostileText: [string, string][] = [
    ['100,000 characters', 'Nguyễn '.repeat(14_286)],
    ['1 MB', 'a'.repeat(1 << 20)],
    ['right-to-left override', 'Nguyễn Văn \u202eA'],
    ['a spreadsheet formula', '=HYPERLINK("http://evil.example","Nguyễn")'],
    ['a script tag', '<script>alert(1)</script>'],
    ['a NUL byte', 'Nguyễn\u0000Văn'],
    ['a zero-width space', 'Nguyễn\u200bVăn A'],
    ['a lone surrogate', 'Nguyễn \ud800 A'],
    ['a C1 control', 'Nguyễn\u0085Văn'],
    ['only digits', '123456'],
    ['only spaces', '     '],
  ];
  const personFields = [
    'fullName',
    'address',
    'citizenId',
    'oldIdNumber',
    'phone',
    'ethnicityCode',
    'birthDate',
  ];
  for (const [what, value] of hostileText) {
    for (const field of personFields) {
      if (field !== 'fullName' && (what === 'only digits' || what === 'only spaces')) continue;
      const input = {
        fullName: 'Nguyễn Văn Bền',
        birthDate: '1950',
        gender: 'MALE',
        residenceUnitCode: '18073',
        [field]: value,
      };
      graphql(
        'text',
        `createPerson.${field}: ${what}`,
        'refused',
        {
          query: 'mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id } }',
          variables: { input },
        },
        officer,
      );
    }
    graphql(
      'text',
      `updatePerson.fullName: ${what}`,
      'refused',
      {
        query:
          'mutation ($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id } }',
        variables: { id: target.personInScope, input: { fullName: value } },
      },
      officer,
    );
    graphql(
      'text',
      `createHousehold.code: ${what}`,
      'refused',
      {
        query: 'mutation ($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }',
        variables: { input: { code: value, residenceUnitCode: '18073' } },
      },
      officer,
    );
    graphql(
      'text',
      `addPaymentAccount.holderName: ${what}`,
      'refused',
      {
        query:
          'mutation ($id: ID!, $input: PaymentAccountInput!) { addPaymentAccount(personId: $id, input: $input) { id } }',
        variables: {
          id: target.personInScope,
          input: { providerCode: 'VBA', accountNumber: '3700205000999', holderName: value },
        },
      },
      officer,
    );
    graphql(
      'text',
      `id argument: ${what}`,
      'refused',
      { query: 'query ($id: ID!) { person(id: $id) { id } }', variables: { id: value } },
      officer,
    );
  }

  // --- Subgraphs called directly: federation internals are for the gateway alone.
  for (const [name, url] of Object.entries(target.subgraphs)) {
    add('subgraph', `${name}: anonymous _service { sdl }`, 'refused', () => ({
      url,
      headers: jsonHeaders(),
      body: json({ query: '{ _service { sdl } }' }),
    }));
    add('subgraph', `${name}: _entities with an officer token, without the gateway`, 'refused', () => ({
      url,
      headers: jsonHeaders(officer),
      body: json({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }',
        variables: { r: [{ __typename: 'Person', id: target.personOutOfScope }] },
      }),
    }));
  }
  add('subgraph', 'registry: _entities of a Household with a numeric key', 'refused', () => ({
    url: target.subgraphs.registry!,
    headers: jsonHeaders(officer),
    body: json({
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Household { code } } }',
      variables: {
        r: [{ __typename: 'Household', id: 12345 }, { __typename: '__proto__' }, { __typename: 'Household' }],
      },
    }),
  }));
  add('subgraph', 'registry: 100,000 representations', 'refused', () => ({
    url: target.subgraphs.registry!,
    headers: jsonHeaders(officer),
    body: json({
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }',
      variables: {
        r: Array.from({ length: 100_000 }, () => ({ __typename: 'Person', id: target.personInScope })),
      },
    }),
  }));

  // --- Multipart requests.
  multipart(
    'anonymous 1 MB upload (the issue: killed the gateway)',
    'refused',
    importParts(Buffer.alloc(1 << 20, 'a'), 'a.csv'),
  );
  const pollution: unknown[] = [
    { 0: ['__proto__.authorization'] },
    { 0: ['constructor.prototype.authorization'] },
    { 0: ['variables.__proto__.authorization'] },
    { 0: ['variables.file.__proto__'] },
    { __proto__: ['variables.file'] },
    { 0: ['query'] },
    { 0: ['variables'] },
    { 0: ['extensions.x'] },
    { 0: ['variables.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p'] },
    { 0: 'variables.file' },
    { 0: [42] },
    ['variables.file'],
    'variables.file',
    { 0: Array.from({ length: 10_000 }, () => 'variables.file') },
    Object.fromEntries(Array.from({ length: 10_000 }, (_, index) => [String(index), ['variables.file']])),
    { 1: ['variables.file'] },
  ];
  for (const map of pollution) {
    const text = json(map);
    multipart(
      `map ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`,
      'refused',
      importParts(REFUSED_CSV, 'a.csv', map),
      { token: officer },
    );
  }
  multipart(
    'map as raw __proto__ JSON',
    'refused',
    [
      { name: 'operations', value: json({ query: IMPORT, variables: { file: null } }) },
      {
        name: 'map',
        value: '{"__proto__":{"authorization":["variables.file"]},"0":["__proto__.authorization"]}',
      },
      { name: '0', value: REFUSED_CSV, fileName: 'a.csv' },
    ],
    { token: officer },
  );
  multipart(
    'operations not JSON',
    'refused',
    [
      { name: 'operations', value: '{query' },
      { name: 'map', value: '{}' },
    ],
    { token: officer },
  );
  multipart(
    'operations a batch of 100',
    'refused',
    [
      {
        name: 'operations',
        value: json(Array.from({ length: 100 }, () => ({ query: IMPORT, variables: { file: null } }))),
      },
      { name: 'map', value: json({ 0: ['0.variables.file'] }) },
      { name: '0', value: REFUSED_CSV, fileName: 'a.csv' },
    ],
    { token: officer },
  );
  multipart(
    'file before operations',
    'refused',
    [{ name: '0', value: REFUSED_CSV, fileName: 'a.csv' }, ...importParts(REFUSED_CSV, 'a.csv').slice(0, 2)],
    { token: officer },
  );
  multipart(
    'no map',
    'refused',
    importParts(REFUSED_CSV, 'a.csv').filter((part) => part.name !== 'map'),
    { token: officer },
  );
  multipart(
    'operations twice',
    'refused',
    [importParts(REFUSED_CSV, 'a.csv')[0]!, ...importParts(REFUSED_CSV, 'a.csv')],
    { token: officer },
  );
  multipart(
    'a 3 MB operations field',
    'refused',
    [
      {
        name: 'operations',
        value: json({ query: IMPORT, variables: { file: null, junk: 'x'.repeat(3 << 20) } }),
      },
      ...importParts(REFUSED_CSV, 'a.csv').slice(1),
    ],
    { token: officer },
  );
  multipart(
    '10 files',
    'refused',
    [
      { name: 'operations', value: json({ query: IMPORT, variables: { file: null } }) },
      {
        name: 'map',
        value: json(
          Object.fromEntries(Array.from({ length: 10 }, (_, index) => [String(index), ['variables.file']])),
        ),
      },
      ...Array.from({ length: 10 }, (_, index) => ({
        name: String(index),
        value: REFUSED_CSV,
        fileName: `${index}.csv`,
      })),
    ],
    { token: officer },
  );
  multipart(
    'a file named with a path and CRLF',
    'any',
    importParts(REFUSED_CSV, '../../etc/passwd\r\nx-evil: 1.csv'),
    { token: officer },
  );
  multipart('a 10,000-character file name', 'any', importParts(REFUSED_CSV, `${'a'.repeat(10_000)}.csv`), {
    token: officer,
  });
  multipart(
    'a file nobody maps',
    'refused',
    [
      ...importParts(REFUSED_CSV, 'a.csv').slice(0, 2),
      { name: '0', value: REFUSED_CSV, fileName: 'a.csv' },
      { name: 'stray', value: REFUSED_CSV, fileName: 'b.csv' },
    ],
    { token: officer },
  );
  multipart(
    'upload cut off half-way (client leaves)',
    'survive',
    importParts(Buffer.alloc(4 << 20, 'a'), 'a.csv'),
    { token: officer, abortAfterBytes: 1 << 20 },
  );
  add('multipart', 'no boundary', 'refused', () => ({
    url: target.gateway,
    headers: { 'content-type': 'multipart/form-data', ...bearer(officer()) },
    body: 'x',
  }));
  add('multipart', 'a 200-character boundary that never comes', 'refused', () => ({
    url: target.gateway,
    headers: { 'content-type': `multipart/form-data; boundary=${'b'.repeat(200)}`, ...bearer(officer()) },
    body: Buffer.alloc(1 << 20, 'z'),
  }));
  const bigFile = (files: number, megabytes: number) => () =>
    (function* () {
      const boundary = 'ansinhArmorBoundary7MA4YWxkTrZu0gW';
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${json({ query: IMPORT, variables: { file: null } })}\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n${json(Object.fromEntries(Array.from({ length: files }, (_, index) => [String(index), ['variables.file']])))}\r\n`,
      );
      const megabyte = Buffer.alloc(1 << 20, 'a');
      for (let file = 0; file < files; file += 1) {
        yield Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${file}"; filename="${file}.csv"\r\n\r\n`,
        );
        for (let index = 0; index < megabytes; index += 1) yield megabyte;
        yield Buffer.from('\r\n');
      }
      yield Buffer.from(`--${boundary}--\r\n`);
    })();
  add('multipart', '5 files of 512 MB (the issue)', 'refused', () => ({
    url: target.gateway,
    headers: {
      'content-type': 'multipart/form-data; boundary=ansinhArmorBoundary7MA4YWxkTrZu0gW',
      ...bearer(officer()),
    },
    body: bigFile(5, 512),
    timeoutMs: 120_000,
  }));
  add('multipart', 'one 600 MB file', 'refused', () => ({
    url: target.gateway,
    headers: {
      'content-type': 'multipart/form-data; boundary=ansinhArmorBoundary7MA4YWxkTrZu0gW',
      ...bearer(officer()),
    },
    body: bigFile(1, 600),
    timeoutMs: 120_000,
  }));

  // Fuzzed multipart: a valid import request with seeded damage.
  const { body: validMultipart, contentType } = multipartBody(importParts(REFUSED_CSV, 'a.csv'));
  for (let index = 0; index < 80; index += 1) {
    const bytes = Buffer.from(validMultipart);
    let damaged: Buffer;
    if (index % 3 === 0) {
      for (let flip = 0; flip < random.int(1, 10); flip += 1)
        bytes[random.int(0, bytes.length - 1)] = random.int(0, 255);
      damaged = bytes;
    } else if (index % 3 === 1) {
      damaged = bytes.subarray(0, random.int(0, bytes.length - 1));
    } else {
      const at = random.int(0, bytes.length - 1);
      damaged = Buffer.concat([bytes.subarray(0, at), bytes.subarray(random.int(0, bytes.length - 1))]);
    }
    add('multipart-fuzz', `fuzzed multipart ${index}`, 'any', () => ({
      url: target.gateway,
      headers: { 'content-type': contentType, ...bearer(officer()) },
      body: damaged,
    }));
  }

  // --- Spreadsheets through importPersons.
  for (const file of await hostileSpreadsheets(random, 60)) {
    const { body, contentType: type } = multipartBody(importParts(file.content, file.fileName));
    add('spreadsheet', file.name, 'refused', () => ({
      url: target.gateway,
      headers: { 'content-type': type, ...bearer(officer()) },
      body,
      timeoutMs: 180_000,
    }));
  }
  return cases;
}

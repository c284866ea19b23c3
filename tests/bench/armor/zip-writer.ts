import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

/** One file of an archive: its bytes, or a generator of many chunks (for entries too large to hold). */
export type ZipEntry = {
  name: string;
  content: Buffer | string | { repeat: Buffer; times: number; head?: Buffer; tail?: Buffer };
  /** What the central directory claims the entry inflates to (a lie, for hostile archives). */
  claimedSize?: number;
  store?: boolean;
};

const u16 = (value: number) => {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value);
  return buffer;
};
const u32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0);
  return buffer;
};

async function compressed(
  entry: ZipEntry,
): Promise<{ data: Buffer; crc: number; size: number; method: number }> {
  const { content } = entry;
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    const raw = Buffer.from(content);
    return entry.store
      ? { data: raw, crc: crc32(raw), size: raw.length, method: 0 }
      : { data: deflateRawSync(raw), crc: crc32(raw), size: raw.length, method: 8 };
  }
  // Large repetitive content streams through deflate so that it is never held uncompressed.
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => parts.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    deflate.once('end', resolve);
    deflate.once('error', reject);
  });
  let crc = 0;
  let size = 0;
  const write = async (chunk: Buffer) => {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
  };
  if (content.head) await write(content.head);
  for (let index = 0; index < content.times; index += 1) await write(content.repeat);
  if (content.tail) await write(content.tail);
  deflate.end();
  await finished;
  return { data: Buffer.concat(parts), crc, size, method: 8 };
}

/**
 * A ZIP archive (the container of XLSX files) written by hand, so that the armor corpus can make
 * archives that no well-behaved library would: bombs, lying sizes, odd entry names. Sizes stay
 * under 4 GiB (no ZIP64).
 */
export async function writeZip(entries: ZipEntry[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { data, crc, size, method } = await compressed(entry);
    const name = Buffer.from(entry.name, 'utf8');
    const declared = entry.claimedSize ?? size;
    const common = [
      u16(20),
      u16(0x0800), // names in UTF-8
      u16(method),
      u16(0),
      u16(0x21),
      u32(crc),
      u32(data.length),
      u32(declared),
      u16(name.length),
      u16(0),
    ];
    const local = Buffer.concat([u32(0x04034b50), ...common, name, data]);
    central.push(
      Buffer.concat([u32(0x02014b50), u16(20), ...common, u16(0), u16(0), u16(0), u32(0), u32(offset), name]),
    );
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(entries.length),
    u16(entries.length),
    u32(directory.length),
    u32(offset),
    u16(0),
  ]);
  return Buffer.concat([...locals, directory, end]);
}

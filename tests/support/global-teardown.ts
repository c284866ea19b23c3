export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __ansinhStop?: () => Promise<void> }).__ansinhStop?.();
}

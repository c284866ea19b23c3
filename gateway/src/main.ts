import { startGateway } from './gateway.ts';

let running: Awaited<ReturnType<typeof startGateway>>;
try {
  running = await startGateway(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const shutdown = async () => {
  await running.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

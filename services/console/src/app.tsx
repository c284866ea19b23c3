import type { Session } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import { Home } from './home.tsx';

export function App({ config, session }: { config: ConsoleConfig; session: Session }) {
  const official = session.official;
  return (
    <>
      <header>
        <h1>Ansinh</h1>
        {official ? (
          <nav aria-label="Tài khoản">
            <span>
              {official.username} (đơn vị {official.unitCode})
            </span>{' '}
            <button type="button" onClick={() => void session.logout()}>
              Đăng xuất
            </button>
          </nav>
        ) : (
          <button type="button" onClick={() => void session.login()}>
            Đăng nhập
          </button>
        )}
      </header>
      <main>
        {official ? (
          <Home config={config} session={session} unitCode={official.unitCode} />
        ) : (
          <p>Hệ thống quản lý trợ giúp xã hội. Cán bộ đăng nhập bằng tài khoản của đơn vị.</p>
        )}
      </main>
    </>
  );
}

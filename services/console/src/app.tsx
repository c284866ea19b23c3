import type { ReactNode } from 'react';
import type { Official, Session } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import { ApplicationQueue } from './applications/application-queue.tsx';
import { Home } from './home/home.tsx';
import { PaymentListPage } from './payments/payment-list-page.tsx';
import { PaymentLists } from './payments/payment-lists.tsx';
import { PersonForm } from './persons/person-form.tsx';
import { PersonImport } from './persons/person-import.tsx';
import { PersonPage } from './persons/person-page.tsx';
import { PersonSearch } from './persons/person-search.tsx';
import { PublicPage } from './public/public-page.tsx';
import { Reports } from './reports/reports.tsx';
import { ConsoleContext, hasRole } from './shell/console-context.tsx';
import { Link, useLocation } from './shell/router.tsx';

type Section = { path: string; label: string; roles: string[] };

/** The console's sections, each shown to the roles whose work it is. */
const SECTIONS: Section[] = [
  { path: '/', label: 'Trang chủ', roles: [] },
  { path: '/doi-tuong', label: 'Đối tượng', roles: ['officer', 'approver', 'analyst', 'auditor', 'admin'] },
  { path: '/ho-so', label: 'Hồ sơ', roles: ['officer', 'approver', 'auditor', 'admin'] },
  { path: '/chi-tra', label: 'Chi trả', roles: ['officer', 'approver', 'payer', 'auditor', 'admin'] },
  { path: '/bao-cao', label: 'Báo cáo', roles: ['analyst', 'auditor', 'admin', 'approver', 'officer'] },
  { path: '/cong-khai', label: 'Công khai', roles: [] },
];

const visible = (official: Official, section: Section) =>
  section.roles.length === 0 || hasRole(official, ...section.roles);

/** The screen of an address, behind the login. */
function signedInScreen(path: string): ReactNode {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [section, id, action] = parts;
  switch (section) {
    case undefined:
      return <Home />;
    case 'doi-tuong':
      if (!id) return <PersonSearch />;
      if (id === 'moi') return <PersonForm personId={null} />;
      if (id === 'nhap') return <PersonImport />;
      if (action === 'sua') return <PersonForm personId={id} />;
      return <PersonPage personId={id} />;
    case 'ho-so':
      return <ApplicationQueue />;
    case 'chi-tra':
      return id ? <PaymentListPage listId={id} /> : <PaymentLists />;
    case 'bao-cao':
      return <Reports />;
    case 'cong-khai':
      return <PublicPage />;
    default:
      return (
        <p>
          Không có trang này. <Link to="/">Về trang chủ</Link>
        </p>
      );
  }
}

export function App({ config, session }: { config: ConsoleConfig; session: Session }) {
  const location = useLocation();
  const official = session.official;
  const path = location.pathname;
  const current = (section: Section) =>
    section.path === '/' ? path === '/' : path === section.path || path.startsWith(`${section.path}/`);
  return (
    <ConsoleContext.Provider value={{ config, session }}>
      <a className="skip" href="#main">
        Bỏ qua đến nội dung
      </a>
      <header>
        <Link to="/" className="brand">
          Ansinh
        </Link>
        {official && (
          <nav aria-label="Chức năng">
            {SECTIONS.filter((section) => visible(official, section)).map((section) => (
              <Link key={section.path} to={section.path} aria-current={current(section) ? 'page' : undefined}>
                {section.label}
              </Link>
            ))}
          </nav>
        )}
        <div className="account">
          {official ? (
            <>
              <span>
                {official.username} (đơn vị {official.unitCode})
              </span>
              <button type="button" onClick={() => void session.logout()}>
                Đăng xuất
              </button>
            </>
          ) : (
            <button type="button" onClick={() => void session.login()}>
              Đăng nhập
            </button>
          )}
        </div>
      </header>
      <main id="main">
        {official ? (
          signedInScreen(path)
        ) : (
          <>
            {path !== '/' && path !== '/cong-khai' && (
              <p className="alert" role="status">
                Trang này cần đăng nhập. Sau khi đăng nhập, bạn sẽ trở lại đúng trang này.
              </p>
            )}
            <PublicPage />
          </>
        )}
      </main>
    </ConsoleContext.Provider>
  );
}

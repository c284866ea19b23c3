import { useOfficial } from '../shell/console-context.tsx';
import { CommuneHome } from './commune-home.tsx';
import { ProvinceHome } from './province-home.tsx';

/** The home of the official's level: the commune's day, or the province's (or a former district's) communes. */
export function Home() {
  const official = useOfficial();
  if (official.unitLevel === 'commune') return <CommuneHome unitCode={official.unitCode} />;
  if (official.unitLevel === 'province' || official.unitLevel === 'district')
    return <ProvinceHome unitCode={official.unitCode} />;
  return <p>Tài khoản này không gắn với đơn vị hành chính nào, nên không có số liệu để hiển thị.</p>;
}

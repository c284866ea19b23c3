import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { Session } from './auth.ts';
import { loadConfig } from './config.ts';
import './console.css';

const root = createRoot(document.getElementById('root')!);
try {
  const config = await loadConfig();
  const session = await Session.start(config);
  root.render(
    <StrictMode>
      <App config={config} session={session} />
    </StrictMode>,
  );
} catch (error) {
  root.render(<p role="alert">Không khởi động được bảng điều khiển: {String(error)}</p>);
}

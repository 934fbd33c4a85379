// Renderer entry. Exposes a small read-only hook for end-to-end tests (window.__netloom).
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './app/App';
import { docStore, useUi } from './app/store';
import { openTemplateNow as openTemplate } from './app/files';
import { useTraining as training } from './panels/training/controller';
import { useDebug as debug } from './panels/debug/store';

(window as unknown as { __netloom: unknown }).__netloom = { docStore, ui: useUi, openTemplate, training, debug };
createRoot(document.getElementById('root')!).render(<App />);

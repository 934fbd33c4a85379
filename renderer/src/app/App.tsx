// The editor's frame: toolbar, palette, canvas, inspector, problems, status bar, dialogs.
import { useCallback, useEffect, useRef } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from '../canvas/Canvas';
import type { EdgeData } from '../canvas/scene';
import { Palette } from '../panels/Palette';
import { Inspector } from '../panels/Inspector';
import { Problems } from '../panels/Problems';
import { StatusBar } from '../panels/StatusBar';
import { Toolbar } from '../panels/Toolbar';
import { Toasts } from '../panels/Toasts';
import { FileErrorDialog, TemplatesDialog } from '../panels/TemplatesDialog';
import { ConfirmDiscardDialog } from '../panels/ConfirmDialog';
import { ExportDialog } from '../panels/ExportDialog';
import { TrainingPanel } from '../panels/training/TrainingPanel';
import { openInitialFile, wireDocument } from './files';
import { RecoveryBanner } from './RecoveryBanner';
import { installKeys } from './keys';
import { connectEngine, disconnectEngine } from './engine';
import { useUi } from './store';

export function App() {
  const theme = useUi((s) => s.theme);
  const dialog = useUi((s) => s.dialog);
  const trainOpen = useUi((s) => s.trainOpen);
  const edgeSel = useRef<EdgeData[]>([]);
  const onEdgeSelection = useCallback((e: EdgeData[]) => {
    edgeSel.current = e;
  }, []);
  useEffect(() => {
    const un1 = wireDocument();
    const un2 = installKeys(() => edgeSel.current);
    void connectEngine();
    void openInitialFile();
    return () => {
      un1();
      un2();
      disconnectEngine();
    };
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <ReactFlowProvider>
      <div className="app" data-theme={theme}>
        <Toolbar />
        <RecoveryBanner />
        <div className="main">
          <Palette />
          <div className="center">
            <Canvas onEdgeSelection={onEdgeSelection} />
            <Problems />
          </div>
          <Inspector />
        </div>
        {trainOpen && <TrainingPanel />}
        <StatusBar />
        {dialog === 'templates' && <TemplatesDialog />}
        {dialog === 'fileError' && <FileErrorDialog />}
        {dialog === 'confirmDiscard' && <ConfirmDiscardDialog />}
        {dialog === 'export' && <ExportDialog />}
        <Toasts />
      </div>
    </ReactFlowProvider>
  );
}

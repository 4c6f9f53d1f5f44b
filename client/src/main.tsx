import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { captureKioskToken } from './auth/kiosk';
import './styles.css';

// Before anything reads the URL or opens the socket.
captureKioskToken();

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );

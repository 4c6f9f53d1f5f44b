import { lazy, Suspense, useEffect } from 'react';
import { matchRoute, usePath } from './router';
import { useLang, useT } from './hooks';
import { HomePage } from './home/HomePage';
import { Gate } from './auth/Gate';

// The big screen is the route that must load fast; the others load on demand.
const ScreenPage = lazy(() => import('./screen/ScreenPage'));
const ConsolePage = lazy(() => import('./console/ConsolePage'));
const AdminPage = lazy(() => import('./admin/AdminPage'));
const LoginPage = lazy(() => import('./auth/LoginPage'));
const ReplayPage = lazy(() => import('./replay/ReplayPage'));
const ReviewPage = lazy(() => import('./review/ReviewPage'));
const AckPage = lazy(() => import('./console/AckPage'));
const GroupWallPage = lazy(() => import('./wall/GroupWallPage'));
const GroupReviewPage = lazy(() => import('./wall/GroupReviewPage'));

export function App() {
  const route = matchRoute(usePath());
  const lang = useLang();
  const t = useT();
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  return (
    <Suspense fallback={<div className="page-loading">{t('loading')}</div>}>
      <Gate route={route}>
        {route.name === 'login' && <LoginPage />}
        {route.name === 'screen' && <ScreenPage launchId={route.launchId} />}
        {route.name === 'console' && <ConsolePage />}
        {route.name === 'admin' && <AdminPage />}
        {route.name === 'replay' && <ReplayPage replayId={route.replayId} />}
        {route.name === 'review' && <ReviewPage launchId={route.launchId} />}
        {route.name === 'ack' && <AckPage incidentId={route.incidentId} />}
        {route.name === 'wall' && <GroupWallPage groupId={route.groupId} />}
        {route.name === 'groupReview' && <GroupReviewPage groupId={route.groupId} />}
        {route.name === 'home' && <HomePage />}
        {route.name === 'notFound' && <HomePage />}
      </Gate>
    </Suspense>
  );
}

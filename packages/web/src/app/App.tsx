import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setCsrfToken } from '../api/client.ts';
import type { Action, Me } from '../api/types.ts';
import { AcceptInvitation } from '../features/auth/AcceptInvitation.tsx';
import { SignIn } from '../features/auth/SignIn.tsx';
import { CampaignPage } from '../features/campaigns/CampaignPage.tsx';
import { CampaignsPage } from '../features/campaigns/CampaignsPage.tsx';
import { ChannelSettingsPage } from '../features/campaigns/ChannelSettingsPage.tsx';
import { DistributionPage } from '../features/campaigns/DistributionPage.tsx';
import { OutboxPage } from '../features/campaigns/OutboxPage.tsx';
import { DataPage } from '../features/data/DataPage.tsx';
import { ExplorePage } from '../features/explore/ExplorePage.tsx';
import { HomePage } from '../features/home/HomePage.tsx';
import { InsidersPage } from '../features/insiders/InsidersPage.tsx';
import { LookoutPage } from '../features/lookout/LookoutPage.tsx';
import { ManagerPage } from '../features/manager/ManagerPage.tsx';
import { SegmentsPage } from '../features/segments/SegmentsPage.tsx';
import { EmptyState, ErrorState, Loading } from '../ui/States.tsx';
import { Layout, PAGES, type PageId } from './Layout.tsx';
import { navigate, useLocation } from './router.ts';
import { type Session, SessionContext } from './session.ts';

type Auth =
  | { state: 'checking' }
  | { state: 'signed-out' }
  | { state: 'error'; error: ApiError }
  | { state: 'in'; me: Me };

// The charts (echarts) load with the Charts page only.
const ChartsPage = lazy(() =>
  import('../features/charts/ChartsPage.tsx').then((m) => ({ default: m.ChartsPage })),
);

// The chart builder draws with echarts too: loaded with its page.
const ChartBuilderPage = lazy(() =>
  import('../features/builder/ChartBuilderPage.tsx').then((m) => ({ default: m.ChartBuilderPage })),
);

function pageOf(path: string): PageId | null {
  if (path === '/') return 'home';
  if (path === '/campaigns/new') return 'distribution';
  if (path.startsWith('/campaigns/')) return 'campaigns';
  const id = path.slice(1);
  return (PAGES as readonly string[]).includes(id) ? (id as PageId) : null;
}

/** The campaign a /campaigns/<id> path names, null for the list. */
function campaignIdOf(path: string): string | null {
  const match = /^\/campaigns\/([^/]+)$/.exec(path);
  return match ? decodeURIComponent(match[1]!) : null;
}

function Page({ page, path }: { page: PageId; path: string }) {
  switch (page) {
    case 'home':
      return <HomePage />;
    case 'data':
      return <DataPage />;
    case 'charts':
      return (
        <Suspense fallback={<Loading />}>
          <ChartsPage />
        </Suspense>
      );
    case 'explore':
      return <ExplorePage />;
    case 'builder':
      return (
        <Suspense fallback={<Loading />}>
          <ChartBuilderPage />
        </Suspense>
      );
    case 'segments':
      return <SegmentsPage />;
    case 'insiders':
      return <InsidersPage />;
    case 'lookout':
      return <LookoutPage />;
    case 'manager':
      return <ManagerPage />;
    case 'distribution':
      return <DistributionPage />;
    case 'campaigns': {
      const id = campaignIdOf(path);
      return id === null ? <CampaignsPage /> : <CampaignPage key={id} id={id} />;
    }
    case 'outbox':
      return <OutboxPage />;
    case 'settings':
      return <ChannelSettingsPage />;
  }
}

export function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const { path, search } = useLocation();

  const check = useCallback(() => {
    setAuth({ state: 'checking' });
    api<Me>('/api/me').then(
      (me) => {
        setCsrfToken(me.csrfToken);
        setAuth({ state: 'in', me });
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) setAuth({ state: 'signed-out' });
        else
          setAuth({
            state: 'error',
            error: err instanceof ApiError ? err : new ApiError(0, 'CLIENT', String(err)),
          });
      },
    );
  }, []);
  useEffect(check, []);

  const signedIn = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setAuth({ state: 'in', me });
    if (window.location.pathname === '/invitation') navigate('/');
  }, []);

  const session = useMemo<Session | null>(() => {
    if (auth.state !== 'in') return null;
    const allowed = new Set(auth.me.permissions);
    return {
      me: auth.me,
      can: (action: Action) => allowed.has(action),
      signOut: async () => {
        try {
          await api('/api/auth/sign-out', { method: 'POST' });
        } catch {
          // Signed out either way: the cookie is gone or the session had expired.
        }
        setCsrfToken(null);
        setAuth({ state: 'signed-out' });
        navigate('/');
      },
    };
  }, [auth]);

  if (auth.state === 'checking') return <Loading />;
  if (auth.state === 'error') return <ErrorState error={auth.error} onRetry={check} />;
  if (auth.state === 'signed-out' || !session) {
    if (path === '/invitation')
      return <AcceptInvitation token={search.get('token') ?? ''} onSignedIn={signedIn} />;
    return <SignIn onSignedIn={signedIn} />;
  }
  const page = pageOf(path);
  return (
    <SessionContext.Provider value={session}>
      <Layout page={page}>{page ? <Page page={page} path={path} /> : <NotFound />}</Layout>
    </SessionContext.Provider>
  );
}

function NotFound() {
  return <EmptyState title="404" />;
}

import { Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { useAuth } from '@/lib/auth/auth-context';

export function FullPageLoader() {
  return (
    <Center mih="100vh">
      <Loader aria-label="Loading Switchboard" />
    </Center>
  );
}

function Unreachable() {
  const { retry } = useAuth();
  return (
    <Center mih="100vh" p="md">
      <Stack align="center" gap="sm" maw={420} ta="center" role="alert">
        <Title order={1} size="h3">
          Cannot reach Switchboard
        </Title>
        <Text c="dimmed" size="sm">
          The server did not answer. Check that it is running and try again.
        </Text>
        <Button onClick={retry}>Try again</Button>
      </Stack>
    </Center>
  );
}

/** `/setup`: only while the installation has no user. */
export function SetupOnly() {
  const { status } = useAuth();
  if (status === 'loading') return <FullPageLoader />;
  if (status === 'unreachable') return <Unreachable />;
  if (status !== 'setup-required') return <Navigate to="/" replace />;
  return <Outlet />;
}

/** `/login`: signed-out users only. */
export function GuestOnly() {
  const { status } = useAuth();
  const [params] = useSearchParams();
  if (status === 'loading') return <FullPageLoader />;
  if (status === 'unreachable') return <Unreachable />;
  if (status === 'setup-required') return <Navigate to="/setup" replace />;
  if (status === 'authenticated') {
    const next = params.get('next');
    return <Navigate to={next && next.startsWith('/') && !next.startsWith('//') ? next : '/'} replace />;
  }
  return <Outlet />;
}

/** Everything else: signed-in users only. */
export function RequireAuth() {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <FullPageLoader />;
  if (status === 'unreachable') return <Unreachable />;
  if (status === 'setup-required') return <Navigate to="/setup" replace />;
  if (status === 'anonymous') {
    const here = location.pathname + location.search;
    const next = here === '/' ? '' : `?next=${encodeURIComponent(here)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  return <Outlet />;
}

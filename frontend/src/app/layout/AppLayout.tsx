import {
  Anchor,
  AppShell,
  Avatar,
  Box,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconActivity,
  IconMail,
  IconAlertOctagon,
  IconBolt,
  IconBrandAws,
  IconBrandSlack,
  IconCalendarTime,
  IconPhoneCall,
  IconStairsUp,
  IconChevronDown,
  IconComponents,
  IconGavel,
  IconMailForward,
  IconPlugConnected,
  IconServer2,
  IconVariable,
  IconWebhook,
  IconKey,
  IconLayoutDashboard,
  IconLogout,
  IconStack2,
  IconUser,
  IconUsers,
  IconTool,
  IconWorld,
} from '@tabler/icons-react';
import { Suspense, type ReactNode } from 'react';
import { Link, Outlet, useLocation, useMatch, useNavigate } from 'react-router';
import { ColorSchemeControl } from '@/components/ColorSchemeControl';
import { Logo } from '@/components/Logo';
import { TableSkeleton } from '@/components/TableSkeleton';
import { AccountSwitcher } from '@/features/accounts/components/AccountSwitcher';
import { EnvironmentSwitcher } from '@/features/environments/components/EnvironmentSwitcher';
import { useAccountRole } from '@/lib/account-role';
import { useAuth } from '@/lib/auth/auth-context';
import { useApplyUserColorScheme } from '@/lib/color-scheme';
import { getLastAccountId, setLastAccountId } from '@/lib/current-context';
import { notifyError } from '@/lib/notify';
import type { Role } from '@/gql/graphql';
import { roleAtLeast } from '@/lib/roles';

interface Section {
  path: string;
  label: string;
  icon: ReactNode;
  minRole: Role;
}

interface NavGroup {
  /** A heading above the sections; a collapsible parent when `collapsible`. */
  label: string;
  icon?: ReactNode;
  collapsible?: boolean;
  sections: Section[];
}

const NAV: NavGroup[] = [
  {
    label: 'Operations',
    sections: [
      { path: 'overview', label: 'Overview', icon: <IconLayoutDashboard size={18} />, minRole: 'VIEWER' },
      { path: 'incidents', label: 'Incidents', icon: <IconAlertOctagon size={18} />, minRole: 'VIEWER' },
      { path: 'components', label: 'Components', icon: <IconComponents size={18} />, minRole: 'VIEWER' },
      { path: 'integrations', label: 'Integrations', icon: <IconBrandAws size={18} />, minRole: 'VIEWER' },
    ],
  },
  {
    label: 'On-call',
    sections: [
      { path: 'schedules', label: 'Schedules', icon: <IconCalendarTime size={18} />, minRole: 'VIEWER' },
      {
        path: 'escalation-policies',
        label: 'Escalation policies',
        icon: <IconStairsUp size={18} />,
        minRole: 'VIEWER',
      },
      { path: 'my-on-call', label: 'My on-call', icon: <IconPhoneCall size={18} />, minRole: 'VIEWER' },
    ],
  },
  {
    label: 'Inventory',
    sections: [
      { path: 'farms', label: 'Farms', icon: <IconServer2 size={18} />, minRole: 'VIEWER' },
      { path: 'approvals', label: 'Approvals', icon: <IconGavel size={18} />, minRole: 'VIEWER' },
      { path: 'variables', label: 'Variables', icon: <IconVariable size={18} />, minRole: 'VIEWER' },
    ],
  },
  {
    label: 'Outbound',
    icon: <IconWebhook size={18} />,
    collapsible: true,
    sections: [
      { path: 'endpoints', label: 'Endpoints', icon: <IconPlugConnected size={18} />, minRole: 'VIEWER' },
      { path: 'webhooks', label: 'Webhooks', icon: <IconWebhook size={18} />, minRole: 'VIEWER' },
      { path: 'events', label: 'Events', icon: <IconBolt size={18} />, minRole: 'VIEWER' },
      { path: 'deliveries', label: 'Deliveries', icon: <IconMailForward size={18} />, minRole: 'ADMIN' },
    ],
  },
  {
    label: 'Account',
    sections: [
      { path: 'environments', label: 'Environments', icon: <IconStack2 size={18} />, minRole: 'VIEWER' },
      { path: 'members', label: 'Members', icon: <IconUsers size={18} />, minRole: 'VIEWER' },
      { path: 'status-pages', label: 'Status pages', icon: <IconWorld size={18} />, minRole: 'VIEWER' },
      { path: 'maintenance', label: 'Maintenance', icon: <IconTool size={18} />, minRole: 'VIEWER' },
      { path: 'api-tokens', label: 'API tokens', icon: <IconKey size={18} />, minRole: 'ADMIN' },
      { path: 'activity', label: 'Activity', icon: <IconActivity size={18} />, minRole: 'ADMIN' },
      { path: 'mail', label: 'Outgoing mail', icon: <IconMail size={18} />, minRole: 'ADMIN' },
      { path: 'slack', label: 'Slack', icon: <IconBrandSlack size={18} />, minRole: 'VIEWER' },
    ],
  },
];

const SECTIONS: Section[] = NAV.flatMap((g) => g.sections);

function UserMenu() {
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  if (!user) return null;
  const initials = (user.name || user.email)
    .split(/\s+/)
    .slice(0, 2)
    .map((p) => p[0]?.toUpperCase() ?? '')
    .join('');
  return (
    <Menu position="bottom-end" width={220} shadow="md" withinPortal>
      <Menu.Target>
        {/* Named by its content (no aria-label): the visible name is part of what a screen reader says. */}
        <UnstyledButton data-testid="user-menu">
          <VisuallyHidden>User menu for </VisuallyHidden>
          <Group gap={8} wrap="nowrap">
            <Avatar radius="xl" size={30} color="indigo" aria-hidden>
              {initials}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" truncate maw={160}>
              {user.name || user.email}
            </Text>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{user.email}</Menu.Label>
        <Menu.Item component={Link} to="/profile" leftSection={<IconUser size={14} />}>
          Profile
        </Menu.Item>
        <Menu.Divider />
        <ColorSchemeControl />
        <Menu.Divider />
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={14} />}
          onClick={async () => {
            try {
              await logout();
            } catch (err) {
              notifyError(err as Error, 'Sign-out did not reach the server');
            }
            navigate('/login', { replace: true });
          }}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/**
 * The sections the environment switcher filters (their lists follow the current environment);
 * elsewhere it is not shown, so it never seems to filter what it does not.
 */
const ENVIRONMENT_SECTIONS = new Set(['farms', 'variables', 'endpoints', 'webhooks', 'deliveries', 'environments']);

export default function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  useApplyUserColorScheme();
  const location = useLocation();
  const navigate = useNavigate();
  const match = useMatch('/accounts/:accountId/*');
  const routeAccountId = match?.params.accountId ?? null;
  const accountId = routeAccountId ?? getLastAccountId();
  const { role } = useAccountRole(accountId ?? '');

  // Switching accounts keeps the current section (`/accounts/A/members` → `/accounts/B/members`).
  const section = (match?.params['*'] ?? '').split('/')[0] || 'overview';
  function selectAccount(id: string) {
    setLastAccountId(id);
    navigate(`/accounts/${id}/${SECTIONS.some((s) => s.path === section) ? section : 'overview'}`);
    close();
  }

  const switchers = (
    <>
      <AccountSwitcher currentAccountId={accountId} onSelect={selectAccount} />
      {accountId && role && ENVIRONMENT_SECTIONS.has(section) && <EnvironmentSwitcher key={accountId} accountId={accountId} />}
    </>
  );

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <Anchor
        href="#main"
        className="skip-link"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </Anchor>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Anchor component={Link} to="/" underline="never" c="inherit" aria-label="Switchboard home">
              <Logo />
            </Anchor>
            <Group gap="sm" wrap="nowrap" visibleFrom="sm">
              {switchers}
            </Group>
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        {/* On small screens the header has no room: the switchers move into the menu. */}
        <AppShell.Section hiddenFrom="sm" mb="sm">
          <Stack gap="xs">{opened && switchers}</Stack>
        </AppShell.Section>
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={2}>
            {accountId &&
              NAV.map((group) => {
                const visible = group.sections.filter((s) => roleAtLeast(role, s.minRole));
                if (visible.length === 0) return null;
                const links = visible.map((s) => {
                  const to = `/accounts/${accountId}/${s.path}`;
                  const active = location.pathname === to || location.pathname.startsWith(`${to}/`);
                  return (
                    <NavLink
                      key={s.path}
                      component={Link}
                      to={to}
                      label={s.label}
                      leftSection={s.icon}
                      active={active}
                      aria-current={active ? 'page' : undefined}
                      onClick={close}
                    />
                  );
                });
                if (group.collapsible) {
                  return (
                    <NavLink
                      key={group.label}
                      label={group.label}
                      leftSection={group.icon}
                      defaultOpened
                      childrenOffset={14}
                      mt={6}
                    >
                      {links}
                    </NavLink>
                  );
                }
                return (
                  <Stack gap={2} key={group.label} mt={6}>
                    <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt={4}>
                      {group.label}
                    </Text>
                    {links}
                  </Stack>
                );
              })}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <NavLink
            component={Link}
            to="/profile"
            label="Profile"
            leftSection={<IconUser size={18} />}
            active={location.pathname === '/profile'}
            aria-current={location.pathname === '/profile' ? 'page' : undefined}
            onClick={close}
          />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} style={{ outline: 'none' }}>
        <Box maw={1200}>
          <Suspense fallback={<TableSkeleton />}>
            <Outlet />
          </Suspense>
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}

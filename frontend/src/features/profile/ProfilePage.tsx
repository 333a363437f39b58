import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { RoleBadge } from '@/components/RoleBadge';
import { TableSkeleton } from '@/components/TableSkeleton';
import { ProfileQuery, slackLinksContext } from './api';
import { PasswordForm } from './components/PasswordForm';
import { ProfileForm } from './components/ProfileForm';
import { SlackLinks } from './components/SlackLinks';

export default function ProfilePage() {
  const [{ data, error }, refetch] = useQuery({ query: ProfileQuery, context: slackLinksContext });
  const user = data?.me.user;

  return (
    <>
      <PageHeader title="Your profile" description="How you appear to others, and how you sign in." />
      {error && !data ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !user ? (
        <TableSkeleton label="Loading profile" />
      ) : (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <Card withBorder radius="md" padding="lg">
              <Group justify="space-between" mb="md">
                <Title order={2} size="h4">
                  Profile
                </Title>
                {user.isSystemAdmin && (
                  <Badge variant="light" color="grape">
                    System administrator
                  </Badge>
                )}
              </Group>
              <ProfileForm email={user.email} name={user.name} />
            </Card>
            <Card withBorder radius="md" padding="lg">
              <Title order={2} size="h4" mb="md">
                Password
              </Title>
              <PasswordForm email={user.email} />
            </Card>
          </SimpleGrid>
          <Card withBorder radius="md" padding="lg">
            <Title order={2} size="h4" mb="md">
              Your accounts
            </Title>
            {user.memberships.length === 0 ? (
              <Text c="dimmed" size="sm">
                You are not a member of any account.
              </Text>
            ) : (
              <Table aria-label="Your accounts">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Account</Table.Th>
                    <Table.Th>Role</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {user.memberships.map((m) => (
                    <Table.Tr key={m.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/accounts/${m.account.id}/environments`}>
                          {m.account.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <RoleBadge role={m.role} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
          {Array.isArray(user.slackLinks) && (
            <SlackLinks
              links={user.slackLinks}
              accountNames={Object.fromEntries(user.memberships.map((m) => [m.account.id, m.account.name]))}
            />
          )}
        </Stack>
      )}
    </>
  );
}

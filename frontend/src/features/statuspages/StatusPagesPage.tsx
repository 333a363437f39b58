import { Anchor, Badge, Button, Table, Text } from '@mantine/core';
import { IconPlus, IconWorld } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ListPage, queryListState } from '@/components/ListPage';
import { roleAtLeast } from '@/lib/roles';
import { StatusPagesQuery, statusPagesContext } from './api';
import { CopyLink } from './components/CopyLink';

export default function StatusPagesPage() {
  const { accountId = '' } = useParams();
  const query = useQuery({ query: StatusPagesQuery, variables: { accountId }, context: statusPagesContext });
  const [{ data }] = query;
  const account = data?.account;
  const pages = account?.statusPages ?? [];
  const canAdmin = roleAtLeast(account?.myRole, 'ADMIN');
  const newButton = canAdmin && (
    <Button component={Link} to="new" leftSection={<IconPlus size={16} />}>
      New status page
    </Button>
  );

  return (
    <ListPage
      title="Status pages"
      description="What customers read: your components by group, public incident updates and scheduled maintenance."
      actions={pages.length > 0 ? newButton : null}
      state={queryListState(query, pages)}
      what="status pages"
      empty={{
        icon: <IconWorld size={24} />,
        title: 'No status pages yet',
        body: canAdmin
          ? 'Publish a page that shows your components and the updates you post on incidents.'
          : 'An admin creates status pages; you will see them here.',
        action: newButton,
      }}
    >
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" aria-label="Status pages">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th w={160}>Slug</Table.Th>
              <Table.Th w={110}>Visibility</Table.Th>
              <Table.Th>Public link</Table.Th>
              <Table.Th w={120}>Subscribers</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pages.map((p) => (
              <Table.Tr key={p.id} data-testid="status-page-row">
                <Table.Td>
                  <Anchor component={Link} to={p.id} fw={500} size="sm">
                    {p.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {p.slug}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={p.visibility === 'PUBLIC' ? 'teal' : 'gray'} radius="sm">
                    {p.visibility === 'PUBLIC' ? 'Public' : 'Private'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <CopyLink url={p.url} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{p.subscriberCount}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </ListPage>
  );
}
